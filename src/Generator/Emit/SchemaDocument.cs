using System.Collections.Generic;
using System.Linq;
using System.Text;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// The schema as one Markdown document: the Mermaid diagram, then per table its columns, keys, checks,
/// state machines and indexes, then the enums. Reads only tables, columns, keys, indexes, checks, state
/// machines and enums, so new parts of the model leave it unchanged.
/// </summary>
internal static class SchemaDocument
{
    public static string Build(SchemaModel schema)
    {
        var relationships = Relationship.Of(schema);
        var md = new StringBuilder();
        md.Append($"# Schema `{schema.Name}`, version {schema.Version}\n\n");
        if (!string.IsNullOrWhiteSpace(schema.Description))
        {
            md.Append(Paragraph(schema.Description)).Append("\n\n");
        }

        md.Append("Generated from the schema by AgentHive.Generator (the app's `schema diagram` command writes it); edit the schema, not this file.\n\n");
        md.Append("## Diagram\n\n");
        md.Append("Every foreign key is an edge from the referenced table to the table that holds it. The parent end is `|o` (zero or one) ");
        md.Append("when the key is nullable, else `||` (exactly one); the child end is `o|` when the key is unique in the child (one-to-one), ");
        md.Append("else `o{` (zero or more). A solid line is a key that is part of the child's primary key, a dotted line any other. ");
        md.Append("A junction table, whose primary key is made of two foreign keys, keeps its own entity: its two edges carry `(M:N other)` ");
        md.Append("in their label. Types are the schema's, with `(`, `,` and `)` written as `_` (Mermaid allows no more), e.g. `decimal_10_2`.\n\n");
        md.Append("```mermaid\n").Append(MermaidDiagram.Build(schema)).Append("```\n\n");

        var junctions = schema.Tables.Where(t => Relationship.JunctionKeys(t) is not null).ToList();
        if (junctions.Count > 0)
        {
            md.Append("Many-to-many relationships:\n\n");
            foreach (var junction in junctions)
            {
                var (first, second) = Relationship.JunctionKeys(junction)!.Value;
                md.Append($"- `{first.ReferencedTable}` ↔ `{second.ReferencedTable}` through `{junction.Name}` ({Columns(first.Columns)} / {Columns(second.Columns)})\n");
            }

            md.Append('\n');
        }

        md.Append("## Tables\n\n");
        foreach (var table in schema.Tables)
        {
            md.Append($"- [`{table.Name}`](#{table.Name}){(string.IsNullOrWhiteSpace(table.Description) ? string.Empty : ": " + Paragraph(table.Description!))}\n");
        }

        foreach (var table in schema.Tables)
        {
            md.Append('\n');
            Table(md, table, relationships.Where(r => r.Child.Name == table.Name).ToList());
        }

        if (schema.Enums.Count > 0)
        {
            md.Append("\n## Enums\n\n");
            md.Append("Stored as text with a CHECK on both backends.\n\n");
            md.Append("| enum | values | description |\n|---|---|---|\n");
            foreach (var enumModel in schema.Enums)
            {
                md.Append($"| `{enumModel.Name}` | {string.Join(", ", enumModel.Values.Select(v => Code(v.Value)))} | {Cell(enumModel.Description)} |\n");
            }
        }

        return md.ToString();
    }

    private static void Table(StringBuilder md, TableModel table, IReadOnlyList<Relationship> relationships)
    {
        md.Append($"### {table.Name}\n\n");
        if (!string.IsNullOrWhiteSpace(table.Description))
        {
            md.Append(Paragraph(table.Description!)).Append("\n\n");
        }

        md.Append("| column | type | nullable | default | description |\n|---|---|---|---|---|\n");
        foreach (var column in table.Columns)
        {
            var type = Code(SchemaText.Type(column)) + (column.AutoUpdate ? " (set on every update)" : string.Empty);
            var fallback = column.Default is null ? string.Empty : Code(SchemaText.Default(column.Default));
            md.Append($"| `{column.Name}` | {type} | {(column.Nullable ? "yes" : "no")} | {fallback} | {Cell(column.Description)} |\n");
        }

        md.Append("\nConstraints:\n\n");
        md.Append($"- primary key `{table.PrimaryKey.Name}` ({Columns(table.PrimaryKey.Columns)}){(table.PrimaryKey.IsIdentity ? ", assigned by the database" : string.Empty)}\n");
        foreach (var unique in table.Uniques)
        {
            md.Append($"- unique `{unique.Name}` ({Columns(unique.Columns)})\n");
        }

        foreach (var relationship in relationships)
        {
            var key = relationship.Key;
            md.Append($"- foreign key `{key.Name}` ({Columns(key.Columns)}) references `{key.ReferencedTable}` ({Columns(key.ReferencedColumns)})");
            md.Append($", on delete {Action(key.OnDelete)}");
            if (key.OnUpdate != ReferentialAction.NoAction)
            {
                md.Append($", on update {Action(key.OnUpdate)}");
            }

            md.Append($": {Cardinality(relationship)}\n");
        }

        foreach (var check in table.Checks)
        {
            md.Append($"- check `{check.Name}`{(check.Column is null ? string.Empty : $" on `{check.Column}`")}: {Condition(check)}\n");
        }

        foreach (var machine in table.StateMachines)
        {
            StateMachine(md, machine);
        }

        if (table.Indexes.Count == 0)
        {
            return;
        }

        md.Append("\nIndexes:\n\n| index | keys | where | include | description |\n|---|---|---|---|---|\n");
        foreach (var index in table.Indexes)
        {
            var keys = string.Join(", ", index.Keys.Select(IndexKey));
            var where = index.Where is null ? string.Empty : Code(index.Where);
            md.Append($"| `{index.Name}`{(index.Unique ? " (unique)" : string.Empty)} | {keys} | {where} | {Columns(index.Include)} | {Cell(index.Description)} |\n");
        }
    }

    private static void StateMachine(StringBuilder md, StateMachineModel machine)
    {
        var terminal = machine.States.Where(s => !machine.Transitions.Any(t => t.From == s)).ToList();
        md.Append($"- state machine on `{machine.Column}` (enforced by triggers): initial {string.Join(", ", machine.Initial.Select(Code))}");
        if (terminal.Count > 0)
        {
            md.Append($"; final {string.Join(", ", terminal.Select(Code))}");
        }

        if (!string.IsNullOrWhiteSpace(machine.Description))
        {
            md.Append(". ").Append(Paragraph(machine.Description!));
        }

        md.Append('\n');
        foreach (var from in machine.States.Where(s => machine.Transitions.Any(t => t.From == s)))
        {
            md.Append($"  - {Code(from)} → {string.Join(", ", machine.Transitions.Where(t => t.From == from).Select(t => Code(t.To)))}\n");
        }
    }

    private static string Cardinality(Relationship relationship)
    {
        var text = (relationship.OneToOne ? "one-to-one" : "many-to-one") + (relationship.ParentOptional ? ", optional" : ", required");
        if (relationship.Child.Name == relationship.Parent)
        {
            text += ", self-reference";
        }

        if (relationship.JunctionPartner is { } partner)
        {
            text += $", junction to `{partner}`";
        }

        return text;
    }

    // The check as each backend enforces it; one condition when both spell it alike.
    private static string Condition(CheckModel check)
    {
        var column = check.Column is null ? null : SqlText.Quote(check.Column);
        var sqlite = SqliteDialect.Instance.Check(column, check.Rule);
        var postgres = PostgresDialect.Instance.Check(column, check.Rule);
        if (sqlite == postgres)
        {
            return sqlite is null ? "enforced by the column types" : Code(sqlite);
        }

        return $"SQLite {Backend(sqlite)}; PostgreSQL {Backend(postgres)}";

        static string Backend(string? condition) => condition is null ? "by the column type" : Code(condition);
    }

    private static string IndexKey(IndexKeyModel key)
    {
        var text = key.Kind switch
        {
            IndexKeyKind.JsonPath => $"{key.Value} $.{string.Join(".", key.Path)}",
            IndexKeyKind.Expression => $"({key.Value})",
            _ => key.Value,
        };
        return Code(text) + (key.Descending ? " desc" : string.Empty);
    }

    private static string Action(ReferentialAction action) => SqlText.Action(action).ToLowerInvariant();

    private static string Columns(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => $"`{c}`"));

    // One line of Markdown: line breaks become spaces, so a description cannot end a table row or list item.
    private static string Paragraph(string text) =>
        string.Join(" ", SourceWriter.DocLines(text.Trim()).Select(l => l.Trim()).Where(l => l.Length > 0));

    private static string Cell(string? text) => string.IsNullOrWhiteSpace(text) ? string.Empty : Paragraph(text!).Replace("|", "\\|");

    // A code span that survives backticks in the text and '|' inside a table row.
    private static string Code(string text)
    {
        var hasBacktick = text.IndexOf('`') >= 0;
        var fence = hasBacktick ? "``" : "`";
        var padding = hasBacktick ? " " : string.Empty;
        return fence + padding + Paragraph(text).Replace("|", "\\|") + padding + fence;
    }
}
