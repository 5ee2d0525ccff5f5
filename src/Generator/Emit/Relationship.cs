using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// What a foreign key says about the relationship between two tables, for diagrams and documents.
/// </summary>
/// <param name="Child">The table that holds the foreign key.</param>
/// <param name="Key">The foreign key.</param>
/// <param name="ParentOptional">A child row may have no parent: a column of the key is nullable.</param>
/// <param name="OneToOne">A parent row has at most one child row: the key's columns are unique in the child.</param>
/// <param name="Identifying">The key is part of the child's primary key.</param>
/// <param name="JunctionPartner">When the child is a junction table, the table its other key references.</param>
internal sealed record Relationship(TableModel Child, ForeignKeyModel Key, bool ParentOptional, bool OneToOne, bool Identifying, string? JunctionPartner)
{
    public string Parent => Key.ReferencedTable;

    /// <summary>Every foreign key of the schema, in table order, then key order.</summary>
    public static IReadOnlyList<Relationship> Of(SchemaModel schema) =>
        schema.Tables.SelectMany(table => table.ForeignKeys.Select(key => Describe(table, key))).ToList();

    /// <summary>
    /// A junction table links two tables many-to-many: its primary key is made of exactly two foreign keys
    /// (disjoint column sets), like project_tasks (project_id, task_id). Returns those keys, or null.
    /// </summary>
    public static (ForeignKeyModel First, ForeignKeyModel Second)? JunctionKeys(TableModel table)
    {
        if (table.PrimaryKey.IsIdentity || table.PrimaryKey.Columns.Count < 2)
        {
            return null;
        }

        var primary = new HashSet<string>(table.PrimaryKey.Columns);
        var inKey = table.ForeignKeys.Where(k => k.Columns.All(primary.Contains)).ToList();
        for (var i = 0; i < inKey.Count; i++)
        {
            for (var j = i + 1; j < inKey.Count; j++)
            {
                var union = new HashSet<string>(inKey[i].Columns);
                if (inKey[j].Columns.Any(union.Contains))
                {
                    continue;
                }

                union.UnionWith(inKey[j].Columns);
                if (union.SetEquals(primary))
                {
                    return (inKey[i], inKey[j]);
                }
            }
        }

        return null;
    }

    private static Relationship Describe(TableModel table, ForeignKeyModel key)
    {
        var columns = new HashSet<string>(key.Columns);
        var optional = table.Columns.Any(c => columns.Contains(c.Name) && c.Nullable);
        var oneToOne = new[] { (IReadOnlyList<string>)table.PrimaryKey.Columns }.Concat(UniqueKeys(table)).Any(unique => unique.All(columns.Contains));
        var identifying = !table.PrimaryKey.IsIdentity && key.Columns.All(table.PrimaryKey.Columns.Contains);
        string? partner = null;
        if (JunctionKeys(table) is var (first, second) && (key == first || key == second))
        {
            partner = (key == first ? second : first).ReferencedTable;
        }

        return new Relationship(table, key, optional, oneToOne, identifying, partner);
    }

    /// <summary>
    /// Column sets no two rows share besides the primary key: unique constraints, and unique indexes on plain
    /// columns that cover every row (a partial index makes rows unique only where its condition holds).
    /// </summary>
    public static IEnumerable<IReadOnlyList<string>> UniqueKeys(TableModel table)
    {
        foreach (var unique in table.Uniques)
        {
            yield return unique.Columns;
        }

        foreach (var index in table.Indexes.Where(i => i.Unique && i.Where is null && i.Keys.All(k => k.Kind == IndexKeyKind.Column)))
        {
            yield return index.Keys.Select(k => k.Value).ToList();
        }
    }
}
