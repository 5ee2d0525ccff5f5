using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using AgentHive.Tests.Database;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Packaging;

/// <summary>
/// The toolkit as another team adopts it: packages from `dotnet pack`, an app that references them (never the
/// repository's projects), its own schema and its own command line, on both backends.
/// </summary>
[Collection(PackedToolkitCollection.Name)]
public sealed class PackagingTests
{
    private readonly PackedToolkit _toolkit;
    private readonly PostgresServer _postgres;

    public PackagingTests(PackedToolkit toolkit, PostgresServer postgres)
    {
        _toolkit = toolkit;
        _postgres = postgres;
    }

    [Fact]
    public void Generator_package_carries_the_analyzer_YamlDotNet_and_build_files()
    {
        using var package = ZipFile.OpenRead(_toolkit.Package("AgentHive.Schema.Generator"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("analyzers/dotnet/cs/AgentHive.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/YamlDotNet.dll", entries);
        foreach (var folder in new[] { "build", "buildTransitive" })
        {
            Assert.Contains($"{folder}/AgentHive.Schema.Generator.props", entries);
            Assert.Contains($"{folder}/AgentHive.Schema.Generator.targets", entries);
        }

        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        var nuspec = Nuspec(package);
        Assert.Contains("<developmentDependency>true</developmentDependency>", nuspec);
        AssertMetadata(nuspec);
    }

    [Fact]
    public void Runtime_package_carries_the_library_its_docs_and_metadata()
    {
        using var package = ZipFile.OpenRead(_toolkit.Package("AgentHive.Schema.Runtime"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("lib/net10.0/AgentHive.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/AgentHive.Runtime.xml", entries);
        var nuspec = Nuspec(package);
        Assert.Contains("id=\"System.CommandLine\"", nuspec);
        AssertMetadata(nuspec);
        Assert.True(File.Exists(Path.ChangeExtension(_toolkit.Package("AgentHive.Schema.Runtime"), ".snupkg")), "the runtime's symbols package is missing");
    }

    [Fact]
    public void Sample_built_from_packages_migrates_up_down_and_up_on_SQLite()
    {
        var app = BuildSample();
        var database = Path.Combine(_toolkit.Root, "library-" + Guid.NewGuid().ToString("N") + ".db");
        var connection = new[] { "--provider", "sqlite", "--connection", $"Data Source={database}" };

        UpDownUp(app, connection);
        using var sqlite = new SqliteConnection($"Data Source={database}");
        sqlite.Open();
        using var command = sqlite.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('books') WHERE name = 'isbn'";
        Assert.Equal(1L, command.ExecuteScalar());
    }

    [Fact]
    public void Sample_built_from_packages_writes_its_own_schema_diagram()
    {
        var app = BuildSample();
        var document = Path.Combine(_toolkit.Root, "library-" + Guid.NewGuid().ToString("N") + ".md");

        Ok(_toolkit.Root, app, "schema", "diagram", "--output", document);
        var diagram = Ok(_toolkit.Root, app, "schema", "diagram", "--mermaid");

        var text = File.ReadAllText(document);
        Assert.StartsWith("# Schema `library`, version 2\n", text);
        Assert.Contains("```mermaid\n" + diagram.Replace("\r\n", "\n") + "```\n", text);
        Assert.Contains("    \"authors\" ||..o{ \"books\" : \"author_id\"\n", diagram);
        Assert.Contains("    \"books\" ||..o{ \"loans\" : \"book_id\"\n", diagram);
        Assert.Contains("- foreign key `fk_books_author_id` (`author_id`) references `authors` (`id`), on delete restrict: many-to-one, required\n", text);
    }

    [Fact]
    public void Sample_built_from_packages_migrates_up_down_and_up_on_PostgreSQL()
    {
        var app = BuildSample();
        var name = "agenthive_sample_" + Guid.NewGuid().ToString("N");
        var connectionString = _postgres.CreateDatabase(name);
        try
        {
            UpDownUp(app, new[] { "--provider", "postgres", "--connection", connectionString });
            using var postgres = new NpgsqlConnection(connectionString);
            postgres.Open();
            using var command = postgres.CreateCommand();
            command.CommandText = "SELECT count(*) FROM information_schema.columns WHERE table_name = 'books' AND column_name = 'isbn'";
            Assert.Equal(1L, command.ExecuteScalar());
        }
        finally
        {
            _postgres.DropDatabase(name);
        }
    }

    [Fact]
    public void Template_creates_an_app_that_builds_migrates_freezes_and_evolves()
    {
        var hive = Path.Combine(_toolkit.Root, "template-hive");
        Ok(_toolkit.Root, "new", "install", _toolkit.Package("AgentHive.Schema.Templates"), "--debug:custom-hive", hive);
        var project = Path.Combine(_toolkit.Root, "Inventory");
        Ok(_toolkit.Root, "new", "agenthive", "-n", "Inventory", "-o", project, "--agenthiveVersion", _toolkit.Version, "--debug:custom-hive", hive);

        foreach (var file in new[] { "Inventory.csproj", "Program.cs", "schema.yaml", "schema.json", "appsettings.json", "README.md" })
        {
            Assert.True(File.Exists(Path.Combine(project, file)), $"the template did not create {file}");
        }

        Assert.StartsWith("# yaml-language-server: $schema=schema.json", File.ReadAllText(Path.Combine(project, "schema.yaml")));
        Ok(project, "build", "--configfile", _toolkit.NuGetConfig, "-nologo");
        var up = Ok(project, "run", "--no-build", "--", "up");
        Assert.Contains("Current version: 1", up);
        Assert.True(File.Exists(Path.Combine(project, "Inventory.db")), "up did not create the SQLite database named in appsettings.json");

        // schema freeze finds the schema file and the history folder of this project by itself.
        Ok(project, "run", "--no-build", "--", "schema", "freeze");
        Assert.True(File.Exists(Path.Combine(project, "history", "schema.v1.yaml")));
        Assert.True(File.Exists(Path.Combine(project, "history", "schema.checksums")));

        var schema = Path.Combine(project, "schema.yaml");
        File.WriteAllText(schema, File.ReadAllText(schema).Replace("version: 1", "version: 2")
            .Replace("      title: text\n", "      title: text\n      note: { type: text, nullable: true }\n"));
        Ok(project, "build", "--configfile", _toolkit.NuGetConfig, "-nologo");
        var upgrade = Ok(project, "run", "--no-build", "--", "up");
        Assert.Contains("Applying 2", upgrade);
        Assert.Contains("\"clean\":true", Ok(project, "run", "--no-build", "--", "verify", "--json"));
    }

    private string BuildSample()
    {
        lock (_toolkit)
        {
            var samples = Path.Combine(_toolkit.Root, "samples");
            var app = Path.Combine(samples, "Library", "bin", "Debug", "net10.0", "Library.dll");
            if (!File.Exists(app))
            {
                _toolkit.CopyFromRepository("samples", "samples");
                Ok(Path.Combine(samples, "Library"), "build", "--configfile", _toolkit.NuGetConfig, $"-p:AgentHiveVersion={_toolkit.Version}", "-nologo");
            }

            return app;
        }
    }

    private void UpDownUp(string app, string[] connection)
    {
        Assert.Contains("Current version: 2", Ok(_toolkit.Root, new[] { app, "up" }.Concat(connection).ToArray()));
        Assert.Contains("Current version: 1", Ok(_toolkit.Root, new[] { app, "down", "--to", "1" }.Concat(connection).ToArray()));
        Assert.Contains("Current version: 2", Ok(_toolkit.Root, new[] { app, "up" }.Concat(connection).ToArray()));
        Assert.Contains("Clean", Ok(_toolkit.Root, new[] { app, "verify" }.Concat(connection).ToArray()));
    }

    private static string Ok(string directory, params string[] args)
    {
        var (code, output) = DotnetCli.Run(directory, null, args);
        Assert.True(code == 0, $"dotnet {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }

    private static string Nuspec(ZipArchive package)
    {
        using var reader = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return reader.ReadToEnd();
    }

    private static void AssertMetadata(string nuspec)
    {
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
        Assert.Contains("<repository type=\"git\"", nuspec);
        Assert.Contains("<description>", nuspec);
        Assert.Contains("<tags>", nuspec);
    }
}
