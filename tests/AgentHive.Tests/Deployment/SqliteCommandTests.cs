using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Sqlite;
using AgentHive.Tests.Database;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>What the deploy commands do to (and say about) a real SQLite file beyond migrating it.</summary>
public sealed class SqliteCommandTests : IDisposable
{
    private readonly List<SqliteTestDatabase> _databases = new();
    private readonly List<string> _folders = new();

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }

        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Read_only_commands_leave_the_file_and_its_journal_mode_alone()
    {
        var database = At(2);
        Pragma(database, "journal_mode = DELETE");
        var before = Hash(database.FilePath);

        foreach (var args in new[] { new[] { "status" }, new[] { "status", "--json" }, new[] { "verify" }, new[] { "script" }, new[] { "up", "--dry-run" } })
        {
            var (code, output) = MigratorProcess.Run(database.Options, args);
            Assert.True(code == SchemaCommandLine.Success, $"{string.Join(' ', args)}: {output}");
            Assert.Equal("delete", Pragma(database, "journal_mode"));
            Assert.True(before == Hash(database.FilePath), $"'{string.Join(' ', args)}' wrote to the database file");
        }
    }

    [Fact]
    public void Verify_reports_a_file_whose_pages_are_corrupt()
    {
        var database = At(2);
        for (var i = 0; i < 20; i++)
        {
            database.Execute("INSERT INTO events (event_type, message) SELECT 'filler', hex(randomblob(100)) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10)");
        }

        Pragma(database, "journal_mode = DELETE");
        var pageSize = long.Parse(Pragma(database, "page_size"), System.Globalization.CultureInfo.InvariantCulture);
        var rootPage = database.Scalar("SELECT rootpage FROM sqlite_schema WHERE name = 'events'");
        using (var file = new FileStream(database.FilePath, FileMode.Open, FileAccess.ReadWrite))
        {
            // The first byte of a b-tree page says what kind of page it is; 0 is none.
            file.Position = (rootPage - 1) * pageSize;
            file.WriteByte(0);
        }

        var (code, output) = MigratorProcess.Run(database.Options, "verify");

        Assert.True(code == SchemaCommandLine.Drift, output);
        Assert.Contains("the database file is corrupt (PRAGMA quick_check:", output);
        Assert.DoesNotContain("Clean", output);
    }

    [Fact]
    public void The_printed_script_applied_to_a_populated_database_equals_up_and_keeps_cascade_children()
    {
        var scripted = Populated();
        var migrated = Populated();

        var script = DeployCli.Run(scripted.Options, "script");
        Assert.True(script.Code == SchemaCommandLine.Success, script.Error);
        var lines = script.Output.Split('\n');
        int Line(string start) => Array.FindIndex(lines, l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.True(Line("PRAGMA foreign_keys = OFF;") < Line("BEGIN;"), "foreign keys must be off before the transaction");
        Assert.True(Line("PRAGMA foreign_key_check;") < Line("COMMIT;"), "the foreign-key check runs before the commit");
        Assert.True(Array.FindLastIndex(lines, l => l.StartsWith("PRAGMA foreign_keys = ON;", StringComparison.Ordinal)) > Line("COMMIT;"));

        // Applied the way a person pipes it into a shell: every statement in order, on a connection with
        // foreign keys on, as every connection but the migrator's has.
        using (var connection = SqliteConnectionSetup.Open(scripted.Options.ConnectionString))
        {
            using var command = connection.CreateCommand();
            command.CommandText = script.Output;
            command.ExecuteNonQuery();
        }

        Assert.Equal(SchemaCommandLine.Success, DeployCli.Run(migrated.Options, "up").Code);
        Assert.Equal(migrated.Catalog(), scripted.Catalog());
        Assert.Equal(2, scripted.Scalar("SELECT COUNT(*) FROM project_tasks"));
        Assert.Equal(2, scripted.Scalar("SELECT COUNT(*) FROM tasks"));
        Assert.Equal(new long[] { 1, 2 }, scripted.Longs("SELECT \"version\" FROM agenthive_schema_versions ORDER BY 1"));
        Assert.Equal(2, scripted.Scalar("SELECT COUNT(*) FROM agenthive_schema_history"));
        Assert.True(new AgentHive.Runtime.Migrations.SchemaMigrator(scripted.Options, AgentHiveBuild.Assembly).Verify().Clean);
        scripted.AssertIntegrity();
    }

    [Fact]
    public void Script_json_writes_one_json_object_and_nothing_else_to_stdout()
    {
        var database = Track(new SqliteTestDatabase());

        var result = DeployCli.Run(database.Options, "script", "--json");

        Assert.Equal(SchemaCommandLine.Success, result.Code);
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Contains("CREATE TABLE \"agents\"", root.GetProperty("sql").GetString());
        Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
    }

    [Theory]
    [InlineData("Data Source=:memory:", "in-memory database")]
    [InlineData("Data Source=", "empty Data Source")]
    [InlineData("Data Source=hive.db;Mode=Memory", "in-memory database")]
    [InlineData("Data Source=file:hive.db?mode=memory", "in-memory database")]
    [InlineData("Data Source=hive.db;Default Timeout=abc", "The input string 'abc' was not in a correct format")]
    [InlineData("Data Source=hive.db;Pooling=maybe", "'maybe' was not recognized as a valid Boolean")]
    public void A_connection_string_that_cannot_work_is_exit_2_with_a_sentence(string connectionString, string expected)
    {
        var options = new DatabaseOptions { Provider = "sqlite", ConnectionString = connectionString };

        var (code, text) = MigratorProcess.Run(options, "up");
        var (jsonCode, json) = MigratorProcess.Run(options, "up", "--json");

        Assert.True(code == SchemaCommandLine.Usage, text);
        Assert.Contains(expected, text);
        Assert.DoesNotContain("Applying", text);
        Assert.DoesNotContain("Unhandled exception", text);
        Assert.Equal(SchemaCommandLine.Usage, jsonCode);
        Assert.Contains(expected, JsonDocument.Parse(json).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("{ \"AgentHive\": { \"Database\": ")]
    [InlineData("")]
    public void Malformed_or_empty_appsettings_is_exit_2_with_a_sentence(string settings)
    {
        var tool = CopyOfToolWithSettings(settings);
        var database = Track(new SqliteTestDatabase());

        using var process = MigratorProcess.Start(tool, database.Options, null, "status");
        var code = process.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(code == SchemaCommandLine.Usage, process.Output);
        Assert.Contains("Configuration error", process.Output);
        Assert.Contains("appsettings.json", process.Output);
        Assert.DoesNotContain("Unhandled exception", process.Output);
    }

    [Fact]
    public void Postgres_provider_with_the_default_sqlite_connection_string_says_so()
    {
        var options = new DatabaseOptions { Provider = "postgres", ConnectionString = DatabaseOptions.DefaultSqliteConnectionString };

        var (code, output) = MigratorProcess.Run(options, "status");

        Assert.True(code == SchemaCommandLine.Usage, output);
        Assert.Contains("Provider is postgres but the connection string is a SQLite one", output);
    }

    private SqliteTestDatabase At(long version)
    {
        var database = Track(new SqliteTestDatabase());
        new AgentHive.Runtime.Migrations.SchemaMigrator(database.Options, AgentHiveBuild.Assembly).Up(version);
        SqliteConnection.ClearAllPools();
        return database;
    }

    private SqliteTestDatabase Populated()
    {
        var database = At(1);
        database.Execute("INSERT INTO projects (name) VALUES ('hive')");
        database.Execute("INSERT INTO tasks (title) VALUES ('parent')");
        database.Execute("INSERT INTO tasks (title, parent_task_id) VALUES ('child', 1)");
        database.Execute("INSERT INTO project_tasks (project_id, task_id) VALUES (1, 1), (1, 2)");
        SqliteConnection.ClearAllPools();
        return database;
    }

    private SqliteTestDatabase Track(SqliteTestDatabase database)
    {
        _databases.Add(database);
        return database;
    }

    /// <summary>Runs a PRAGMA on a plain connection (none of the runtime's pragmas) and closes it.</summary>
    private static string Pragma(SqliteTestDatabase database, string pragma)
    {
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={database.FilePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {pragma}";
            var result = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
            return result;
        }
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>A copy of the built deploy tool with its own appsettings.json.</summary>
    private string CopyOfToolWithSettings(string settings)
    {
        var source = Path.GetDirectoryName(MigratorProcess.ToolPath)!;
        var folder = Path.Combine(Path.GetTempPath(), "agenthive-tool-" + Guid.NewGuid().ToString("N"));
        _folders.Add(folder);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllText(Path.Combine(folder, "appsettings.json"), settings);
        return Path.Combine(folder, Path.GetFileName(MigratorProcess.ToolPath));
    }
}
