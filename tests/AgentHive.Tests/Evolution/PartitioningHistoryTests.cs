using System.Linq;
using AgentHive.Generator;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AgentHive.Tests.Evolution;

/// <summary>Partitioning an existing table, or un-partitioning it, is refused at the table, with the way to do it.</summary>
public class PartitioningHistoryTests
{
    private const string Plain = """
        version: 1
        tables:
          events:
            columns:
              id: id
              kind: text
              created_at: { type: timestamp, default: now }
            retention:
              time: created_at
              keep: 30d
        """;

    private static readonly string Daily = Plain.Replace("keep: 30d", "keep: 30d\n      partition: { interval: day }");

    [Theory]
    [InlineData("partitioning an existing table", "declares 'partition' on", false, true, "day")]
    [InlineData("removing the partitioning", "removes 'partition' from", true, false, "day")]
    [InlineData("changing the interval", "changes the partition interval from day to week", true, true, "week")]
    public void Changing_the_partitioning_of_an_existing_table_fails_at_the_table(string why, string messagePart, bool fromPartitioned, bool toPartitioned, string interval)
    {
        var v1 = fromPartitioned ? Daily : Plain;
        var v2 = (toPartitioned ? Daily.Replace("interval: day", $"interval: {interval}") : Plain).Replace("version: 1", "version: 2");

        var result = HistoryPipeline.Run(EvolutionSchemas.History(v2, ("/project/history/schema.v1.yaml", v1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(v1))));

        var match = result.Diagnostics.Select(d => d.ToDiagnostic()).FirstOrDefault(d => d.Id == "AH0114");
        Assert.True(match is not null, $"{why}: expected AH0114, got {string.Join("; ", result.Diagnostics.Select(d => d.ToDiagnostic().ToString()))}");
        Assert.Equal(DiagnosticSeverity.Error, match!.Severity);
        Assert.Contains(messagePart, match.GetMessage());
        Assert.Contains("copy the rows over in a 'steps:' entry", match.GetMessage());
        var span = match.Location.GetLineSpan();
        Assert.EndsWith("schema.yaml", span.Path);
        Assert.Equal((3, 3), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
    }

    [Fact]
    public void Changing_only_how_many_partitions_are_made_ahead_is_a_new_version_without_error()
    {
        var v2 = Daily.Replace("version: 1", "version: 2").Replace("interval: day", "interval: day, ahead: 7").Replace("kind: text", "kind: text\n      note: { type: text, nullable: true }");

        var result = HistoryPipeline.Run(EvolutionSchemas.History(v2, ("/project/history/schema.v1.yaml", Daily), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(Daily))));

        Assert.DoesNotContain(result.Diagnostics, d => d.ToDiagnostic().Severity == DiagnosticSeverity.Error);
    }
}
