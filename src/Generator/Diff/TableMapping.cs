using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Diff;

/// <summary>
/// Which table and column of the source version each table and column of the target version comes
/// from: the same name, or a declared rename. Nothing is ever matched by guessing.
/// </summary>
public sealed class TableMapping
{
    private readonly Dictionary<string, string> _sourceTableOf = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Table, string Column), string> _sourceColumnOf = new();

    /// <summary>Target table name → source table name, for every target table that existed before.</summary>
    public IReadOnlyDictionary<string, string> SourceTableOf => _sourceTableOf;

    public string? SourceTable(string targetTable) => _sourceTableOf.TryGetValue(targetTable, out var source) ? source : null;

    public string? SourceColumn(string targetTable, string targetColumn) =>
        _sourceColumnOf.TryGetValue((targetTable, targetColumn), out var source) ? source : null;

    public string? TargetTable(string sourceTable) => _sourceTableOf.FirstOrDefault(p => p.Value == sourceTable).Key;

    public string? TargetColumn(string targetTable, string sourceColumn) =>
        _sourceColumnOf.FirstOrDefault(p => p.Key.Table == targetTable && p.Value == sourceColumn).Key.Column;

    /// <summary>
    /// Maps target to source through the target's <c>renamedFrom</c> declarations. A rename whose old name
    /// the source lacks is returned in <paramref name="unknownRenames"/> (key: "table:t" or "column:t.c").
    /// </summary>
    public static TableMapping ForUpgrade(SchemaModel source, SchemaModel target, List<string> unknownRenames)
    {
        var mapping = new TableMapping();
        var sourceTables = source.Tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var table in target.Tables)
        {
            TableModel? from = null;
            if (sourceTables.TryGetValue(table.Name, out var same))
            {
                from = same; // a stale renamedFrom from an earlier version is ignored
            }
            else if (table.RenamedFrom is { } old)
            {
                if (sourceTables.TryGetValue(old, out var renamed) && target.Tables.All(t => t.Name != old))
                {
                    from = renamed;
                }
                else
                {
                    unknownRenames.Add($"table:{table.Name}");
                }
            }

            if (from is null)
            {
                continue;
            }

            mapping._sourceTableOf[table.Name] = from.Name;
            var sourceColumns = from.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
            foreach (var column in table.Columns)
            {
                if (sourceColumns.ContainsKey(column.Name))
                {
                    mapping._sourceColumnOf[(table.Name, column.Name)] = column.Name;
                }
                else if (column.RenamedFrom is { } oldColumn)
                {
                    if (sourceColumns.ContainsKey(oldColumn) && table.Columns.All(c => c.Name != oldColumn))
                    {
                        mapping._sourceColumnOf[(table.Name, column.Name)] = oldColumn;
                    }
                    else
                    {
                        unknownRenames.Add($"column:{table.Name}.{column.Name}");
                    }
                }
            }
        }

        return mapping;
    }

    /// <summary>The same correspondence seen from the other side, for a downgrade.</summary>
    public TableMapping Invert()
    {
        var inverted = new TableMapping();
        foreach (var pair in _sourceTableOf)
        {
            inverted._sourceTableOf[pair.Value] = pair.Key;
        }

        foreach (var pair in _sourceColumnOf)
        {
            inverted._sourceColumnOf[(_sourceTableOf[pair.Key.Table], pair.Value)] = pair.Key.Column;
        }

        return inverted;
    }

    /// <summary>
    /// The source table written with target names (table, columns, referenced tables and columns,
    /// expressions), keeping its own constraint and index names: what is left to compare is what changed.
    /// </summary>
    public TableModel InTargetNames(TableModel sourceTable, string targetTable)
    {
        string Column(string name) => TargetColumn(targetTable, name) ?? name;
        string Expression(string sql) => sourceTable.Columns.Aggregate(sql, (text, c) =>
            Column(c.Name) == c.Name ? text : text.Replace(Dialects.SqlText.Quote(c.Name), Dialects.SqlText.Quote(Column(c.Name))));
        EquatableArray<string> Columns(IEnumerable<string> names) => names.Select(Column).ToEquatableArray();

        string ReferencedColumn(string table, string column)
        {
            var target = TargetTable(table);
            return target is null ? column : TargetColumn(target, column) ?? column;
        }

        CheckRule Rule(CheckRule rule) => rule is ExpressionRule e
            ? new ExpressionRule(e.Portable is null ? null : Expression(e.Portable), e.Sqlite, e.Postgres)
            : rule;

        return sourceTable with
        {
            Name = targetTable,
            Columns = sourceTable.Columns.Select(c => c with { Name = Column(c.Name), Backfill = null, DownBackfill = null, DownRefuses = false, RenamedFrom = null }).ToEquatableArray(),
            PrimaryKey = sourceTable.PrimaryKey with { Columns = Columns(sourceTable.PrimaryKey.Columns) },
            Uniques = sourceTable.Uniques.Select(u => u with { Columns = Columns(u.Columns) }).ToEquatableArray(),
            ForeignKeys = sourceTable.ForeignKeys.Select(fk => fk with
            {
                Columns = Columns(fk.Columns),
                ReferencedTable = TargetTable(fk.ReferencedTable) ?? fk.ReferencedTable,
                ReferencedColumns = fk.ReferencedColumns.Select(c => ReferencedColumn(fk.ReferencedTable, c)).ToEquatableArray(),
            }).ToEquatableArray(),
            Checks = sourceTable.Checks.Select(c => c with { Column = c.Column is null ? null : Column(c.Column), Rule = Rule(c.Rule) }).ToEquatableArray(),
            Indexes = sourceTable.Indexes.Select(i => i with
            {
                Keys = i.Keys.Select(k => k with { Value = k.Kind == IndexKeyKind.Expression ? Expression(k.Value) : Column(k.Value) }).ToEquatableArray(),
                Where = i.Where is null ? null : Expression(i.Where),
                Include = Columns(i.Include),
            }).ToEquatableArray(),
            StateMachines = sourceTable.StateMachines.Select(m => m with { Column = Column(m.Column) }).ToEquatableArray(),
            RenamedFrom = null,
        };
    }
}
