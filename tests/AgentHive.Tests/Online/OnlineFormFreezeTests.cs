using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Diff;
using AgentHive.Generator.Model;
using AgentHive.Tests.Evolution;
using Xunit;

namespace AgentHive.Tests.Online;

/// <summary>A version frozen before PostgreSQL online steps existed keeps the SQL its checksum recorded.</summary>
public sealed class OnlineFormFreezeTests
{
    [Fact]
    public void A_version_frozen_with_the_classic_form_keeps_it_and_a_new_one_gets_online_steps()
    {
        var current = EvolutionSchemas.TwoVersions().Versions[1];
        var v1 = HistoryPipeline.Run(EvolutionSchemas.History(EvolutionSchemas.Version1)).Model!.Current;
        var v2 = EvolutionSchemas.TwoVersions().Current;
        var mapping = TableMapping.ForUpgrade(v1, v2, new List<string>());
        var down = PostgresPlanner.Plan(VersionChanges.Downgrade(v2, v1, mapping.Invert()));
        var classicUp = PostgresPlanner.Plan(VersionChanges.Upgrade(v1, v2, mapping));
        var classicChecksum = HistoryPipeline.Checksum(classicUp, current.DownGuards.Concat(down));

        var frozenClassic = FrozenVersion2(current.SqliteChecksum, classicChecksum);
        var frozenOnline = FrozenVersion2(current.SqliteChecksum, current.PostgresChecksum);

        Assert.NotEmpty(current.PostgresOnlineUp);
        Assert.Contains(current.PostgresOnlineUp, s => s.StartsWith("CREATE INDEX CONCURRENTLY \"ix_customers_email\"", System.StringComparison.Ordinal));
        Assert.NotEqual(classicChecksum, current.PostgresChecksum);
        Assert.Empty(frozenClassic.PostgresOnlineUp);
        Assert.Equal(classicUp, frozenClassic.PostgresUp);
        Assert.Equal(classicChecksum, frozenClassic.PostgresChecksum);
        Assert.Contains("CREATE INDEX \"ix_customers_email\" ON \"customers\" (\"email\")", frozenClassic.PostgresUp);
        Assert.Equal(current.PostgresOnlineUp, frozenOnline.PostgresOnlineUp);
        Assert.Equal(current.PostgresUp, frozenOnline.PostgresUp);
    }

    private static VersionPlan FrozenVersion2(string sqliteChecksum, string postgresChecksum)
    {
        var checksums = EvolutionSchemas.ChecksumsOf(EvolutionSchemas.Version1) + $"2 sqlite {sqliteChecksum}\n2 postgres {postgresChecksum}\n";
        var result = HistoryPipeline.Run(EvolutionSchemas.History(EvolutionSchemas.Version2,
            ("/project/history/schema.v1.yaml", EvolutionSchemas.Version1),
            ("/project/history/schema.v2.yaml", EvolutionSchemas.Version2),
            ("/project/history/schema.checksums", checksums)));
        // AH0051: a frozen version's SQL changed; AH0053: a checksum is missing.
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "AH0051" or "AH0053");
        Assert.NotNull(result.Model);
        var plan = result.Model.Versions[1];
        Assert.True(plan.Frozen);
        return plan;
    }
}
