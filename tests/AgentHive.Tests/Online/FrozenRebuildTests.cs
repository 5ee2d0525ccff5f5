using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Diff;
using AgentHive.Generator.Dialects;
using AgentHive.Tests.Evolution;
using Xunit;

namespace AgentHive.Tests.Online;

/// <summary>A version released while every change was a rebuild keeps its SQL; only versions being developed change in place.</summary>
public class FrozenRebuildTests
{
    [Fact]
    public void A_version_frozen_with_a_rebuild_keeps_it_and_its_checksum()
    {
        var version2 = OnlineSchemas.NullableColumnAndIndex;
        var version3 = version2.Replace("version: 2", "version: 3").Replace("      label: { type: text, nullable: true }\n", "      label: { type: text, nullable: true }\n      tag: { type: text, nullable: true }\n");
        var v1 = HistoryPipeline.Run(EvolutionSchemas.History(OnlineSchemas.Version1)).Model!.Current;
        var v2Plan = OnlineSchemas.History(version2);
        var mapping = TableMapping.ForUpgrade(v1, v2Plan.Current, new List<string>());
        var rebuildUp = SqlitePlanner.Plan(VersionChanges.Upgrade(v1, v2Plan.Current, mapping), SqliteDialect.Instance, SqliteDialect.Instance, SqliteAlterMode.RebuildOnly);
        var rebuildDown = SqlitePlanner.Plan(VersionChanges.Downgrade(v2Plan.Current, v1, mapping.Invert()), SqliteDialect.Instance, SqliteDialect.Instance, SqliteAlterMode.RebuildOnly);
        var checksums = EvolutionSchemas.ChecksumsOf(OnlineSchemas.Version1) +
                        $"2 sqlite {HistoryPipeline.Checksum(rebuildUp, rebuildDown)}\n2 postgres {v2Plan.Versions[1].PostgresChecksum}\n";

        var result = HistoryPipeline.Run(EvolutionSchemas.History(version3,
            ("/project/history/schema.v1.yaml", OnlineSchemas.Version1), ("/project/history/schema.v2.yaml", version2), ("/project/history/schema.checksums", checksums)));

        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "AH0051");
        Assert.Equal(rebuildUp, result.Model!.Versions[1].SqliteUp);
        Assert.Contains(result.Model.Versions[1].SqliteUp, s => s.StartsWith("INSERT INTO \"agenthive_new_jobs\"", StringComparison.Ordinal));
        Assert.Equal(new[] { "ALTER TABLE \"jobs\" ADD COLUMN \"tag\" TEXT" }, result.Model.Versions[2].SqliteUp);
    }
}
