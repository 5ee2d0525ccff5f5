using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Diff;

/// <summary>A kind of data a change would lose, with the name to list under <c>allowDataLoss</c>.</summary>
public sealed record DataLossItem(string Key, string Description);

/// <summary>A NOT NULL column that existing rows would have no value for.</summary>
public sealed record MissingValue(string Table, string Column, bool IsNew);

/// <summary>What moving from one version of the schema to another changes, independent of the backend.</summary>
public sealed class VersionChanges
{
    private VersionChanges(SchemaModel source, SchemaModel target, TableMapping mapping, bool isUpgrade)
    {
        Source = source;
        Target = target;
        Mapping = mapping;
        IsUpgrade = isUpgrade;
    }

    public SchemaModel Source { get; }

    public SchemaModel Target { get; }

    public TableMapping Mapping { get; }

    private IReadOnlyList<DownRestriction>? _downRestrictions;

    /// <summary>True for Up (target is the newer version): value maps, backfills and steps apply only then.</summary>
    public bool IsUpgrade { get; }

    public static VersionChanges Upgrade(SchemaModel source, SchemaModel target, TableMapping mapping) => new(source, target, mapping, true);

    public static VersionChanges Downgrade(SchemaModel source, SchemaModel target, TableMapping mapping) => new(source, target, mapping, false);

    public IEnumerable<TableModel> DroppedTables =>
        Source.Tables.Reverse().Where(t => Mapping.TargetTable(t.Name) is null);

    public IEnumerable<TableModel> NewTables => Target.Tables.Where(t => Mapping.SourceTable(t.Name) is null);

    /// <summary>Target tables that existed in the source, each with its source table.</summary>
    public IEnumerable<(TableModel Source, TableModel Target)> KeptTables =>
        Target.Tables.Where(t => Mapping.SourceTable(t.Name) is not null)
            .Select(t => (Source.Tables.First(s => s.Name == Mapping.SourceTable(t.Name)), t));

    public TableModel InTargetNames(TableModel sourceTable, TableModel targetTable) => Mapping.InTargetNames(sourceTable, targetTable.Name);

    /// <summary>
    /// How stored values of an enum column change in this move. Up applies the newer version's
    /// <c>valueMap</c>; Down undoes the entries that were renames (the new value did not exist before),
    /// while values merged into one that already existed stay merged.
    /// </summary>
    public IReadOnlyList<ValueMapping> ValueMap(ColumnModel targetColumn)
    {
        if (targetColumn.EnumName is not { } name)
        {
            return new List<ValueMapping>();
        }

        if (IsUpgrade)
        {
            return Target.Enums.FirstOrDefault(e => e.Name == name)?.ValueMap.ToList() ?? new List<ValueMapping>();
        }

        var older = Target.Enums.FirstOrDefault(e => e.Name == name);
        var newer = Source.Enums.FirstOrDefault(e => e.Name == name);
        if (older is null || newer is null)
        {
            return new List<ValueMapping>();
        }

        return newer.ValueMap
            .Where(m => older.Values.All(v => v.Value != m.New) && older.Values.Any(v => v.Value == m.Old))
            .Select(m => new ValueMapping(m.New, m.Old))
            .ToList();
    }

    /// <summary>The backfill to apply to a column in this move (upgrades only).</summary>
    public string? Backfill(ColumnModel targetColumn) => IsUpgrade ? targetColumn.Backfill : null;

    public IEnumerable<StepModel> Steps(bool before) => IsUpgrade ? Target.Steps.Where(s => s.Before == before) : Enumerable.Empty<StepModel>();

    /// <summary>
    /// Data an upgrade would lose. A downgrade loses none in this sense: it only drops the tables and columns
    /// the version added, and undoing what the version itself added is what going down means.
    /// </summary>
    public IReadOnlyList<DataLossItem> DataLoss()
    {
        var losses = new List<DataLossItem>();
        if (!IsUpgrade)
        {
            return losses;
        }

        foreach (var table in DroppedTables)
        {
            losses.Add(new DataLossItem(table.Name, $"drops table '{table.Name}' and its rows"));
        }

        foreach (var (source, target) in KeptTables)
        {
            foreach (var column in source.Columns.Where(c => Mapping.TargetColumn(target.Name, c.Name) is null))
            {
                losses.Add(new DataLossItem($"{source.Name}.{column.Name}", $"drops column '{source.Name}.{column.Name}' and its values"));
            }

            foreach (var column in target.Columns)
            {
                if (Mapping.SourceColumn(target.Name, column.Name) is { } sourceName &&
                    source.Columns.First(c => c.Name == sourceName) is var old &&
                    Narrows(old, column))
                {
                    losses.Add(new DataLossItem($"{target.Name}.{column.Name}",
                        $"narrows column '{target.Name}.{column.Name}' from {TypeText(old)} to {TypeText(column)}"));
                }
            }
        }

        foreach (var sourceEnum in Source.Enums)
        {
            if (Target.Enums.FirstOrDefault(e => e.Name == sourceEnum.Name) is not { } targetEnum)
            {
                continue;
            }

            foreach (var value in sourceEnum.Values.Where(v => targetEnum.Values.All(t => t.Value != v.Value) && targetEnum.ValueMap.All(m => m.Old != v.Value)))
            {
                losses.Add(new DataLossItem($"{sourceEnum.Name}.{value.Value}",
                    $"removes value '{value.Value}' from enum '{sourceEnum.Name}' without a 'valueMap' entry for the rows that hold it"));
            }
        }

        return losses;
    }

    /// <summary>Rules of the older version that a downgrade re-imposes on kept columns (empty for an upgrade).</summary>
    public IReadOnlyList<DownRestriction> DownRestrictions() => _downRestrictions ??= FindDownRestrictions();

    /// <summary>The restriction the downgrade re-imposes on a column of the target (older) table, if any.</summary>
    public DownRestriction? RestrictionOn(TableModel target, ColumnModel targetColumn) =>
        DownRestrictions().FirstOrDefault(r => r.OlderTable == target.Name && r.OlderColumn == targetColumn.Name);

    /// <summary>A stored value with a value map applied: old values read as their new ones.</summary>
    public static string Mapped(string value, IReadOnlyList<ValueMapping> map) =>
        map.Count == 0
            ? value
            : $"CASE {value} {string.Join(" ", map.Select(m => $"WHEN {Dialects.SqlText.Literal(m.Old)} THEN {Dialects.SqlText.Literal(m.New)}"))} ELSE {value} END";

    private IReadOnlyList<DownRestriction> FindDownRestrictions()
    {
        var restrictions = new List<DownRestriction>();
        if (IsUpgrade)
        {
            return restrictions;
        }

        foreach (var (newer, older) in KeptTables)
        {
            foreach (var olderColumn in older.Columns)
            {
                if (Mapping.SourceColumn(older.Name, olderColumn.Name) is not { } newerName)
                {
                    continue;
                }

                var newerColumn = newer.Columns.First(c => c.Name == newerName);
                var map = ValueMap(olderColumn);
                var newerValues = newerColumn.EnumName is { } newerEnum
                    ? Source.Enums.First(e => e.Name == newerEnum).Values.Select(v => map.FirstOrDefault(m => m.Old == v.Value)?.New ?? v.Value).ToList()
                    : null;
                var olderValues = olderColumn.EnumName is { } olderEnum ? Target.Enums.First(e => e.Name == olderEnum).Values.Select(v => v.Value).ToList() : null;
                var value = Mapped(Dialects.SqlText.Quote(newerName), map);
                if (DownRestriction.Between(newer.Name, newerColumn, older.Name, olderColumn, value, newerValues, olderValues, Target.Version) is { } restriction)
                {
                    restrictions.Add(restriction);
                }
            }
        }

        return restrictions;
    }

    /// <summary>NOT NULL columns existing rows would get no value for (upgrades; for a downgrade see <see cref="DownRestrictions"/>).</summary>
    public IReadOnlyList<MissingValue> MissingValues()
    {
        var missing = new List<MissingValue>();
        if (!IsUpgrade)
        {
            return missing;
        }

        foreach (var (source, target) in KeptTables)
        {
            foreach (var column in target.Columns.Where(c => !c.Nullable && c.Kind != ColumnKind.Id && c.Backfill is null))
            {
                var sourceName = Mapping.SourceColumn(target.Name, column.Name);
                if (sourceName is null && column.Default is null)
                {
                    missing.Add(new MissingValue(target.Name, column.Name, IsNew: true));
                }
                else if (sourceName is not null && source.Columns.First(c => c.Name == sourceName).Nullable)
                {
                    missing.Add(new MissingValue(target.Name, column.Name, IsNew: false));
                }
            }
        }

        return missing;
    }

    /// <summary>Whether some value of <paramref name="from"/> cannot be stored unchanged in <paramref name="to"/>.</summary>
    public static bool Narrows(ColumnModel from, ColumnModel to)
    {
        if (to.MaxLength is { } limit && (from.Kind != ColumnKind.Text || from.MaxLength is not { } before || limit < before))
        {
            return true;
        }

        if (to.Kind == ColumnKind.Decimal)
        {
            // Digits a value may have before the point, and after it.
            var whole = from.Kind switch
            {
                ColumnKind.Decimal => from.Precision - from.Scale,
                ColumnKind.SmallInt => 5,
                ColumnKind.Integer => 10,
                ColumnKind.Boolean => 1,
                _ => int.MaxValue,
            };
            var fraction = from.Kind == ColumnKind.Decimal ? from.Scale : 0;
            return whole > to.Precision - to.Scale || fraction > to.Scale;
        }

        return from.Kind != to.Kind && !IsWidening(from.Kind, to.Kind);
    }

    /// <summary>The column's type as schema.yaml spells it, with its size.</summary>
    public static string TypeText(ColumnModel column) => column.Kind switch
    {
        ColumnKind.Decimal => $"decimal({column.Precision},{column.Scale})",
        ColumnKind.Text when column.MaxLength is { } n => $"text (maxLength {n})",
        _ => column.Kind.ToString().ToLowerInvariant(),
    };

    private static bool IsWidening(ColumnKind from, ColumnKind to) => (from, to) switch
    {
        (ColumnKind.SmallInt, ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real) => true,
        (ColumnKind.Boolean, ColumnKind.SmallInt) => true,
        (ColumnKind.Integer, ColumnKind.BigInt or ColumnKind.Real) => true,
        (ColumnKind.Boolean, ColumnKind.Integer or ColumnKind.BigInt) => true,
        (ColumnKind.Id, ColumnKind.BigInt) => true,
        (ColumnKind.Enum, ColumnKind.Text) => true,
        (_, ColumnKind.Text) when from is not (ColumnKind.Blob) => true,
        _ => false,
    };
}
