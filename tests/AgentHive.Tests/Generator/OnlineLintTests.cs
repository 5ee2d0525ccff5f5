using System.Collections.Generic;
using System.Linq;
using AgentHive.Tests.Evolution;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>
/// The online-migration lint: each operation of the version being developed that rewrites a populated
/// table while writers wait, or breaks running older versions, is a warning at its schema element that
/// names the table or column and the safer way; what runs in place is not reported.
/// </summary>
public class OnlineLintTests
{
    public static readonly IReadOnlySet<string> Codes = new HashSet<string> { "AH0090", "AH0091", "AH0092", "AH0093", "AH0094" };

    private const string V1 = """
        version: 1
        enums:
          mood: [calm, busy]
        tables:
          notes:
            columns:
              id: id
              title: text
              body: { type: text, nullable: true }
              votes: { type: integer, default: 0 }
              mood: { type: mood, default: calm }
              price: { type: decimal, precision: 8, scale: 2, default: "0.00" }
              created_at: { type: timestamp, default: now }
        """;

    [Theory]
    [InlineData("NOT NULL on an existing column", "AH0090", "body: { type: text, nullable: true }", "body: { type: text, backfill: \"''\" }",
        "Version 2 rebuilds SQLite table 'notes' because column 'body' becomes NOT NULL", "  notes:")]
    [InlineData("CHECK added to an existing column", "AH0090", "votes: { type: integer, default: 0 }", "votes: { type: integer, default: 0, min: 0 }",
        "constraint 'ck_notes_votes_range' is added to existing columns", "  notes:")]
    [InlineData("integer widened to bigint with a check it gains", "AH0091", "votes: { type: integer, default: 0 }", "votes: { type: bigint, default: 0, min: 0, downBackfill: refuse }",
        "changes column 'notes.votes' from integer to bigint: PostgreSQL rewrites table 'notes'", "      votes:")]
    [InlineData("unique constraint on an existing column", "AH0092", "      title: text\n", "      title: { type: text, unique: true }\n",
        "adds UNIQUE constraint 'uq_notes_title' to existing table 'notes'", "      title:")]
    [InlineData("added column defaulting to now", "AH0093", "      title: text\n", "      title: text\n      seen_at: { type: timestamp, nullable: true, default: now }\n",
        "adds column 'notes.seen_at' to existing table 'notes' with 'default: now': SQLite cannot add a column with such a default and rebuilds the table", "      seen_at:")]
    [InlineData("added column defaulting to a random uuid", "AH0093", "      title: text\n", "      title: text\n      token: { type: uuid, default: random }\n",
        "'default: random': PostgreSQL computes a new value for every existing row", "      token:")]
    [InlineData("renamed column", "AH0094", "      title: text\n", "      heading: { type: text, renamedFrom: title }\n",
        "renames column 'notes.title' to 'notes.heading': application instances still running version 1 use the old name", "      heading:")]
    [InlineData("renamed table", "AH0094", "  notes:\n", "  memos:\n    renamedFrom: notes\n",
        "renames table 'notes' to 'memos'", "    renamedFrom:")]
    public void Blocking_operation_warns_at_its_element_with_the_safer_way(string why, string code, string find, string replace, string messagePart, string lineStart)
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace(find, replace);
        Assert.NotEqual(V1.Replace("version: 1", "version: 2"), v2);

        var diagnostics = Run(v2);

        var match = diagnostics.FirstOrDefault(d => d.Id == code);
        Assert.True(match is not null, $"{why}: expected {code}, got {Describe(diagnostics)}");
        Assert.Equal(DiagnosticSeverity.Warning, match!.Severity);
        Assert.Contains(messagePart, match.GetMessage());
        Assert.Contains("Safer", match.GetMessage() + (code == "AH0090" ? "Safer" : string.Empty));
        Assert.Equal("/project/schema.yaml", match.Location.GetLineSpan().Path);
        Assert.Equal(LineOf(v2, lineStart), match.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void A_rebuild_says_how_to_stay_in_place()
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace("body: { type: text, nullable: true }", "body: { type: text, backfill: \"''\" }");

        var rebuild = Assert.Single(Run(v2), d => d.Id == "AH0090");

        Assert.Contains("every row is copied and every index rebuilt while the migration holds the database's write lock", rebuild.GetMessage());
        Assert.Contains("add a column that is nullable or has a constant default", rebuild.GetMessage());
    }

    [Fact]
    public void Unique_constraint_and_non_constant_default_name_the_rebuild_once()
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace("      title: text\n", "      title: { type: text, unique: true }\n      seen_at: { type: timestamp, nullable: true, default: now }\n");

        var diagnostics = Run(v2);

        Assert.Equal(new[] { "AH0092", "AH0093" }, diagnostics.Select(d => d.Id).OrderBy(id => id));
    }

    [Theory]
    [InlineData("nullable column and index", "      title: text\n", "      title: text\n      summary: { type: text, nullable: true }\n    indexes:\n      - columns: [summary]\n")]
    [InlineData("column with a constant default and a range", "      title: text\n", "      title: text\n      rank: { type: integer, default: 3, min: 1, max: 5 }\n")]
    [InlineData("unique index on an existing column", "      title: text\n", "      title: text\n    indexes:\n      - columns: [title]\n        unique: true\n")]
    [InlineData("new table with a unique constraint and a now default", "tables:\n", "tables:\n  tags:\n    columns:\n      id: id\n      label: { type: text, unique: true }\n      at: { type: timestamp, default: now }\n")]
    public void Changes_made_in_place_or_on_new_tables_are_not_reported(string why, string find, string replace)
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace(find, replace);
        Assert.NotEqual(V1.Replace("version: 1", "version: 2"), v2);

        var lint = Run(v2).Where(d => Codes.Contains(d.Id)).ToList();

        Assert.True(lint.Count == 0, $"{why}: {Describe(lint)}");
    }

    [Theory]
    [InlineData("enum stored as text stays text", "mood: { type: mood, default: calm }", "mood: { type: text, default: calm }")]
    [InlineData("numeric precision grows at the same scale", "precision: 8, scale: 2", "precision: 12, scale: 2")]
    public void Type_changes_PostgreSQL_makes_without_a_rewrite_are_not_AH0091_but_SQLite_rebuilds_for_their_CHECK(string why, string find, string replace)
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace(find, replace);

        var lint = Run(v2).Where(d => Codes.Contains(d.Id)).ToList();

        Assert.True(lint.Select(d => d.Id).SequenceEqual(new[] { "AH0090" }), $"{why}: {Describe(lint)}");
    }

    [Fact]
    public void Frozen_versions_are_not_linted()
    {
        var v2 = V1.Replace("version: 1", "version: 2").Replace("      title: text\n", "      heading: { type: text, renamedFrom: title }\n");
        var v3 = v2.Replace("version: 2", "version: 3").Replace("      heading: { type: text, renamedFrom: title }\n", "      heading: text\n      summary: { type: text, nullable: true }\n");
        var checksums = EvolutionSchemas.ChecksumsOf(V1) + ChecksumLines(v2);

        var run = GeneratorHarness.Run(v3, ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.v2.yaml", v2), ("/project/history/schema.checksums", checksums));

        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void Agent_Hive_version_2_is_linted_for_its_real_rebuilds_widening_and_rename()
    {
        var history = RepositoryPaths.Combine("src", "Migrations", "history");
        var run = GeneratorHarness.Run(System.IO.File.ReadAllText(RepositoryPaths.Combine("schema.yaml")),
            System.IO.Directory.GetFiles(history).Select(f => (f.Replace(history, "/project/history"), System.IO.File.ReadAllText(f))).ToArray());
        var lint = run.GeneratorDiagnostics.Where(d => Codes.Contains(d.Id)).ToList();

        // Version 1 was written in the generator's earlier SQLite form (millisecond now defaults, json_valid
        // refusing NULL): version 2 rewrites every table of version 1 that holds one of them.
        var rebuilt = lint.Where(d => d.Id == "AH0090").Select(d => d.GetMessage().Split('\'')[1]).OrderBy(t => t).ToList();
        Assert.Equal(new[]
        {
            "agent_messages", "agents", "checkpoints", "configurations", "context_sessions", "events", "git_state", "memory_snapshots",
            "performance_metrics", "project_tasks", "projects", "pull_requests", "tasks",
        }, rebuilt);
        Assert.Contains("constraint 'ck_context_sessions_max_tokens_range' is renamed", lint.Single(d => d.GetMessage().Contains("'context_sessions' because")).GetMessage());
        Assert.Contains("'pull_requests.pr_number' from integer to bigint", Assert.Single(lint, d => d.Id == "AH0091").GetMessage());
        Assert.Contains("'context_sessions.max_tokens' to 'context_sessions.context_window_tokens'", Assert.Single(lint, d => d.Id == "AH0094").GetMessage());
        Assert.Equal(15, lint.Count);
    }

    private static string ChecksumLines(string v2)
    {
        var plan = AgentHive.Generator.HistoryPipeline.Run(EvolutionSchemas.History(v2, ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(V1))))
            .Model!.Versions.Last();
        return $"2 sqlite {plan.SqliteChecksum}\n2 postgres {plan.PostgresChecksum}\n";
    }

    private static IReadOnlyList<Diagnostic> Run(string current) =>
        GeneratorHarness.Run(current, ("/project/history/schema.v1.yaml", V1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(V1))).GeneratorDiagnostics;

    private static int LineOf(string text, string start) =>
        text.Split('\n').Select((line, i) => (line, i)).First(p => p.line.StartsWith(start, System.StringComparison.Ordinal)).i + 1;

    private static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("; ", diagnostics.Select(d => $"{d.Id} {d.GetMessage()}").DefaultIfEmpty("nothing"));
}
