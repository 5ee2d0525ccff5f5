using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>
/// Schemas the database would accept or refuse only at deploy time: numbers that are not numbers,
/// expressions that do not parse, and design mistakes visible at build time. Same » marker as
/// <see cref="DiagnosticsTests.BadSchemas"/>.
/// </summary>
public partial class DiagnosticsTests
{
    public static TheoryData<string, string, string> BadValues => new()
    {
        { "NaN as a real default", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, default: »NaN }
            """ },
        { "YAML .nan as a real default", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, default: ».nan }
            """ },
        { "Infinity as a real default", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, default: »-Infinity }
            """ },
        { "YAML .inf as max", "AH0022", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, min: 0, max: ».inf }
            """ },
        { "YAML -.inf as min", "AH0022", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, min: »-.inf }
            """ },
        { "NaN as min", "AH0022", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load:
                    type: real
                    min: »NaN
            """ },
        { "default below its own min", "AH0020", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  priority: { type: integer, default: »0, min: 1, max: 10 }
            """ },
        { "real default above its own max", "AH0020", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  load: { type: real, max: 1.0, default: »1.5 }
            """ },
        { "bigint default above max where doubles cannot tell them apart", "AH0020", """
            version: 1
            tables:
              counters:
                columns:
                  id: id
                  value: { type: bigint, max: 9007199254740992, default: »9007199254740993 }
            """ },
        { "version above the limit", "AH0028", """
            version: »2000000
            tables:
              agents:
                columns:
                  id: id
            """ },
        { "operator where a value belongs", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: name = »= AND
            """ },
        { "empty IN list", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: name IN (»)
            """ },
        { "check that is not a condition", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: »length(name)
            """ },
        { "index where that is not a condition", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                indexes:
                  - columns: [name]
                    where: »priority + 1
            """ },
        { "function with too few arguments", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: »coalesce(name) <> ''
            """ },
        { "function with too many arguments", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: »lower(name, name) <> ''
            """ },
        { "text function on a number", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: upper(»priority) <> ''
            """ },
        { "number compared with text", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: priority »= 'high'
            """ },
        { "json compared as text", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: payload »<> '{}'
            """ },
        { "comparisons chained", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: priority > 0 »< 10
            """ },
        { "comparison with NULL", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: name »<> NULL
            """ },
        { "IS followed by something other than NULL", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: name IS NOT »TRUE
            """ },
        { "BETWEEN without AND", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: priority BETWEEN 1 »OR 5
            """ },
        { "concatenation mixed with arithmetic", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: name »|| priority + 1 <> ''
            """ },
        { "AND over a non-condition", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: name <> '' AND »priority
            """ },
        { "NOT over a non-condition", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: NOT »name
            """ },
        { "literal that is not a value of the enum", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                indexes:
                  - columns: [name]
                    where: status = »'pendng'
            """ },
        { "enum literal in an IN list", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: status IN ('pending', »'finished')
            """ },
        { "number with two dots", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: priority > 1.2».3
            """ },
        { "stray closing parenthesis", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: priority > 1»)
            """ },
        { "value after a complete expression", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: priority > 1 »name
            """ },
        { "expression in a literal block scalar", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: |
                      name <> ''
                      AND »length(name)
            """ },
        { "expression in a folded block scalar", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: >-
                      name <> ''
                      AND
                      »priority
            """ },
        { "expression continued on the next line", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: name <> ''
                      AND »priority
            """ },
        { "expression in double quotes with escapes", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: "name <> '\u00e9\t' AND »priority"
            """ },
        { "expression in single quotes with doubled quotes", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                checks:
                  - expression: 'name <> '''' AND »priority'
            """ },
        { "backfill of another type", "AH0030", """
            version: 1
            enums:
              job_status: [pending, running, done]
            tables:
              jobs:
                columns:
                  id: id
                  name: text
                  priority: integer
                  status: { type: job_status, default: pending }
                  payload: json
                  rank: { type: integer, nullable: true, backfill: "»'unknown'" }
            """ },
        { "setDefault on a NOT NULL column without default", "AH0038", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  agent_id: { type: bigint, references: agents, onDelete: »setDefault }
                indexes:
                  - columns: [agent_id]
            """ },
        { "onUpdate setDefault on a NOT NULL column without default", "AH0038", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  agent_id:
                    type: bigint
                    references: agents
                    onUpdate: »setDefault
            """ },
        { "onUpdate setNull on a NOT NULL column", "AH0023", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
              tasks:
                columns:
                  id: id
                  agent_id: { type: bigint, references: agents, onUpdate: »setNull }
            """ },
        { "enum default that is not an initial state", "AH0039", """
            version: 1
            enums:
              task_status: [draft, open, done]
            tables:
              tasks:
                columns:
                  id: id
                  status: { type: task_status, default: »draft }
                stateMachines:
                  status:
                    initial: [open]
                    transitions:
                      open: [done]
                      draft: [open]
            """ },
        { "table named like the schema history", "AH0009", """
            version: 1
            tables:
              »agenthive_schema_history:
                columns:
                  id: id
            """ },
        { "table named like a rebuild table", "AH0009", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
              »agenthive_new_tasks:
                columns:
                  id: id
            """ },
        { "same column twice in one index", "AH0013", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  title: text
                indexes:
                  - columns: [title, »title desc]
            """ },
        { "same json key twice in one index", "AH0013", """
            version: 1
            tables:
              events:
                columns:
                  id: id
                  details: json
                indexes:
                  - name: ix_events_code
                    columns:
                      - { json: details, path: code }
                      - { json: »details, path: code }
            """ },
        { "include repeats a key column", "AH0013", """
            version: 1
            tables:
              tasks:
                columns:
                  id: id
                  title: text
                  note: text
                indexes:
                  - columns: [title]
                    include: [note, »title]
            """ },
    };

    public static TheoryData<string, string, string> SuspiciousDesigns => new()
    {
        { "entity named like System.Threading.Tasks.Task", "AH0044", """
            version: 1
            tables:
              »tasks:
                columns:
                  id: id
            """ },
        { "explicit entity named like System.IO.File", "AH0044", """
            version: 1
            tables:
              documents:
                entity: »File
                columns:
                  id: id
            """ },
        { "enum named like System.Threading.Tasks.TaskStatus", "AH0044", """
            version: 1
            enums:
              »task_status: [open, done]
            tables:
              jobs:
                columns:
                  id: id
                  status: { type: task_status, default: open }
            """ },
        { "explicit enum type name like System.IO.FileMode", "AH0044", """
            version: 1
            enums:
              open_mode:
                typeName: »FileMode
                values: [read, write]
            tables:
              handles:
                columns:
                  id: id
                  mode: open_mode
            """ },
        { "enum whose helper class is named like System.Collections.Generic.CollectionExtensions", "AH0044", """
            version: 1
            enums:
              »collection: [books, films]
            tables:
              items:
                columns:
                  id: id
                  kind: collection
            """ },
        { "partial index on NOT NULL column IS NOT NULL", "AH0043", """
            version: 1
            tables:
              messages:
                columns:
                  id: id
                  payload: { type: json, default: "{}" }
                indexes:
                  - name: ix_messages_task
                    columns: [{ json: payload, path: task_id }]
                    where: »payload IS NOT NULL
            """ },
        { "always-true term in an AND chain", "AH0043", """
            version: 1
            tables:
              messages:
                columns:
                  id: id
                  state: text
                  payload: { type: json, default: "{}" }
                indexes:
                  - name: ix_messages_open
                    columns: [id]
                    where: state = 'open' AND (»payload IS NOT NULL AND state <> '')
            """ },
        { "partial index condition without a column", "AH0043", """
            version: 1
            tables:
              messages:
                columns:
                  id: id
                  state: text
                indexes:
                  - columns: [state]
                    where: »1 = 1
            """ },
        { "partial index condition that is always false", "AH0043", """
            version: 1
            tables:
              messages:
                columns:
                  id: id
                  state: text
                indexes:
                  - columns: [state]
                    where: »state IS NULL
            """ },
    };

    [Fact]
    public void Expression_nested_beyond_the_limit_is_refused_at_the_first_level_too_deep()
    {
        var expression = new string('(', 10_000) + "priority > 0" + new string(')', 10_000);
        var schema = $"version: 1\ntables:\n  jobs:\n    columns:\n      id: id\n      priority: integer\n    checks:\n      - expression: {expression}\n";

        var run = GeneratorHarness.Run(schema);

        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "AH0030");
        Assert.Contains("nests more than 64 levels", error.GetMessage());
        var expressionStart = "      - expression: ".Length;
        Assert.Equal(new Microsoft.CodeAnalysis.Text.LinePosition(7, expressionStart + 64), error.Location.GetLineSpan().StartLinePosition);
    }

    [Fact]
    public void Entity_named_Task_breaks_user_code_with_implicit_usings_and_the_suggested_name_does_not()
    {
        const string Schema = "version: 1\nschema: shop\ntables:\n  tasks:\n    columns:\n      id: id\n      title: text\n";
        const string UserCode = """
            using System.Threading.Tasks;
            using Shop.Entities;
            namespace User;
            public static class Uses { public static object Make() => Task.CompletedTask; }
            """;

        var clashing = GeneratorHarness.Run(Schema, UserCode);
        var renamed = GeneratorHarness.Run(Schema.Replace("  tasks:\n", "  tasks:\n    entity: ShopTask\n"), UserCode);

        var warning = Assert.Single(clashing.GeneratorDiagnostics, d => d.Id == "AH0044");
        Assert.Contains("'ShopTask'", warning.GetMessage());
        Assert.Contains(clashing.CompilationErrors, e => e.Id == "CS0104");
        Assert.Empty(renamed.GeneratorDiagnostics);
        Assert.Empty(renamed.CompilationErrors);
    }

    [Fact]
    public void Enum_named_TaskStatus_breaks_user_code_with_implicit_usings_and_typeName_does_not()
    {
        const string Schema = "version: 1\nschema: shop\nenums:\n  task_status: [open, done]\n" +
            "tables:\n  jobs:\n    columns:\n      id: id\n      status: { type: task_status, default: open }\n";
        const string UserCode = """
            using System.Threading.Tasks;
            using Shop.Entities;
            namespace User;
            public static class Uses { public static object Make() => TaskStatus.RanToCompletion; }
            """;

        var clashing = GeneratorHarness.Run(Schema, UserCode);
        var renamed = GeneratorHarness.Run(Schema.Replace("  task_status: [open, done]\n", "  task_status:\n    typeName: ShopTaskStatus\n    values: [open, done]\n"), UserCode);

        var warning = Assert.Single(clashing.GeneratorDiagnostics, d => d.Id == "AH0044");
        Assert.Equal("Enum 'task_status' becomes C# type 'TaskStatus', which clashes with System.Threading.Tasks.TaskStatus in every project with implicit usings " +
            "(CS0104 in your code). Set 'typeName:' on the enum to another name, e.g. 'ShopTaskStatus'.", warning.GetMessage());
        Assert.Contains(clashing.CompilationErrors, e => e.Id == "CS0104");
        Assert.Empty(renamed.GeneratorDiagnostics);
        Assert.Empty(renamed.CompilationErrors);
        Assert.Contains("Shop.Entities.ShopTaskStatus.g.cs", renamed.Sources.Keys);
    }

    [Theory]
    [InlineData("payload IS NOT NULL", "The 'where' of index 'ix_messages_task' is always true (column 'payload' is NOT NULL). Remove 'where'")]
    [InlineData("state = 'open' AND payload IS NOT NULL", "The term 'payload IS NOT NULL' in the 'where' of index 'ix_messages_task' is always true")]
    [InlineData("id IS NULL", "is always false (column 'id' is NOT NULL). The index holds no rows")]
    [InlineData("TRUE", "is always the same (it mentions no column)")]
    public void Constant_partial_index_condition_says_what_to_remove(string where, string expected)
    {
        var schema = "version: 1\ntables:\n  messages:\n    columns:\n      id: id\n      state: text\n      payload: { type: json, default: \"{}\" }\n" +
            $"    indexes:\n      - name: ix_messages_task\n        columns: [{{ json: payload, path: task_id }}]\n        where: {where}\n";

        var run = GeneratorHarness.Run(schema);

        var warning = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AH0043", warning.Id);
        Assert.Contains(expected, warning.GetMessage());
    }
}
