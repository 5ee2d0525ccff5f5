using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using AgentHive.Tests.Generator;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AgentHive.Tests.Robustness;

/// <summary>
/// Schemas that used to crash the generator, kill the compiler or pass with C# that does not compile:
/// each now gets its AH error at the marked (») position, or generates C# that compiles.
/// </summary>
public class RobustnessDiagnosticsTests
{
    public static TheoryData<string, string, string> BadSchemas => new()
    {
        { "two tables whose entities differ only in case", "AH0070", """
            version: 1
            tables:
              order_items:
                columns:
                  id: id
              »orderitems:
                columns:
                  id: id
            """ },
        { "an explicit entity that differs from a derived one only in case", "AH0070", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              bots:
                entity: »AGENT
                columns:
                  id: id
            """ },
        { "two enums whose types differ only in case", "AH0070", """
            version: 1
            enums:
              task_status: [open, done]
              »taskstatus: [open, done]
            tables:
              tasks:
                columns:
                  id: id
            """ },
        { "a table and an enum whose types differ only in case", "AH0070", """
            version: 1
            enums:
              agentstatus: [idle, busy]
            tables:
              »agent_statuses:
                columns:
                  id: id
            """ },
        { "an entity named like an enum's helper class", "AH0070", """
            version: 1
            enums:
              status: [idle, busy]
            tables:
              helpers:
                entity: »Statusextensions
                columns:
                  id: id
            """ },
        { "an entity named like a state machine's class", "AH0070", """
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
                    transitions:
                      open: [done]
              transitions:
                entity: »TaskStatusTransitions
                columns:
                  id: id
            """ },
        { "a column named like the entity's private helper", "AH0071", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  »add_parameter: text
            """ },
        { "two declared checks of one name on a table (PostgreSQL refuses the table)", "AH0013", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: integer
                checks:
                  - { name: ck_load, expression: load >= 0 }
                  - { name: »ck_load, expression: load < 100 }
            """ },
        { "a declared check named like the check a column's range derives", "AH0013", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: integer, min: 0 }
                checks:
                  - { name: »ck_agents_load_range, expression: load < 100 }
            """ },
        { "two columns whose derived checks take one name", "AH0013", """
            version: 1
            enums:
              size_kind: [small, large]
            tables:
              agents:
                columns:
                  id: id
                  size: { type: decimal, precision: 10, scale: 2 }
                  »size_type: size_kind
            """ },
        { "a column named Clone, a name records forbid (CS8859)", "AH0071", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  »clone: text
            """ },
        { "a column named like an inherited static member", "AH0071", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  »reference_equals: text
            """ },
        { "a C# keyword as entity name", "AH0071", """
            version: 1
            tables:
              classes:
                entity: »class
                columns:
                  id: id
            """ },
        { "a contextual keyword as entity name", "AH0071", """
            version: 1
            tables:
              records:
                entity: »record
                columns:
                  id: id
            """ },
        { "a lower-case entity name (CS8981)", "AH0071", """
            version: 1
            tables:
              agents:
                entity: »agent
                columns:
                  id: id
            """ },
        { "a C# keyword as enum type name", "AH0071", """
            version: 1
            enums:
              kind:
                typeName: »class
                values: [a, b]
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "a lower-case enum type name (CS8981)", "AH0071", """
            version: 1
            enums:
              agent_kind:
                typeName: »kind
                values: [a, b]
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "an enum type name that is not a C# identifier", "AH0007", """
            version: 1
            enums:
              agent_kind:
                typeName: »Agent-Kind
                values: [a, b]
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "an enum type name that takes another enum's helper class", "AH0070", """
            version: 1
            enums:
              status: [idle, busy]
              phase:
                typeName: »StatusExtensions
                values: [a, b]
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "an entity that differs from an enum's explicit type name only in case", "AH0070", """
            version: 1
            enums:
              agent_kind:
                typeName: AGENT
                values: [a, b]
            tables:
              »agents:
                columns:
                  id: id
            """ },
        { "an entity that takes an enum's explicit type name", "AH0021", """
            version: 1
            enums:
              agent_kind:
                typeName: Agent
                values: [a, b]
            tables:
              »agents:
                columns:
                  id: id
            """ },
        { "a C# keyword as namespace segment", "AH0071", """
            namespace: »My.event
            version: 1
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "an entity name longer than a file name may be", "AH0071", $"""
            version: 1
            tables:
              agents:
                entity: »A{new string('b', 300)}
                columns:
                  id: id
            """ },
        { "a NUL character in a text default", "AH0072", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, default: »"a\0b" }
            """ },
        { "a default longer than one value may be", "AH0072", $"""
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: {"{"} type: text, default: »{new string('x', 70_000)} {"}"}
            """ },
        { "a second YAML document", "AH0074", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
            »---
            version: 2
            """ },
        { "a tab used as indentation", "AH0001", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
            »	  name: text
            """ },
        { "a mistake inside an alias is reported where the alias is used", "AH0004", """
            version: 1
            enums:
              level: &levels [low, high]
            tables:
              agents:
                columns:
                  id: id
                  name: »*levels
            """ },
        // The copies pass the limit inside e's eighth alias, long before the billions h would reach.
        { "aliases that expand exponentially", "AH0073", """
            version: 1
            a: &a [x, x, x, x, x, x, x, x, x, x]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, »*d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
            g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
            h: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
            tables:
              agents:
                columns:
                  id: id
            """ },
    };

    [Theory]
    [MemberData(nameof(BadSchemas))]
    public void Bad_schema_reports_code_at_position(string why, string code, string markedSchema)
    {
        var (schema, line, column) = DiagnosticsTests.Unmark(markedSchema);

        var run = GeneratorHarness.Run(schema);

        AssertReported(run, why, code, line, column);
    }

    [Fact]
    public void YAML_nested_100000_levels_deep_is_an_error_not_a_stack_overflow()
    {
        const string prefix = "version: 1\ndescription: ";
        var schema = prefix + new string('[', 100_000) + new string(']', 100_000) + "\ntables: {}\n";

        var watch = Stopwatch.StartNew();
        var run = GeneratorHarness.Run(schema);

        // The root mapping is level 1 and its value level 2, so the first '[' past the limit is the 64th.
        AssertReported(run, "deep nesting", "AH0073", 2, "description: ".Length + 64);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_default_at_the_length_limit_is_accepted_and_compiles()
    {
        // 65,536 characters is the most one value may have. It lands in five string constants (entity, DDL
        // and migration per backend), far from the 16 MB user-string heap of the compiled assembly (CS8103).
        var schema = $"""
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: {"{"} type: text, default: "{new string('x', 65_536)}" {"}"}
            """;

        var run = GeneratorHarness.Run(schema);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void Text_with_every_line_terminator_stays_inside_comments_and_literals()
    {
        // Each break would end a '///' line early and let the rest become a member of the entity.
        const string injection = "public int Injected => 1;";
        var breaks = new[] { "\\r", "\\n", "\\r\\n", "\\x85", "\\u2028", "\\u2029" };
        var text = string.Concat(breaks.Select(b => $"{b}{injection} <b>&amp;</b> \\x01\\e"));
        var schema = $"""
            version: 1
            description: "{text}"
            enums:
              level:
                description: "{text}"
                values: [low, high]
            tables:
              agents:
                description: "{text}"
                columns:
                  id: id
                  name: {"{"} type: text, description: "{text}", default: "{text}" {"}"}
                  level: {"{"} type: level, default: low {"}"}
                indexes:
                  - columns: [name]
                    description: "{text}"
            """;

        var run = GeneratorHarness.Run(schema);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var entity = run.Output.GetTypeByMetadataName("Schema.Entities.Agent")!;
        Assert.DoesNotContain(entity.GetMembers(), m => m.Name == "Injected");
    }

    internal static void AssertReported(GeneratorRun run, string why, string code, int line, int column)
    {
        Assert.Null(run.Result.Results.Single().Exception);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "AD0001" or "CS8785");
        var matching = run.GeneratorDiagnostics.Where(d => d.Id == code).ToList();
        Assert.True(matching.Count > 0, $"{why}: expected {code}, got {DiagnosticsTests.Describe(run.GeneratorDiagnostics)}");
        var span = matching[0].Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.SchemaPath, span.Path);
        Assert.True((line, column) == (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1),
            $"{why}: {code} at ({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}), expected ({line},{column}): {matching[0].GetMessage()}");
        Assert.Equal(DiagnosticSeverity.Error, matching[0].Severity);
        Assert.Empty(run.Sources);
    }
}
