using System.Collections.Generic;
using System.Linq;
using System.Text;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// The schema as a Mermaid <c>erDiagram</c>: every table with its columns (schema type, name, PK/FK/UK,
/// nullability and description as the comment), then one relationship per foreign key.
/// </summary>
/// <remarks>
/// A foreign key reads <c>parent ||..o{ child</c>: the parent end is <c>|o</c> (zero or one) when a key
/// column is nullable, else <c>||</c>; the child end is <c>o|</c> when the key's columns are unique in
/// the child (one-to-one), else <c>o{</c>. A solid line (<c>--</c>) marks an identifying key, part of the
/// child's primary key; a dotted one (<c>..</c>) any other. A junction table (primary key made of two
/// foreign keys) stays an entity, since it carries its own columns, with both of its solid one-to-many
/// edges labelled with the many-to-many they form (<c>project_id (M:N tasks)</c>).
/// Mermaid's grammar is narrower than our names: entity names are always quoted (<c>one</c>, <c>to</c>,
/// <c>class</c> are keywords), types keep letters, digits, <c>_</c> and <c>-</c> only
/// (<c>decimal(10,2)</c> becomes <c>decimal_10_2</c>), a column or enum named <c>pk</c>, <c>fk</c> or
/// <c>uk</c> takes a trailing <c>_</c>, and quotes in comments become apostrophes.
/// </remarks>
internal static class MermaidDiagram
{
    public static string Build(SchemaModel schema)
    {
        var text = new StringBuilder("erDiagram\n");
        foreach (var table in schema.Tables)
        {
            text.Append("    ").Append(Entity(table.Name)).Append(" {\n");
            foreach (var column in table.Columns)
            {
                text.Append("        ").Append(Attribute(table, column)).Append('\n');
            }

            text.Append("    }\n");
        }

        foreach (var relationship in Relationship.Of(schema))
        {
            text.Append("    ").Append(Line(relationship)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>One relationship line, e.g. <c>"agents" |o..o{ "tasks" : "agent_id"</c>.</summary>
    public static string Line(Relationship relationship)
    {
        var parentEnd = relationship.ParentOptional ? "|o" : "||";
        var childEnd = relationship.OneToOne ? "o|" : "o{";
        var line = relationship.Identifying ? "--" : "..";
        var label = string.Join(", ", relationship.Key.Columns);
        if (relationship.JunctionPartner is { } partner)
        {
            label += $" (M:N {partner})";
        }

        return $"{Entity(relationship.Parent)} {parentEnd}{line}{childEnd} {Entity(relationship.Child.Name)} : {Quoted(label)}";
    }

    private static string Attribute(TableModel table, ColumnModel column)
    {
        var line = $"{Word(SchemaText.Type(column))} {Word(column.Name)}";
        var keys = Keys(table, column);
        if (keys.Count > 0)
        {
            line += " " + string.Join(", ", keys);
        }

        var comment = new List<string>();
        if (column.Nullable)
        {
            comment.Add("nullable");
        }

        if (!string.IsNullOrWhiteSpace(column.Description))
        {
            comment.Add(column.Description!.Trim());
        }

        return comment.Count == 0 ? line : line + " " + Quoted(string.Join("; ", comment));
    }

    private static List<string> Keys(TableModel table, ColumnModel column)
    {
        var keys = new List<string>();
        if (table.PrimaryKey.Columns.Contains(column.Name))
        {
            keys.Add("PK");
        }

        if (table.ForeignKeys.Any(k => k.Columns.Contains(column.Name)))
        {
            keys.Add("FK");
        }

        // UK only for a column unique on its own; composite unique keys are listed in the document.
        if (Relationship.UniqueKeys(table).Any(unique => unique.Count == 1 && unique[0] == column.Name))
        {
            keys.Add("UK");
        }

        return keys;
    }

    private static string Entity(string name) => Quoted(name);

    // An attribute type or name: letters, digits, '_' and '-', starting with a letter; not a key keyword.
    private static string Word(string text)
    {
        var word = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            word.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' ? c : '_');
        }

        var result = word.ToString().TrimEnd('_');
        if (result.Length == 0 || !char.IsLetter(result[0]))
        {
            result = "x" + result;
        }

        return result.ToLowerInvariant() is "pk" or "fk" or "uk" ? result + "_" : result;
    }

    // Mermaid strings end at the next '"' and have no escape; line breaks would end the statement.
    private static string Quoted(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => '\'',
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => ' ',
                _ => c,
            });
        }

        return quoted.Append('"').ToString();
    }
}
