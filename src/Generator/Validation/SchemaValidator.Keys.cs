using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// Keys: primary keys, unique constraints, foreign keys and their actions, and table order by dependency.
public sealed partial class SchemaValidator
{
    private static readonly string[] ActionNames = { "noAction", "restrict", "cascade", "setNull", "setDefault" };

    private void BuildPrimaryKey(TableBuilder table)
    {
        var syntax = table.Syntax;
        var idColumns = table.Columns.Where(c => c.Model.Kind == ColumnKind.Id).ToList();
        var marked = table.Columns.Where(c => c.IsPrimaryKey).ToList();
        if (idColumns.Count > 1 || (idColumns.Count == 1 && (marked.Count > 1 || syntax.PrimaryKey is not null)))
        {
            var offender = idColumns.Count > 1 ? idColumns[1] : idColumns[0];
            Report(DiagnosticDescriptors.IdTypeNotSolePrimaryKey, offender.Syntax.Type!.Location, $"{table.Name}.{offender.Model.Name}");
            return;
        }

        var name = Names.Fit($"pk_{table.Name}");
        var keyNames = syntax.PrimaryKey?.Select(t => t.Value).ToList() ?? marked.Select(c => c.Model.Name).ToList();
        foreach (var nullableKey in table.Columns.Where(c => c.Model.Nullable && c.Syntax.Nullable is not null && keyNames.Contains(c.Model.Name)))
        {
            Report(DiagnosticDescriptors.InvalidValue, nullableKey.Syntax.Nullable!.Location, "true",
                $"'nullable' of primary key column '{table.Name}.{nullableKey.Model.Name}'", "false: a primary key column is never null");
            return;
        }

        if (syntax.PrimaryKey is { } listed)
        {
            if (marked.Count > 0)
            {
                Report(DiagnosticDescriptors.InvalidValue, marked[0].Syntax.PrimaryKey!.Location, "primaryKey",
                    $"column '{table.Name}.{marked[0].Model.Name}'", $"no column-level primaryKey when table '{table.Name}' lists 'primaryKey'");
                return;
            }

            if (listed.Count == 0)
            {
                Report(DiagnosticDescriptors.EmptyIndex, syntax.PrimaryKeyLocation!, "The primary key", table.Name);
                return;
            }

            var columns = ResolveColumns(table, listed, "The primary key");
            if (columns is not null)
            {
                table.PrimaryKey = new PrimaryKeyModel(name, columns.ToEquatableArray(), IsIdentity: false);
            }

            return;
        }

        if (marked.Count == 0)
        {
            Report(DiagnosticDescriptors.MissingPrimaryKey, syntax.Name.Location, table.Name);
            return;
        }

        table.PrimaryKey = new PrimaryKeyModel(name, marked.Select(c => c.Model.Name).ToEquatableArray(), IsIdentity: idColumns.Count == 1);
    }

    private void BuildUniques(TableBuilder table)
    {
        foreach (var column in table.Columns.Where(c => c.IsUnique))
        {
            table.Uniques.Add((new UniqueModel(Names.Fit($"uq_{table.Name}_{column.Model.Name}"), new[] { column.Model.Name }.ToEquatableArray()),
                column.Syntax.Unique!.Location));
        }

        foreach (var key in table.Syntax.Uniques)
        {
            if (key.Columns.Count == 0)
            {
                Report(DiagnosticDescriptors.EmptyIndex, key.Location, "A unique constraint", table.Name);
                continue;
            }

            var columns = ResolveColumns(table, key.Columns, "A unique constraint");
            if (columns is null)
            {
                continue;
            }

            var name = key.Name is { } nameToken && CheckIdentifier(nameToken, "constraint")
                ? nameToken.Value
                : Names.Fit($"uq_{table.Name}_{string.Join("_", columns)}");
            table.Uniques.Add((new UniqueModel(name, columns.ToEquatableArray()), key.Name?.Location ?? key.Location));
        }
    }

    private void ResolveForeignKeys(TableBuilder table, Dictionary<string, TableBuilder> tables, HashSet<string> declaredTables)
    {
        foreach (var column in table.Columns)
        {
            var syntax = column.Syntax;
            if (syntax.References is not { } reference)
            {
                foreach (var (stray, actionKey) in new[] { (syntax.OnDelete, "onDelete"), (syntax.OnUpdate, "onUpdate") })
                {
                    if (stray is not null)
                    {
                        Report(DiagnosticDescriptors.InvalidValue, stray.Location, stray.Value,
                            $"'{actionKey}' of column '{table.Name}.{column.Model.Name}'", "'references' beside it: an action needs a foreign key");
                    }
                }

                continue;
            }

            var qualified = $"{table.Name}.{column.Model.Name}";
            var parts = reference.Value.Split('.');
            if (parts.Length > 2 || parts.Any(p => p.Length == 0))
            {
                Report(DiagnosticDescriptors.InvalidValue, reference.Location, reference.Value, $"'references' of column '{qualified}'", "'table' or 'table.column'");
                continue;
            }

            if (!tables.TryGetValue(parts[0], out var target))
            {
                if (!declaredTables.Contains(parts[0]))
                {
                    Report(DiagnosticDescriptors.MissingTable, reference.Location, $"Column '{qualified}'", parts[0]);
                }

                continue; // a declared but invalid table was reported where it is declared
            }

            string targetColumnName;
            if (parts.Length == 2)
            {
                targetColumnName = parts[1];
            }
            else if (target.PrimaryKey is { Columns.Count: 1 } pk)
            {
                targetColumnName = pk.Columns[0];
            }
            else
            {
                Report(DiagnosticDescriptors.ForeignKeyTargetNotKey, reference.Location, qualified, parts[0]);
                continue;
            }

            if (target.Column(targetColumnName) is not { } targetColumn)
            {
                Report(DiagnosticDescriptors.MissingColumn, reference.Location, $"Column '{qualified}'", targetColumnName, target.Name);
                continue;
            }

            var isKey = (target.PrimaryKey is { Columns.Count: 1 } key && key.Columns[0] == targetColumnName) ||
                        target.Uniques.Any(u => u.Model.Columns.Count == 1 && u.Model.Columns[0] == targetColumnName);
            if (!isKey)
            {
                Report(DiagnosticDescriptors.ForeignKeyTargetNotKey, reference.Location, qualified, $"{target.Name}.{targetColumnName}");
                continue;
            }

            var expectedKind = targetColumn.Model.Kind == ColumnKind.Id ? ColumnKind.BigInt : targetColumn.Model.Kind;
            if (column.Model.Kind != expectedKind || column.Model.EnumName != targetColumn.Model.EnumName)
            {
                var expected = expectedKind == ColumnKind.BigInt ? "bigint" : targetColumn.Syntax.Type!.Value;
                Report(DiagnosticDescriptors.ForeignKeyTypeMismatch, syntax.Type!.Location,
                    qualified, syntax.Type.Value, $"{target.Name}.{targetColumnName}", targetColumn.Syntax.Type!.Value, expected);
                continue;
            }

            var onDelete = Action(syntax.OnDelete, column, "Delete");
            var onUpdate = Action(syntax.OnUpdate, column, "Update");
            if (onDelete is null || onUpdate is null)
            {
                continue;
            }

            table.ForeignKeyLocations[column.Model.Name] = reference.Location;
            table.ForeignKeys.Add(new ForeignKeyModel(
                Names.Fit($"fk_{table.Name}_{column.Model.Name}"),
                new[] { column.Model.Name }.ToEquatableArray(),
                target.Name,
                new[] { targetColumnName }.ToEquatableArray(),
                onDelete.Value,
                onUpdate.Value));
        }
    }

    private ReferentialAction? Action(Token? token, ColumnBuilder column, string which)
    {
        if (token is null)
        {
            return ReferentialAction.NoAction;
        }

        var index = Array.IndexOf(ActionNames, token.Value);
        if (index < 0)
        {
            Report(DiagnosticDescriptors.InvalidValue, token.Location, token.Value, $"'on{which}'", string.Join(", ", ActionNames));
            return null;
        }

        var action = (ReferentialAction)index;
        if (action == ReferentialAction.SetNull && !column.Model.Nullable)
        {
            Report(DiagnosticDescriptors.SetNullOnRequiredColumn, token.Location, column.Model.Name, which);
            return null;
        }

        if (action == ReferentialAction.SetDefault && !column.Model.Nullable && column.Model.Default is null)
        {
            Report(DiagnosticDescriptors.SetDefaultWithoutDefault, token.Location, column.Model.Name, which);
            return null;
        }

        return action;
    }

    /// <summary>Parents before children (self-references aside), otherwise in the order written.</summary>
    private List<TableBuilder> OrderByDependencies(List<TableBuilder> tables)
    {
        var ordered = new List<TableBuilder>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var remaining = new List<TableBuilder>(tables);
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(t => t.ForeignKeys.All(fk => fk.ReferencedTable == t.Name || placed.Contains(fk.ReferencedTable)));
            if (next is null)
            {
                var cycle = string.Join(", ", remaining.Select(t => $"'{t.Name}'"));
                Report(DiagnosticDescriptors.ForeignKeyCycle, remaining[0].Syntax.Name.Location, cycle);
                ordered.AddRange(remaining);
                break;
            }

            ordered.Add(next);
            placed.Add(next.Name);
            remaining.Remove(next);
        }

        return ordered;
    }
}
