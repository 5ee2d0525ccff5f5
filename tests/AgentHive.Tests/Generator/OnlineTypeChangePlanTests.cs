using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Diff;
using AgentHive.Tests.Evolution;
using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>
/// Which rewriting PostgreSQL type changes the planner makes online (shadow column, batched copy, swap) and
/// which stay an in-transaction ALTER COLUMN TYPE, reported as AH0091 with the reason.
/// </summary>
public class OnlineTypeChangePlanTests
{
    private const string V1 = """
        version: 1
        tables:
          owners:
            columns:
              id: id
              code: { type: integer, unique: true }
              serial: { type: integer, unique: true }
              seen: { type: timestamp, nullable: true }
              score: { type: integer, default: 0, min: 0 }
              rank: { type: smallint, nullable: true }
            indexes:
              - columns: [score]
          pets:
            columns:
              id: id
              owner_code: { type: integer, references: owners.code }
              weight: integer
              updated_at: { type: timestamp, default: now, autoUpdate: true }
        """;

    [Fact]
    public void A_plain_column_changes_online_through_a_shadow_column_with_its_check_index_and_default()
    {
        var plan = Version2(V1.Replace("score: { type: integer,", "score: { type: bigint,"));

        Assert.DoesNotContain(plan.PostgresUp, s => s.Contains("TYPE bigint", System.StringComparison.Ordinal));
        Assert.Contains("ALTER TABLE \"owners\" ADD COLUMN \"ah_widen_score\" bigint", plan.PostgresUp);
        Assert.Contains(plan.PostgresUp, s => s.StartsWith("CREATE TRIGGER \"tr_owners_score_widen\" BEFORE INSERT OR UPDATE ON \"owners\"", System.StringComparison.Ordinal));
        Assert.Contains(plan.PostgresUp, s => s.Contains("CHECK (\"ah_widen_score\" >= 0) NOT VALID", System.StringComparison.Ordinal));
        var online = plan.PostgresOnlineUp.ToList();
        var copy = online.FindIndex(s => s.StartsWith("UPDATE \"owners\" SET \"ah_widen_score\" = \"score\"::bigint WHERE", System.StringComparison.Ordinal) && s.Contains("@first_page", System.StringComparison.Ordinal));
        var validate = online.FindIndex(s => s == "ALTER TABLE \"owners\" VALIDATE CONSTRAINT \"ck_owners_score_range_widen\"");
        var index = online.FindIndex(s => s == "CREATE INDEX CONCURRENTLY \"ix_owners_score_widen\" ON \"owners\" (\"ah_widen_score\")");
        var swap = online.FindIndex(s => s.StartsWith("DO $step$", System.StringComparison.Ordinal));
        Assert.True(copy >= 0 && copy < validate && validate < index && index < swap, string.Join("\n", online));
        Assert.Equal(online.Count - 1, swap);
        var swapSql = online[swap];
        foreach (var part in new[]
                 {
                     "LOCK TABLE \"owners\" IN ACCESS EXCLUSIVE MODE", "ALTER TABLE \"owners\" DROP COLUMN \"score\"", "RENAME COLUMN \"ah_widen_score\" TO \"score\"",
                     "ALTER INDEX \"ix_owners_score_widen\" RENAME TO \"ix_owners_score\"", "RENAME CONSTRAINT \"ck_owners_score_range_widen\" TO \"ck_owners_score_range\"",
                     "ALTER COLUMN \"score\" SET DEFAULT 0", "ALTER COLUMN \"score\" SET NOT NULL", "DROP FUNCTION \"tr_owners_score_widen\"()",
                 })
        {
            Assert.Contains(part, swapSql);
        }

        // Down stays the plain ALTER.
        Assert.Contains("ALTER TABLE \"owners\" ALTER COLUMN \"score\" TYPE integer USING \"score\"::integer", plan.PostgresDown);
    }

    [Fact]
    public void A_type_change_made_online_is_not_reported_as_AH0091()
    {
        var run = Run(V1.Replace("version: 1", "version: 2").Replace("score: { type: integer,", "score: { type: bigint,").Replace("rank: { type: smallint,", "rank: { type: integer,"));

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AH0091");
    }

    [Theory]
    [InlineData("a unique column", "serial: { type: integer,", "serial: { type: bigint,", "owners.serial", "it is part of UNIQUE constraint 'uq_owners_serial'")]
    [InlineData("a foreign key column (and the key it references)", "code: { type: integer,", "code: { type: bigint,", "pets.owner_code", "it is part of foreign key 'fk_pets_owner_code'")]
    [InlineData("a conversion that depends on the session", "seen: { type: timestamp,", "seen: { type: text,", "owners.seen", "converting timestamp to text can fail, round or depend on session settings")]
    [InlineData("a table with autoUpdate", "weight: integer", "weight: bigint", "pets.weight", "table 'pets' has autoUpdate column 'updated_at'")]
    [InlineData("an index added on it", "score: { type: integer,", "score: { type: bigint,", "owners.score", "its index 'ix_owners_rank_score' is added or changes in the same version")]
    public void A_type_change_the_toolkit_cannot_make_online_stays_in_the_transaction_and_AH0091_says_why(string why, string find, string replace, string column, string reason)
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace(find, replace);
        v2 = column switch
        {
            "pets.owner_code" => v2.Replace("owner_code: { type: integer,", "owner_code: { type: bigint,"),
            "owners.score" => v2.Replace("      - columns: [score]\n", "      - columns: [score]\n      - columns: [rank, score]\n"),
            _ => v2,
        };
        Assert.NotEqual(V1.Replace("version: 1", "version: 2"), v2);

        var run = Run(v2);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "AH0091" && d.GetMessage().Contains($"'{column}'", System.StringComparison.Ordinal));
        Assert.Contains($"except here, because {reason}", warning.GetMessage());
        var (table, name) = (column.Split('.')[0], column.Split('.')[1]);
        Assert.Contains(Version2(v2).PostgresUp, s => s.StartsWith($"ALTER TABLE \"{table}\" ALTER COLUMN \"{name}\" TYPE", System.StringComparison.Ordinal));
        Assert.DoesNotContain(Version2(v2).PostgresOnlineUp, s => s.Contains("ah_widen_", System.StringComparison.Ordinal));
        Assert.True(warning.Location.GetLineSpan().StartLinePosition.Line > 0, why);
    }

    [Fact]
    public void A_version_frozen_with_the_online_form_before_type_changes_went_online_keeps_that_form()
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace("score: { type: integer,", "score: { type: bigint,");
        var current = Version2(v2);
        var source = HistoryPipeline.Run(EvolutionSchemas.History(V1)).Model!.Current;
        var target = HistoryPipeline.Run(EvolutionSchemas.History(v2, ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(V1)))).Model!.Current;
        var mapping = TableMapping.ForUpgrade(source, target, new List<string>());
        var down = PostgresPlanner.Plan(VersionChanges.Downgrade(target, source, mapping.Invert()));
        var earlier = PostgresPlanner.Plan(VersionChanges.Upgrade(source, target, mapping), online: true, onlineTypeChanges: false);
        var checksum = HistoryPipeline.Checksum(earlier.Transaction.Concat(earlier.Online), current.DownGuards.Concat(down));
        var checksums = EvolutionSchemas.ChecksumsOf(V1) + $"2 sqlite {current.SqliteChecksum}\n2 postgres {checksum}\n";

        var frozen = HistoryPipeline.Run(EvolutionSchemas.History(v2, ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.v2.yaml", v2), ("/project/history/schema.checksums", checksums)));

        // AH0051: a frozen version's SQL changed; AH0053: a checksum is missing.
        Assert.DoesNotContain(frozen.Diagnostics, d => d.Id is "AH0051" or "AH0053");
        var plan = frozen.Model!.Versions[1];
        Assert.True(plan.Frozen);
        Assert.NotEqual(checksum, current.PostgresChecksum);
        Assert.Contains(plan.PostgresUp, s => s.StartsWith("ALTER TABLE \"owners\" ALTER COLUMN \"score\" TYPE bigint", System.StringComparison.Ordinal));
        Assert.Equal(earlier.Online, plan.PostgresOnlineUp);
    }

    private static AgentHive.Generator.Model.VersionPlan Version2(string v2) =>
        HistoryPipeline.Run(EvolutionSchemas.History(v2.Replace("version: 1", "version: 2"), ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(V1))))
            .Model!.Versions.Single(v => v.Version == 2);

    private static GeneratorRun Run(string v2) =>
        GeneratorHarness.Run(v2, ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(V1)));
}
