using System;
using System.IO;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Diff;
using AgentHive.Generator.Model;
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

        // Version 2's rebuilds and rename are linted (OnlineLintTests); nothing else is reported.
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => !OnlineLintTests.Codes.Contains(d.Id));
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

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => !OnlineLintTests.Codes.Contains(d.Id));
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

    [Fact]
    public void A_version_frozen_in_the_earlier_sqlite_form_keeps_its_sql_and_the_next_version_rewrites_it()
    {
        var version1 = HistoryPipeline.Run(EvolutionSchemas.History(EvolutionSchemas.Version1)).Model!;
        var empty = version1.Current with { Version = 0, Tables = EquatableArray<TableModel>.Empty, Enums = EquatableArray<EnumModel>.Empty };
        var mapping = TableMapping.ForUpgrade(empty, version1.Current, new());
        var up = SqlitePlanner.Plan(VersionChanges.Upgrade(empty, version1.Current, mapping), SqliteDialect.Legacy, SqliteDialect.Legacy);
        var down = SqlitePlanner.Plan(VersionChanges.Downgrade(version1.Current, empty, mapping.Invert()), SqliteDialect.Legacy, SqliteDialect.Legacy);
        var legacyChecksums = $"1 sqlite {HistoryPipeline.Checksum(up, down)}\n1 postgres {version1.Versions[0].PostgresChecksum}\n";

        var result = HistoryPipeline.Run(EvolutionSchemas.History(EvolutionSchemas.Version2,
            ("/project/history/schema.v1.yaml", EvolutionSchemas.Version1), ("/project/history/schema.checksums", legacyChecksums)));

        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "AH0051");
        var (frozen, next) = (result.Model!.Versions[0], result.Model.Versions[1]);
        Assert.Equal(up, frozen.SqliteUp);
        Assert.Contains(frozen.SqliteUp, s => s.Contains("''' || NEW.\"status\" || '''"));
        Assert.DoesNotContain(next.SqliteUp, s => s.Contains("|| NEW.") || s.Contains("|| OLD."));
        Assert.Contains(next.SqliteUp, s => s.Contains("RAISE(ABORT, 'orders.status: illegal transition from ''created'' to ''shipped''')"));
        Assert.Contains(next.SqliteUp, s => s.StartsWith("INSERT INTO \"agenthive_new_orders\"") && s.Contains("GLOB"));
        Assert.DoesNotContain(EvolutionSchemas.TwoVersions().Versions[1].SqliteUp, s => s.Contains("GLOB"));
        Assert.Contains(next.SqliteDown, s => s.Contains("''' || OLD.\"status\" || '''"));
    }
}
