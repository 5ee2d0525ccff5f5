using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>
/// Each bad schema marks with » the exact place its diagnostic must point at; the marker is removed
/// before the generator sees the text, and its line and column become the expected position.
/// </summary>
public partial class DiagnosticsTests
{
    private const string Marker = "»";

    public static TheoryData<string, string, string> BadSchemas => new()
    {
        { "yaml syntax error", "AH0001", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type»: text
                  status: text
            """ },
        { "yaml indentation error", "AH0001", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                 »name: text
            """ },
        { "unknown type", "AH0010", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: »strng
            """ },
        { "reference to a missing table", "AH0015", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  agent_id: { type: bigint, references: »agentz }
            """ },
        { "reference to a missing column", "AH0016", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  agent_id: { type: bigint, references: »agents.uid }
            """ },
        { "duplicate table", "AH0008", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              »agents:
                columns:
                  id: id
            """ },
        { "duplicate column", "AH0008", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                  »name: text
            """ },
        { "key repeated inside one column mapping", "AH0008", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, »type: integer }
            """ },
        { "duplicate index name", "AH0013", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                indexes:
                  - name: ix_agents_name
                    columns: [name]
              tasks:
                columns:
                  id: id
                  title: text
                indexes:
                  - name: »ix_agents_name
                    columns: [title]
            """ },
        { "index on a missing column", "AH0017", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                indexes:
                  - columns: [»status]
            """ },
        { "invalid identifier", "AH0011", """
            version: 1
            tables:
              »Agents:
                columns:
                  id: id
            """ },
        { "invalid column identifier", "AH0011", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  »first-name: text
            """ },
        { "reserved identifier", "AH0012", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  »order: integer
            """ },
        { "reserved table name", "AH0012", """
            version: 1
            tables:
              »user:
                columns:
                  id: id
            """ },
        { "missing primary key", "AH0014", """
            version: 1
            tables:
              »agents:
                columns:
                  name: text
            """ },
        { "unknown key (typo)", "AH0005", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, »nulable: true }
            """ },
        { "missing version", "AH0006", """
            »tables:
              agents:
                columns:
                  id: id
            """ },
        { "bad version", "AH0028", """
            version: »one
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "column without type", "AH0006", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: »{ nullable: true }
            """ },
        { "foreign key type mismatch", "AH0018", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  agent_id: { type: »text, references: agents }
            """ },
        { "enum default not a member", "AH0020", """
            version: 1
            enums:
              agent_status: [idle, busy]
            tables:
              agents:
                columns:
                  id: id
                  status: { type: agent_status, default: »sleeping }
            """ },
        { "set null on required column", "AH0023", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  agent_id: { type: bigint, references: agents, onDelete: »setNull }
            """ },
        { "unknown referential action", "AH0007", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  agent_id: { type: bigint, references: agents, onDelete: »explode }
            """ },
        { "min greater than max", "AH0022", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  priority: { type: integer, min: 10, max: »1 }
            """ },
        { "range on text", "AH0022", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  title: { type: text, min: »1 }
            """ },
        { "two id columns", "AH0024", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  other_id: »id
            """ },
        { "empty enum", "AH0025", """
            version: 1
            enums:
              »agent_status: []
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "bad enum value", "AH0026", """
            version: 1
            enums:
              agent_status: [idle, »Busy Now]
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "columns not a mapping", "AH0004", """
            version: 1
            tables:
              agents:
                columns: »[id, name]
            """ },
        { "foreign key cycle", "AH0027", """
            version: 1
            tables:
              »a:
                columns:
                  id: id
                  b_id: { type: bigint, references: b }
              b:
                columns:
                  id: id
                  a_id: { type: bigint, references: a }
            """ },
        { "property name collides with entity name", "AH0021", """
            version: 1
            tables:
              notes:
                columns:
                  id: id
                  »note: text
            """ },
        { "boolean that is not a boolean", "AH0007", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, nullable: »maybe }
            """ },
        { "nullable primary key column", "AH0007", """
            version: 1
            tables:
              tags:
                primaryKey: [name]
                columns:
                  name: { type: text, nullable: »true }
            """ },
        { "onDelete without references", "AH0007", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  agent_id: { type: bigint, onDelete: »cascade }
            """ },
        { "unknown root key", "AH0005", """
            version: 1
            »tabels:
              agents:
                columns:
                  id: id
            """ },
        { "duplicate enum value", "AH0013", """
            version: 1
            enums:
              agent_status: [idle, busy, »idle]
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "default on an id column", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: { type: id, default: »1 }
            """ },
        { "timestamp default other than now", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  seen_at: { type: timestamp, default: »yesterday }
            """ },
        { "integer default out of 32-bit range", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  retries: { type: integer, default: »9999999999 }
            """ },
        { "foreign key to a non-key column", "AH0019", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
              tasks:
                columns:
                  id: id
                  agent_name: { type: text, references: »agents.name }
            """ },
        { "primary key lists a missing column", "AH0016", """
            version: 1
            tables:
              tags:
                primaryKey: [»name]
                columns:
                  label: text
            """ },
        { "unique lists a missing column", "AH0016", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                unique:
                  - [»name]
            """ },
        { "table that is not a mapping", "AH0004", """
            version: 1
            tables:
              agents: »[id]
            """ },
        { "index with empty column list", "AH0029", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                indexes:
                  - »name: ix_nothing
                    columns: []
            """ },
        { "two columns with the same C# name", "AH0021", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  ab_c: text
                  »ab__c: text
            """ },
        { "invalid namespace", "AH0007", """
            version: 1
            namespace: »Agent Hive
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "identifier longer than 63 characters", "AH0011", """
            version: 1
            tables:
              »a_table_name_that_goes_on_and_on_and_on_well_past_what_postgres_keeps:
                columns:
                  id: id
            """ },
        { "check names a missing column", "AH0030", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                checks:
                  - expression: »nme IS NOT NULL
            """ },
        { "check uses a non-portable function", "AH0030", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                checks:
                  - expression: »regexp_like(name, 'a')
            """ },
        { "check uses a statement separator", "AH0030", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                checks:
                  - expression: "name <> ''»; DROP TABLE agents"
            """ },
        { "check with unbalanced parenthesis", "AH0030", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                checks:
                  - expression: (name IS NULL»
            """ },
        { "partial index names a missing column", "AH0030", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                indexes:
                  - columns: [name]
                    where: »state = 'x'
            """ },
        { "expression index without a name", "AH0006", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                indexes:
                  - »columns: [{ expression: lower(name) }]
            """ },
        { "shape on a text column", "AH0031", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, shape: »object }
            """ },
        { "requiredKeys on a text column", "AH0031", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, requiredKeys: »[a] }
            """ },
        { "autoUpdate on a text column", "AH0031", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, autoUpdate: »true }
            """ },
        { "unknown json shape", "AH0007", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  config: { type: json, shape: »dict }
            """ },
        { "invalid required key", "AH0036", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  config: { type: json, requiredKeys: [»"a.b"] }
            """ },
        { "invalid json index path", "AH0036", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  config: json
                indexes:
                  - name: ix_agents_config
                    columns: [{ json: config, path: »"a..b" }]
            """ },
        { "json index on a text column", "AH0031", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                indexes:
                  - name: ix_agents_name_a
                    columns: [{ json: »name, path: a }]
            """ },
        { "json index without path", "AH0006", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  config: json
                indexes:
                  - name: ix_agents_config
                    columns: [»{ json: config }]
            """ },
        { "check with only a sqlite override", "AH0032", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                checks:
                  - »sqlite: length(name) > 0
            """ },
        { "state machine on a text column", "AH0033", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  status: text
                stateMachines:
                  »status:
                    initial: [idle]
                    transitions: {}
            """ },
        { "state machine on a nullable enum", "AH0033", """
            version: 1
            enums:
              agent_status: [idle, busy]
            tables:
              agents:
                columns:
                  id: id
                  status: { type: agent_status, nullable: true }
                stateMachines:
                  »status:
                    initial: [idle]
                    transitions:
                      idle: [busy]
            """ },
        { "state machine on a missing column", "AH0016", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                stateMachines:
                  »status:
                    initial: [idle]
                    transitions: {}
            """ },
        { "transition to an undeclared state", "AH0034", """
            version: 1
            enums:
              agent_status: [idle, busy]
            tables:
              agents:
                columns:
                  id: id
                  status: { type: agent_status, default: idle }
                stateMachines:
                  status:
                    initial: [idle]
                    transitions:
                      idle: [busy, »sleeping]
                      busy: [idle]
            """ },
        { "undeclared initial state", "AH0034", """
            version: 1
            enums:
              agent_status: [idle, busy]
            tables:
              agents:
                columns:
                  id: id
                  status: { type: agent_status, default: idle }
                stateMachines:
                  status:
                    initial: [»waiting]
                    transitions:
                      idle: [busy]
            """ },
        { "terminal state with transitions", "AH0035", """
            version: 1
            enums:
              task_status: [open, done]
            tables:
              tasks:
                columns:
                  id: id
                  status: { type: task_status, default: open }
                stateMachines:
                  status:
                    initial: [open]
                    terminal: [»done]
                    transitions:
                      open: [done]
                      done: [open]
            """ },
        { "state machine without initial states", "AH0006", """
            version: 1
            enums:
              task_status: [open, done]
            tables:
              tasks:
                columns:
                  id: id
                  status: { type: task_status, default: open }
                stateMachines:
                  status:
                    »transitions:
                      open: [done]
            """ },
        { "include names a missing column", "AH0017", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                indexes:
                  - columns: [name]
                    include: [»nickname]
            """ },
        { "bad index order", "AH0007", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: text
                indexes:
                  - columns: [{ column: name, order: »upwards }]
            """ },
    };

    public static TheoryData<string, string, string> SuspiciousSchemas => new()
    {
        { "foreign key without a supporting index", "AH0040", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  agent_id: { type: bigint, references: »agents }
            """ },
        { "partial index does not support a foreign key", "AH0040", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  done: boolean
                  agent_id: { type: bigint, references: »agents }
                indexes:
                  - columns: [agent_id]
                    where: done = FALSE
            """ },
        { "index that is a prefix of another", "AH0041", """
            version: 1
            tables:
              events:
                columns:
                  id: id
                  kind: text
                  created_at: timestamp
                indexes:
                  - name: »ix_events_kind
                    columns: [kind]
                  - name: ix_events_kind_created_at
                    columns: [kind, created_at]
            """ },
        { "index that repeats a unique constraint", "AH0041", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, unique: true }
                indexes:
                  - name: »ix_agents_name
                    columns: [name]
            """ },
        { "unreachable state", "AH0042", """
            version: 1
            enums:
              task_status: [open, doing, done, archived]
            tables:
              tasks:
                columns:
                  id: id
                  status: { type: task_status, default: open }
                stateMachines:
                  »status:
                    initial: [open]
                    transitions:
                      open: [doing]
                      doing: [done]
            """ },
    };

    [Theory]
    [MemberData(nameof(BadSchemas))]
    [MemberData(nameof(BadValues))]
    public void Bad_schema_reports_code_at_position(string why, string code, string markedSchema)
    {
        var (schema, line, column) = Unmark(markedSchema);

        var run = GeneratorHarness.Run(schema);

        Assert.Null(run.Result.Results.Single().Exception);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id == "AD0001");
        var matching = run.GeneratorDiagnostics.Where(d => d.Id == code).ToList();
        Assert.True(matching.Count > 0, $"{why}: expected {code}, got {Describe(run.GeneratorDiagnostics)}");
        var span = matching[0].Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.SchemaPath, span.Path);
        Assert.True((line, column) == (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1),
            $"{why}: {code} at ({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}), expected ({line},{column}): {matching[0].GetMessage()}");
        Assert.Equal(DiagnosticSeverity.Error, matching[0].Severity);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [MemberData(nameof(SuspiciousSchemas))]
    [MemberData(nameof(SuspiciousDesigns))]
    public void Suspicious_schema_warns_at_position_and_still_generates(string why, string code, string markedSchema)
    {
        var (schema, line, column) = Unmark(markedSchema);

        var run = GeneratorHarness.Run(schema);

        Assert.Null(run.Result.Results.Single().Exception);
        var matching = run.GeneratorDiagnostics.Where(d => d.Id == code).ToList();
        Assert.True(matching.Count == 1, $"{why}: expected one {code}, got {Describe(run.GeneratorDiagnostics)}");
        var span = matching[0].Location.GetLineSpan();
        Assert.True((line, column) == (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1),
            $"{why}: {code} at ({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}), expected ({line},{column}): {matching[0].GetMessage()}");
        Assert.Equal(DiagnosticSeverity.Warning, matching[0].Severity);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.NotEmpty(run.Sources);
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void Corpus_has_at_least_sixty_schemas()
    {
        Assert.True(BadSchemas.Count + SuspiciousSchemas.Count >= 60, $"{BadSchemas.Count + SuspiciousSchemas.Count} schemas");
    }

    [Fact]
    public void Every_descriptor_has_a_unique_id_and_an_actionable_message()
    {
        var descriptors = AgentHive.Generator.Diagnostics.DiagnosticDescriptors.Descriptors.ToList();

        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(descriptors, d => Assert.Matches("^AH[0-9]{4}$", d.Id));
        Assert.All(descriptors, d => Assert.False(string.IsNullOrWhiteSpace(d.MessageFormat.ToString())));
    }

    [Fact]
    public void Agent_Hive_schema_compiles_without_diagnostics()
    {
        var history = RepositoryPaths.Combine("src", "Migrations", "history");
        var run = GeneratorHarness.Run(System.IO.File.ReadAllText(RepositoryPaths.Combine("schema.yaml")),
            System.IO.Directory.GetFiles(history).Select(f => (f.Replace(history, "/project/history"), System.IO.File.ReadAllText(f))).ToArray());

        // Only the online-migration lint of version 2, each warning true (OnlineLintTests lists them).
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => !OnlineLintTests.Codes.Contains(d.Id));
        Assert.Empty(run.CompilationErrors);
        Assert.Equal(14, run.Sources.Keys.Count(k => k.StartsWith("AgentHive.Entities.", StringComparison.Ordinal) && !IsEnum(k)));

        static bool IsEnum(string hint) => hint.EndsWith("Status.g.cs", StringComparison.Ordinal) || hint.EndsWith("Transitions.g.cs", StringComparison.Ordinal) ||
            hint.EndsWith("Type.g.cs", StringComparison.Ordinal) || hint.EndsWith("Severity.g.cs", StringComparison.Ordinal);
    }

    internal static (string Schema, int Line, int Column) Unmark(string marked)
    {
        var index = marked.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(index >= 0, "test schema has no marker");
        var before = marked.Substring(0, index);
        var line = before.Count(c => c == '\n') + 1;
        var column = index - (before.LastIndexOf('\n') + 1) + 1;
        return (marked.Remove(index, Marker.Length), line, column);
    }

    internal static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("; ", diagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan().StartLinePosition} {d.GetMessage()}").DefaultIfEmpty("nothing"));
}
