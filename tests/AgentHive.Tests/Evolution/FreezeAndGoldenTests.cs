using System;
using System.IO;
using System.Linq;
using AgentHive.Runtime.CommandLine;
using AgentHive.Tests.Generator;
using Xunit;

namespace AgentHive.Tests.Evolution;

public class FreezeAndGoldenTests
{
    [Fact]
    public void Generated_upgrade_migration_matches_its_golden_file()
    {
        var run = GeneratorHarness.Run(EvolutionSchemas.Version2,
            ("/project/history/schema.v1.yaml", EvolutionSchemas.Version1),
            ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(EvolutionSchemas.Version1)));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Golden.Match("Store.Migrations.SchemaVersion0001.txt", run.Sources["Store.Migrations.SchemaVersion0001.g.cs"]);
        Golden.Match("Store.Migrations.SchemaVersion0002.txt", run.Sources["Store.Migrations.SchemaVersion0002.g.cs"]);
    }

    [Fact]
    public void A_CSharp_data_step_plugs_into_the_generated_partial_migration()
    {
        const string hook = """
            namespace Store.Migrations
            {
                public sealed partial class SchemaVersion0002
                {
                    partial void AfterUp() => Execute.Sql("UPDATE customers SET tier = 'gold' WHERE score > 100");
                }
            }
            """;

        var run = GeneratorHarness.Run(EvolutionSchemas.Version2, hook,
            ("/project/history/schema.v1.yaml", EvolutionSchemas.Version1),
            ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(EvolutionSchemas.Version1)));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Contains("AfterUp();", run.Sources["Store.Migrations.SchemaVersion0002.g.cs"]);
    }

    [Fact]
    public void Freeze_writes_history_the_build_then_accepts()
    {
        var folder = Path.Combine(Path.GetTempPath(), "agenthive-freeze-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var schema = Path.Combine(folder, "schema.yaml");
            var history = Path.Combine(folder, "history");
            File.WriteAllText(schema, File.ReadAllText(RepositoryPaths.Combine("schema.yaml")));
            var output = new StringWriter();
            var error = new StringWriter();

            var code = SchemaCommandLine.Run(new[] { "schema", "freeze", "--schema", schema, "--history", history }, AgentHiveBuild.Assembly, output, error);

            Assert.True(code == SchemaCommandLine.Success, error.ToString());
            Assert.Equal(File.ReadAllText(schema), File.ReadAllText(Path.Combine(history, "schema.v2.yaml")));
            var lines = File.ReadAllLines(Path.Combine(history, "schema.checksums")).Where(l => !l.StartsWith('#')).ToList();
            Assert.Equal(new[] { $"2 sqlite {AgentHive.Migrations.SchemaVersion0002.SqliteChecksum}", $"2 postgres {AgentHive.Migrations.SchemaVersion0002.PostgresChecksum}" }, lines);

            // The build accepts what freeze wrote: v1 from the repository, v2 just frozen, no diagnostics.
            var repositoryHistory = RepositoryPaths.Combine("src", "Migrations", "history");
            var checksums = File.ReadAllText(Path.Combine(repositoryHistory, "schema.checksums")) + string.Join("\n", lines) + "\n";
            var run = GeneratorHarness.Run(File.ReadAllText(schema),
                ("/project/history/schema.v1.yaml", File.ReadAllText(Path.Combine(repositoryHistory, "schema.v1.yaml"))),
                ("/project/history/schema.v2.yaml", File.ReadAllText(Path.Combine(history, "schema.v2.yaml"))),
                ("/project/history/schema.checksums", checksums));
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.Contains("public const bool Frozen = true;", run.Sources["AgentHive.Migrations.SchemaVersion0002.g.cs"]);

            var again = SchemaCommandLine.Run(new[] { "schema", "freeze", "--schema", schema, "--history", history }, AgentHiveBuild.Assembly, output, error);
            Assert.Equal(SchemaCommandLine.Failed, again);
            Assert.Contains("Rebuild", error.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Shipped_version_1_stays_frozen_with_its_recorded_checksums()
    {
        Assert.True(AgentHive.Migrations.SchemaVersion0001.Frozen);
        var recorded = File.ReadAllLines(RepositoryPaths.Combine("src", "Migrations", "history", "schema.checksums"));

        Assert.Contains($"1 sqlite {AgentHive.Migrations.SchemaVersion0001.SqliteChecksum}", recorded);
        Assert.Contains($"1 postgres {AgentHive.Migrations.SchemaVersion0001.PostgresChecksum}", recorded);
    }
}
