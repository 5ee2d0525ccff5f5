using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Diff;

/// <summary>
/// A rule of the older version that the newer one relaxed on a column a downgrade keeps: NOT NULL again,
/// enum values the older version lacks, a narrower type. Going down, rows that break it take the newer
/// column's <c>downBackfill</c>, or block the downgrade. SQL is written in the newer version's names:
/// the downgrade starts from them.
/// </summary>
public sealed class DownRestriction
{
    private readonly IReadOnlyList<Func<string, string>> _breaks;

    private DownRestriction(string table, ColumnModel column, string olderTable, string olderColumn, string value,
        IReadOnlyList<string> refused, IReadOnlyList<Func<string, string>> breaks)
    {
        Table = table;
        Column = column;
        OlderTable = olderTable;
        OlderColumn = olderColumn;
        Value = value;
        Refused = string.Join(" or ", refused);
        _breaks = breaks;
    }

    /// <summary>The table in the newer version.</summary>
    public string Table { get; }

    /// <summary>The column in the newer version, where <c>downBackfill</c> is declared.</summary>
    public ColumnModel Column { get; }

    public string OlderTable { get; }

    public string OlderColumn { get; }

    /// <summary>The stored value as the older version reads it (renamed enum values mapped back).</summary>
    public string Value { get; }

    /// <summary>What the older version refuses, in words: "NULL", "a value outside the integer range", ...</summary>
    public string Refused { get; }

    public bool IsDeclared => Column.DownBackfill is not null || Column.DownRefuses;

    /// <summary>The condition under which <paramref name="value"/> breaks the older version's rule.</summary>
    public string Breaks(string value) =>
        _breaks.Count == 1 ? _breaks[0](value) : "(" + string.Join(" OR ", _breaks.Select(b => b(value))) + ")";

    /// <summary>The value the downgrade writes: the <c>downBackfill</c> where the rule breaks, else the stored value.</summary>
    public string Restored => Column.DownBackfill is { } sql ? $"CASE WHEN {Breaks(Value)} THEN {sql} ELSE {Value} END" : Value;

    /// <summary>
    /// A query, the same on both backends, that returns a message naming the table, the column, how many rows
    /// block the downgrade and what to declare, or no row when nothing blocks it.
    /// </summary>
    public string GuardQuery(int newer, int older)
    {
        var qualified = $"{Table}.{Column.Name}";
        var newerText = newer.ToString(CultureInfo.InvariantCulture);
        var olderText = older.ToString(CultureInfo.InvariantCulture);
        var remedy = Column.DownRefuses
            ? $"Version {newerText} declares 'downBackfill: refuse' for column '{qualified}': change or delete these rows first."
            : Column.DownBackfill is not null
                ? $"Its 'downBackfill' leaves them so: change the 'downBackfill' of column '{qualified}' in version {newerText}, or change these rows first."
                : $"Declare 'downBackfill' on column '{qualified}' in version {newerText} (an expression giving these rows a value on the way down), or change these rows first.";
        var before = $"Cannot go down from version {newerText} to {olderText}: column '{Column.Name}' of table '{Table}' would hold {Refused} in ";
        var after = $", which version {olderText} does not allow. {remedy}";
        return $"SELECT {SqlText.Literal(before)} || count(*) || CASE WHEN count(*) = 1 THEN ' row' ELSE ' rows' END || {SqlText.Literal(after)} " +
               $"FROM {SqlText.Quote(Table)} WHERE {Breaks(Restored)} HAVING count(*) > 0";
    }

    /// <summary>The restriction going from <paramref name="newer"/> back to <paramref name="older"/>, or null when the older rules hold every value.</summary>
    internal static DownRestriction? Between(string table, ColumnModel newer, string olderTable, ColumnModel older, string value,
        IReadOnlyList<string>? newerValues, IReadOnlyList<string>? olderValues, int olderVersion)
    {
        var refused = new List<string>();
        var breaks = new List<Func<string, string>>();
        if (newer.Nullable && !older.Nullable)
        {
            refused.Add("NULL");
            breaks.Add(v => $"{v} IS NULL");
        }

        if (olderValues is not null && (newerValues is null || newerValues.Any(v => !olderValues.Contains(v))))
        {
            var list = string.Join(", ", olderValues.Select(SqlText.Literal));
            refused.Add($"a value outside enum '{older.EnumName}' of version {olderVersion.ToString(CultureInfo.InvariantCulture)}");
            breaks.Add(v => $"{v} NOT IN ({list})");
        }

        if (older.Kind != newer.Kind)
        {
            if (older.Kind is ColumnKind.Integer or ColumnKind.BigInt && newer.Kind == ColumnKind.Real)
            {
                refused.Add("a fractional value");
                breaks.Add(v => $"{v} <> round({v})");
            }

            if (older.Kind == ColumnKind.Integer && newer.Kind is ColumnKind.BigInt or ColumnKind.Id or ColumnKind.Real)
            {
                refused.Add("a value outside the integer range");
                breaks.Add(v => $"{v} NOT BETWEEN {int.MinValue.ToString(CultureInfo.InvariantCulture)} AND {int.MaxValue.ToString(CultureInfo.InvariantCulture)}");
            }

            if (older.Kind == ColumnKind.Boolean && newer.Kind is ColumnKind.Integer or ColumnKind.BigInt)
            {
                refused.Add("a value other than 0 and 1");
                breaks.Add(v => $"{v} NOT IN (0, 1)");
            }
        }

        return breaks.Count == 0 ? null : new DownRestriction(table, newer, olderTable, older.Name, value, refused, breaks);
    }
}
