using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// Indexes: keys, partial and covering indexes, schema-wide names, and indexes that serve nothing.
public sealed partial class SchemaValidator
{
    private void BuildIndexes(TableBuilder table)
    {
        foreach (var index in table.Syntax.Indexes)
        {
            if (index.Columns.Count == 0)
            {
                if (index.HasColumnsKey)
                {
                    Report(DiagnosticDescriptors.EmptyIndex, index.Location, "An index", table.Name);
                }

                continue;
            }

            var label = index.Name?.Value ?? $"on {table.Name}";
            var keys = new List<IndexKeyModel>();
            foreach (var entry in index.Columns)
            {
                if (BuildIndexKey(table, entry, label) is not { } key)
                {
                    keys = null;
                    break;
                }

                if (keys.Any(k => k.Kind == key.Kind && k.Value == key.Value && k.Path.Equals(key.Path)))
                {
                    Report(DiagnosticDescriptors.DuplicateName, entry.Value.Location, "Index key", Shorten(entry.Value.Value), $" in index {label}");
                    keys = null;
                    break;
                }

                keys.Add(key);
            }

            if (keys is null)
            {
                continue;
            }

            (string Sql, ExpressionNode Tree)? where = null;
            if (index.Where is { } whereToken && (where = ParseExpression(whereToken, table, $"The 'where' of index {label}", ExpressionType.Boolean)) is null)
            {
                continue;
            }

            var include = new List<string>();
            foreach (var column in index.Include ?? new List<Token>())
            {
                if (!table.HasColumn(column.Value))
                {
                    Report(DiagnosticDescriptors.IndexColumnMissing, column.Location, label, column.Value, table.Name);
                    include = null;
                    break;
                }

                if (include.Contains(column.Value) || keys.Any(k => k.Kind == IndexKeyKind.Column && k.Value == column.Value))
                {
                    Report(DiagnosticDescriptors.DuplicateName, column.Location, "Column", column.Value, $" in index {label} (as a key or in 'include')");
                    include = null;
                    break;
                }

                include.Add(column.Value);
            }

            if (include is null)
            {
                continue;
            }

            if (index.Name is null && keys.Any(k => k.Kind == IndexKeyKind.Expression))
            {
                Report(DiagnosticDescriptors.MissingKey, index.Location, $"An expression index of table '{table.Name}'", "name");
                continue;
            }

            var unique = Bool(index.Unique, "'unique'") ?? false;
            var name = index.Name is { } nameToken
                ? (CheckIdentifier(nameToken, "index") ? nameToken.Value : null)
                : Names.Fit($"ix_{table.Name}_{string.Join("_", keys.Select(k => k.Path.Count == 0 ? k.Value : k.Value + "_" + string.Join("_", k.Path)))}");
            if (name is not null)
            {
                table.Indexes.Add((new IndexModel(name, keys.ToEquatableArray(), unique, index.Description?.Value, where?.Sql, include.ToEquatableArray()),
                    index.Name?.Location ?? index.Location));
                if (where is { Tree: var tree })
                {
                    WarnAboutConstantCondition(table, name, index.Where!, tree);
                }
            }
        }
    }

    private IndexKeyModel? BuildIndexKey(TableBuilder table, IndexEntrySyntax entry, string label)
    {
        var value = entry.Value;
        var descending = false;
        var name = value.Value;
        if (entry.Kind == IndexEntryKind.Column && entry.Order is null)
        {
            var parts = value.Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].ToLowerInvariant() is "asc" or "desc")
            {
                descending = parts[1].ToLowerInvariant() == "desc";
            }
            else if (parts.Length != 1)
            {
                Report(DiagnosticDescriptors.InvalidValue, value.Location, value.Value, "an index column", "a column name, optionally followed by 'asc' or 'desc'");
                return null;
            }

            name = parts[0];
        }

        if (entry.Order is { } order)
        {
            if (order.Value is not ("asc" or "desc"))
            {
                Report(DiagnosticDescriptors.InvalidValue, order.Location, order.Value, "'order'", "asc or desc");
                return null;
            }

            descending = order.Value == "desc";
        }

        if (entry.Path is { } strayPath && entry.Kind != IndexEntryKind.Json)
        {
            Report(DiagnosticDescriptors.InvalidValue, strayPath.Location, strayPath.Value, "'path'", "'json' beside it: a path applies to a json column");
            return null;
        }

        switch (entry.Kind)
        {
            case IndexEntryKind.Expression:
                var sql = Expression(value, table, $"The index expression '{Shorten(value.Value)}'", null);
                return sql is null ? null : new IndexKeyModel(IndexKeyKind.Expression, sql, EquatableArray<string>.Empty, descending);

            case IndexEntryKind.Json:
                if (table.Column(name) is not { } jsonColumn)
                {
                    Report(DiagnosticDescriptors.IndexColumnMissing, value.Location, label, name, table.Name);
                    return null;
                }

                if (jsonColumn.Model.Kind != ColumnKind.Json)
                {
                    Report(DiagnosticDescriptors.OptionNotForType, value.Location, "json", $"{table.Name}.{name}", jsonColumn.Syntax.Type!.Value, "json");
                    return null;
                }

                if (entry.Path is not { } path)
                {
                    Report(DiagnosticDescriptors.MissingKey, entry.Location, $"The json index key on '{name}'", "path");
                    return null;
                }

                var segments = path.Value.Split('.');
                if (segments.Any(segment => !IsJsonKey(segment)))
                {
                    Report(DiagnosticDescriptors.InvalidJsonPath, path.Location, path.Value, "path", ", with '.' between keys");
                    return null;
                }

                return new IndexKeyModel(IndexKeyKind.JsonPath, name, segments.ToEquatableArray(), descending);

            default:
                if (!table.HasColumn(name))
                {
                    Report(DiagnosticDescriptors.IndexColumnMissing, value.Location, label, name, table.Name);
                    return null;
                }

                return new IndexKeyModel(IndexKeyKind.Column, name, EquatableArray<string>.Empty, descending);
        }
    }

    /// <summary>
    /// A term of a partial index's condition that cannot depend on the row. SQLite drops an always-true term
    /// such as <c>x IS NOT NULL</c> on a NOT NULL column from every query, so no query can match the index.
    /// </summary>
    private void WarnAboutConstantCondition(TableBuilder table, string indexName, Token where, ExpressionNode tree)
    {
        foreach (var term in Conjuncts(tree))
        {
            var (always, why) = term switch
            {
                NullTestNode { Operand: ColumnNode column } test when table.Column(column.Name) is { Model.Nullable: false } =>
                    (test.Negated ? "true" : "false", $"column '{column.Name}' is NOT NULL"),
                _ when !term.MentionsColumn => ("the same", "it mentions no column"),
                _ => (null, null),
            };
            if (always is not null)
            {
                var whole = term == tree;
                var remedy = always switch
                {
                    "true" when whole => "Remove 'where': SQLite drops such a condition from queries, so it never uses this index.",
                    "true" => "Remove that term: SQLite drops it from queries, so it never uses this index.",
                    "false" => "The index holds no rows: fix or remove the condition.",
                    _ => "Test a column, or remove 'where'.",
                };
                var what = whole ? "The 'where'"
                    : term is NullTestNode { Operand: ColumnNode tested } nullTest ? $"The term '{tested.Name} IS {(nullTest.Negated ? "NOT " : string.Empty)}NULL' in the 'where'"
                    : "A term of the 'where'";
                Report(DiagnosticDescriptors.PartialIndexConditionConstant, where.At(term.Offset), what, indexName, always, why!, remedy);
                return;
            }
        }
    }

    /// <summary>The terms of a condition joined by AND at its top level (parentheses included).</summary>
    private static IEnumerable<ExpressionNode> Conjuncts(ExpressionNode condition)
    {
        var pending = new Stack<ExpressionNode>();
        pending.Push(condition);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is OperationNode { Operator: "AND" } and)
            {
                pending.Push(and.Operands[1]);
                pending.Push(and.Operands[0]);
                continue;
            }

            yield return node;
        }
    }

    /// <summary>Foreign keys no index can serve, and indexes another index already serves.</summary>
    private void WarnAboutIndexes(TableBuilder table)
    {
        // Key column sequences that can serve lookups on their leading columns: full indexes and keys.
        var candidates = new List<(string Name, List<(string Column, bool Descending)> Keys)>();
        if (table.PrimaryKey is { } pk)
        {
            candidates.Add((pk.Name, pk.Columns.Select(c => (c, false)).ToList()));
        }

        candidates.AddRange(table.Uniques.Select(u => (u.Model.Name, u.Model.Columns.Select(c => (c, false)).ToList())));
        foreach (var (index, _) in table.Indexes.Where(i => i.Model.Where is null))
        {
            candidates.Add((index.Name, index.Keys.TakeWhile(k => k.Kind == IndexKeyKind.Column).Select(k => (k.Value, k.Descending)).ToList()));
        }

        foreach (var fk in table.ForeignKeys)
        {
            if (!candidates.Any(c => c.Keys.Count > 0 && c.Keys[0].Column == fk.Columns[0]))
            {
                Report(DiagnosticDescriptors.ForeignKeyWithoutIndex, table.ForeignKeyLocations[fk.Columns[0]],
                    $"{table.Name}.{fk.Columns[0]}", fk.ReferencedTable, table.Name, fk.Columns[0]);
            }
        }

        foreach (var (index, location) in table.Indexes)
        {
            if (index.Unique || index.Where is not null || index.Include.Count > 0 || index.Keys.Any(k => k.Kind != IndexKeyKind.Column))
            {
                continue;
            }

            var keys = index.Keys.Select(k => (k.Value, k.Descending)).ToList();
            var wider = candidates.FirstOrDefault(c => c.Name != index.Name && c.Keys.Count >= keys.Count && c.Keys.Take(keys.Count).SequenceEqual(keys) &&
                (c.Keys.Count > keys.Count || string.CompareOrdinal(c.Name, index.Name) < 0 || table.Uniques.Any(u => u.Model.Name == c.Name) || c.Name == table.PrimaryKey?.Name));
            if (wider.Name is not null)
            {
                Report(DiagnosticDescriptors.RedundantIndex, location, index.Name, string.Join(", ", keys.Select(k => k.Value)), wider.Name);
            }
        }
    }

    /// <summary>Index and constraint names share one namespace per database schema on both backends.</summary>
    private void CheckGlobalIndexNames(List<TableBuilder> tables)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            if (table.PrimaryKey is { } pk)
            {
                seen.Add(pk.Name);
            }
        }

        foreach (var table in tables)
        {
            foreach (var (unique, location) in table.Uniques.ToList())
            {
                if (!seen.Add(unique.Name))
                {
                    Report(DiagnosticDescriptors.DuplicateName, location, "Constraint or index name", unique.Name, string.Empty);
                    table.Uniques.RemoveAll(u => ReferenceEquals(u.Model, unique));
                }
            }
        }

        foreach (var table in tables)
        {
            foreach (var (index, location) in table.Indexes.ToList())
            {
                if (!seen.Add(index.Name))
                {
                    Report(DiagnosticDescriptors.DuplicateName, location, "Index name", index.Name, string.Empty);
                    table.Indexes.RemoveAll(i => ReferenceEquals(i.Model, index));
                }
            }
        }
    }
}
