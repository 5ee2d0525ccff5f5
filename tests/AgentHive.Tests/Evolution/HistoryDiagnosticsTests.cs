using System.Linq;
using AgentHive.Generator;
using AgentHive.Tests.Generator;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AgentHive.Tests.Evolution;

/// <summary>Each forbidden change and each misuse of the history fails the build with its own code, where it happened.</summary>
public class HistoryDiagnosticsTests
{
    private const string V1 = """
        version: 1
        enums:
          state: [open, closed, archived]
        tables:
          notes:
            columns:
              id: id
              title: text
              body: { type: text, nullable: true }
              rating: { type: real, nullable: true }
              votes: { type: integer, default: 0 }
              state: { type: state, default: open }
          tags:
            columns:
              id: id
              label: text
        """;

    private static readonly string Checksums = EvolutionSchemas.ChecksumsOf(V1);

    [Theory]
    [InlineData("dropped column", "AH0054", "body", "      body: { type: text, nullable: true }\n", "")]
    [InlineData("dropped table", "AH0054", "'tags'", "  tags:\n    columns:\n      id: id\n      label: text", "")]
    [InlineData("narrowed type", "AH0054", "narrows column 'notes.rating'", "rating: { type: real, nullable: true }", "rating: { type: integer, nullable: true }")]
    [InlineData("removed enum value", "AH0054", "'archived'", "state: [open, closed, archived]", "state: [open, closed]")]
    [InlineData("unknown rename", "AH0055", "renamedFrom: headline", "      title: text\n", "      heading: { type: text, renamedFrom: headline }\n")]
    [InlineData("new NOT NULL column without default or backfill", "AH0056", "notes.author", "      title: text\n", "      title: text\n      author: text\n")]
    [InlineData("nullable column made NOT NULL without backfill", "AH0056", "notes.body", "body: { type: text, nullable: true }", "body: { type: text }")]
    public void Forbidden_change_fails_the_build(string why, string code, string messagePart, string find, string replace)
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace(find, replace);
        Assert.NotEqual(V1.Replace("version: 1", "version: 2"), v2);

        var diagnostics = Run(v2);

        var match = diagnostics.FirstOrDefault(d => d.Id == code);
        Assert.True(match is not null, $"{why}: expected {code}, got {Describe(diagnostics)}");
        Assert.Equal(DiagnosticSeverity.Error, match!.Severity);
        Assert.Contains(messagePart, match.GetMessage());
        Assert.EndsWith("schema.yaml", match.Location.GetLineSpan().Path);
    }

    [Fact]
    public void Allowed_losses_and_maps_build_cleanly()
    {
        var v2 = V1.Replace("version: 1", "version: 2\nallowDataLoss:\n  up: [notes.body, tags]")
            .Replace("      body: { type: text, nullable: true }\n", "      author: { type: text, backfill: \"'unknown'\" }\n")
            .Replace("  tags:\n    columns:\n      id: id\n      label: text", "")
            .Replace("state: [open, closed, archived]", "state:\n    values: [open, closed]\n    valueMap: { archived: closed }");

        var diagnostics = Run(v2);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Changing_schema_yaml_without_a_new_version_fails()
    {
        var diagnostics = Run(V1.Replace("label: text", "label: text\n      color: { type: text, nullable: true }"));

        var match = Assert.Single(diagnostics, d => d.Id == "AH0050");
        Assert.Contains("Set 'version: 2'", match.GetMessage());
        Assert.Equal(1, match.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void Unchanged_schema_at_a_frozen_version_builds()
    {
        Assert.Empty(Run(V1));
    }

    [Fact]
    public void Editing_a_frozen_version_fails_on_its_checksum()
    {
        var editedV1 = V1.Replace("label: text", "label: { type: text, unique: true }");

        var diagnostics = Run(V1.Replace("version: 1", "version: 2").Replace("label: text", "label: { type: text, unique: true }"), frozenV1: editedV1);

        var matches = diagnostics.Where(d => d.Id == "AH0051").ToList();
        Assert.Equal(new[] { "postgres", "sqlite" }, matches.Select(m => m.GetMessage().Split(' ')[1]).OrderBy(b => b));
        Assert.All(matches, m => Assert.Contains("frozen version 1", m.GetMessage()));
        Assert.All(matches, m => Assert.EndsWith("schema.checksums", m.Location.GetLineSpan().Path));
    }

    [Fact]
    public void Missing_history_fails()
    {
        var result = HistoryPipeline.Run(EvolutionSchemas.History(V1.Replace("version: 1", "version: 3")));

        Assert.Contains(result.Diagnostics, d => d.Id == "AH0052" && d.Message.Contains("1, 2"));
        Assert.Null(result.Model);
    }

    [Fact]
    public void Missing_history_of_the_highest_version_is_one_short_message()
    {
        var result = HistoryPipeline.Run(EvolutionSchemas.History(V1.Replace("version: 1", "version: 9999")));

        var missing = Assert.Single(result.Diagnostics, d => d.Id == "AH0052");
        Assert.Contains("frozen versions 1-9998 are missing", missing.Message);
        Assert.True(missing.Message.Length < 300, missing.Message);
    }

    [Theory]
    [InlineData("10000")]
    [InlineData("2000000")]
    [InlineData("2147483647")]
    [InlineData("99999999999999999999")]
    public void Version_above_the_limit_is_refused_quickly(string version)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = HistoryPipeline.Run(EvolutionSchemas.History(V1.Replace("version: 1", "version: " + version)));

        var refused = Assert.Single(result.Diagnostics, d => d.Id == "AH0028");
        Assert.Contains("from 1 to 9999", refused.Message);
        Assert.True(refused.Message.Length < 200, refused.Message);
        Assert.True(watch.Elapsed < System.TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Null(result.Model);
    }

    [Fact]
    public void Frozen_file_named_for_an_impossible_version_is_reported_not_thrown()
    {
        var result = HistoryPipeline.Run(EvolutionSchemas.History(V1, ("/project/history/schema.v99999999999.yaml", V1)));

        var refused = Assert.Single(result.Diagnostics, d => d.Id == "AH0028");
        Assert.Equal("/project/history/schema.v99999999999.yaml", refused.Location.FilePath);
        Assert.Null(result.Model);
    }

    [Fact]
    public void Design_warnings_come_from_schema_yaml_only_never_from_frozen_history()
    {
        var deadIndex = V1 + "\n    indexes:\n      - name: ix_tags_label\n        columns: [label]\n        where: label IS NOT NULL\n";
        var fixedV2 = V1.Replace("version: 1", "version: 2") + "\n    indexes:\n      - name: ix_tags_label\n        columns: [label]\n";
        var checksums = ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(deadIndex));

        var fixedResult = HistoryPipeline.Run(EvolutionSchemas.History(fixedV2, ("/project/history/schema.v1.yaml", deadIndex), checksums));
        var stillDead = HistoryPipeline.Run(EvolutionSchemas.History(deadIndex.Replace("version: 1", "version: 2"), ("/project/history/schema.v1.yaml", deadIndex), checksums));

        Assert.NotNull(fixedResult.Model);
        Assert.Empty(fixedResult.Diagnostics);
        var warning = Assert.Single(stillDead.Diagnostics, d => d.Id == "AH0043");
        Assert.Equal("/project/schema.yaml", warning.Location.FilePath);
    }

    [Fact]
    public void Frozen_version_without_checksum_fails()
    {
        var result = HistoryPipeline.Run(EvolutionSchemas.History(V1.Replace("version: 1", "version: 2"), ("/project/history/schema.v1.yaml", V1)));

        Assert.Contains(result.Diagnostics, d => d.Id == "AH0053");
    }

    [Fact]
    public void Frozen_file_named_for_another_version_fails()
    {
        var result = HistoryPipeline.Run(EvolutionSchemas.History(V1.Replace("version: 1", "version: 2"),
            ("/project/history/schema.v1.yaml", V1.Replace("version: 1", "version: 7")), ("/project/history/schema.checksums", Checksums)));

        Assert.Contains(result.Diagnostics, d => d.Id == "AH0058");
    }

    [Fact]
    public void Additive_version_needs_no_allowance_for_its_down()
    {
        var v2 = V1.Replace("version: 1", "version: 2")
            .Replace("      title: text\n", "      title: text\n      summary: { type: text, nullable: true }\n      words: { type: integer, default: 0 }\n")
            .Replace("  tags:\n", "  links:\n    columns:\n      id: id\n      url: text\n    indexes:\n      - columns: [url]\n  tags:\n");

        var result = HistoryPipeline.Run(EvolutionSchemas.History(v2, ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.checksums", Checksums)));

        Assert.Empty(result.Diagnostics);
        var down = result.Model!.Versions.Last().SqliteDown;
        Assert.Contains("DROP TABLE \"links\"", down);
    }

    [Fact]
    public void A_down_allowance_is_never_needed_and_warns()
    {
        var v2 = V1.Replace("version: 1", "version: 2\nallowDataLoss:\n  down: [links]").Replace("  tags:\n", "  links:\n    columns:\n      id: id\n  tags:\n");

        var match = Assert.Single(Run(v2));

        Assert.Equal("AH0057", match.Id);
        Assert.Contains("Down only drops what version 2 added", match.GetMessage());
        Assert.Equal(3, match.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void A_frozen_version_keeps_the_down_allowance_it_once_needed_without_a_warning()
    {
        var v2 = V1.Replace("version: 1", "version: 2\nallowDataLoss:\n  down: [links]").Replace("  tags:\n", "  links:\n    columns:\n      id: id\n  tags:\n");
        var v3 = v2.Replace("version: 2\nallowDataLoss:\n  down: [links]", "version: 3").Replace("label: text", "label: text\n      color: { type: text, nullable: true }");

        var result = HistoryPipeline.Run(EvolutionSchemas.History(v3,
            ("/project/history/schema.v1.yaml", V1),
            ("/project/history/schema.v2.yaml", v2),
            ("/project/history/schema.checksums", Checksums + ChecksumLines(v2))));

        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("NOT NULL again", "      title: text\n", "      title: { type: text, nullable: true }\n", "notes.title", "NULL")]
    [InlineData("enum value going away", "state: [open, closed, archived]", "state: [open, closed, archived, draft]", "notes.state", "a value outside enum 'state' of version 1")]
    [InlineData("integer widened", "votes: { type: integer, default: 0 }", "votes: { type: bigint, default: 0 }", "notes.votes", "a value outside the integer range")]
    public void A_rule_going_down_re_imposes_without_a_way_back_warns_at_the_column(string why, string find, string replace, string qualified, string refused)
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace(find, replace);
        Assert.NotEqual(V1.Replace("version: 1", "version: 2"), v2);

        var match = Assert.Single(Run(v2));

        Assert.True(match.Id == "AH0060", $"{why}: got {match.Id} {match.GetMessage()}");
        Assert.Equal(DiagnosticSeverity.Warning, match.Severity);
        Assert.Contains($"column '{qualified}' may no longer hold {refused}, which version 2 allows", match.GetMessage());
        Assert.Contains("Declare 'downBackfill' on the column", match.GetMessage());
        var column = qualified.Split('.')[1];
        Assert.Equal(LineOf(v2, $"      {column}:"), match.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Theory]
    [InlineData("a value", "\"'untitled'\"")]
    [InlineData("another column", "body")]
    [InlineData("refusal", "refuse")]
    public void A_declared_way_back_builds_cleanly(string why, string downBackfill)
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace("      title: text\n", $"      title: {{ type: text, nullable: true, downBackfill: {downBackfill} }}\n");

        Assert.True(Run(v2).Count == 0, $"{why}: {Describe(Run(v2))}");
    }

    [Fact]
    public void A_way_back_with_nothing_to_restore_warns()
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace("label: text", "label: { type: text, downBackfill: \"'x'\" }");

        var match = Assert.Single(Run(v2));

        Assert.Equal("AH0061", match.Id);
        Assert.Contains("Column 'tags.label' declares 'downBackfill'", match.GetMessage());
    }

    [Fact]
    public void A_way_back_naming_a_missing_column_fails()
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace("      title: text\n", "      title: { type: text, nullable: true, downBackfill: headline }\n");

        var match = Assert.Single(Run(v2), d => d.Id == "AH0030");

        Assert.Contains("downBackfill of 'notes.title'", match.GetMessage());
    }

    private static int LineOf(string text, string start) =>
        text.Split('\n').Select((line, i) => (line, i)).First(p => p.line.StartsWith(start, System.StringComparison.Ordinal)).i + 1;

    [Fact]
    public void Unused_allowance_warns()
    {
        var diagnostics = Run(V1.Replace("version: 1", "version: 2\nallowDataLoss: [notes.nothing]"));

        var match = Assert.Single(diagnostics);
        Assert.Equal("AH0057", match.Id);
        Assert.Equal(DiagnosticSeverity.Warning, match.Severity);
    }

    [Fact]
    public void A_step_left_over_from_the_previous_version_warns()
    {
        const string step = "\nsteps:\n  - name: reset_titles\n    sql: UPDATE notes SET title = trim(title)";
        var v2 = V1.Replace("version: 1", "version: 2" + step);
        var v3 = V1.Replace("version: 1", "version: 3" + step);
        var result = HistoryPipeline.Run(EvolutionSchemas.History(v3,
            ("/project/history/schema.v1.yaml", V1),
            ("/project/history/schema.v2.yaml", v2),
            ("/project/history/schema.checksums", Checksums + ChecksumLines(v2))));

        var warning = Assert.Single(result.Diagnostics, d => d.Id == "AH0059");
        Assert.Contains("'reset_titles'", warning.Message);
        Assert.Contains("run again in version 3", warning.Message);
    }

    private static string ChecksumLines(string v2)
    {
        var plan = HistoryPipeline.Run(EvolutionSchemas.History(v2, ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.checksums", Checksums)))
            .Model!.Versions.Last();
        return $"2 sqlite {plan.SqliteChecksum}\n2 postgres {plan.PostgresChecksum}\n";
    }

    /// <summary>The diagnostics of a build, without the online-migration lint, which <see cref="OnlineLintTests"/> covers.</summary>
    private static System.Collections.Generic.IReadOnlyList<Diagnostic> Run(string current, string frozenV1 = V1) =>
        GeneratorHarness.Run(current, ("/project/history/schema.v1.yaml", frozenV1), ("/project/history/schema.checksums", Checksums)).GeneratorDiagnostics
            .Where(d => !OnlineLintTests.Codes.Contains(d.Id)).ToList();

    private static string Describe(System.Collections.Generic.IEnumerable<Diagnostic> diagnostics) =>
        string.Join("; ", diagnostics.Select(d => $"{d.Id} {d.GetMessage()}").DefaultIfEmpty("nothing"));
}
