using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Dialects;

/// <summary>
/// SQLite: STRICT tables so declared types are enforced; booleans are 0/1 integers, timestamps are
/// UTC text of one fixed width (sortable, comparable with =), JSON is text checked by json_valid; rules
/// beyond CHECK are triggers. Every statement parses on SQLite 3.37.2, so older shells open the file.
/// </summary>
public sealed partial class SqliteDialect : ISqlDialect
{
    /// <summary>The SQL this generator writes.</summary>
    public static readonly SqliteDialect Instance = new(legacy: false);

    /// <summary>
    /// The SQL of earlier generators: trigger messages built with || (SQLite before 3.41 cannot parse a
    /// RAISE message that is not a literal), json_valid checks that refuse NULL before SQLite 3.45, and
    /// millisecond timestamps. Versions frozen with it keep it.
    /// </summary>
    public static readonly SqliteDialect Legacy = new(legacy: true);

    /// <summary>The one timestamp text form, as a .NET format string: UTC, microseconds, fixed width.</summary>
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.ffffff+00:00";

    private readonly bool _legacy;

    private SqliteDialect(bool legacy) => _legacy = legacy;

    /// <summary>Newest first: the forms a frozen version's recorded checksum may have been computed with.</summary>
    public static IReadOnlyList<SqliteDialect> Forms { get; } = new[] { Instance, Legacy };

    // SQLite's clock has millisecond resolution; three padding zeros keep the canonical width and shape.
    private string Now => _legacy
        ? "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')"
        : "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000+00:00'";

    public string MigratorDatabaseType => "SQLite";

    public string Name => "Sqlite";

    public string TableOptions => " STRICT";

    public bool SupportsInclude => false;

    public string ColumnType(ColumnModel column) => column.Kind switch
    {
        // With its inline PRIMARY KEY an INTEGER column is the rowid: assigned by SQLite, no extra index.
        ColumnKind.Id => "INTEGER",
        // A decimal is stored scaled by 10^scale: exact, sorts and sums as an integer (see docs/schema-format.md).
        ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Boolean or ColumnKind.SmallInt or ColumnKind.Decimal => "INTEGER",
        ColumnKind.Real => "REAL",
        ColumnKind.Blob => "BLOB",
        _ => "TEXT",
    };

    public string Default(DefaultModel value) => value.Kind switch
    {
        DefaultKind.Number => value.Value,
        DefaultKind.Boolean => value.Value == "true" ? "1" : "0",
        DefaultKind.Now => $"({Now})",
        DefaultKind.Decimal => StoredDecimal.Scaled(value.Value),
        DefaultKind.RandomUuid => $"({RandomUuid})",
        _ => SqlText.Literal(value.Value),
    };

    public string? Check(string? quotedColumn, CheckRule rule) => rule switch
    {
        InListRule inList => SqlText.InList(quotedColumn!, inList),
        RangeRule { Scale: > 0 } decimalRange => SqlText.Range(quotedColumn!, decimalRange with { Min = Scaled(decimalRange.Min), Max = Scaled(decimalRange.Max) }),
        RangeRule range => SqlText.Range(quotedColumn!, range),
        StoredFormRule form => StoredForm(quotedColumn!, form),
        MaxLengthRule length => SqlText.MaxLength(quotedColumn!, length),
        BooleanRule => $"{quotedColumn} IN (0, 1)",
        // Before SQLite 3.45 json_valid(NULL) is 0, not NULL: without the IS NULL test an older SQLite
        // refuses a NULL in a nullable JSON column and integrity_check reports every such row.
        JsonValidRule => _legacy ? $"json_valid({quotedColumn})" : $"{quotedColumn} IS NULL OR json_valid({quotedColumn})",
        JsonShapeRule shape => $"json_type({quotedColumn}) = {SqlText.Literal(shape.Shape)}",
        JsonKeysRule keys => string.Join(" AND ", keys.Keys.Select(k => $"json_type({quotedColumn}, {SqlText.Literal($"$.\"{k}\"")}) IS NOT NULL")),
        ExpressionRule expression => expression.Sqlite ?? expression.Portable,
        _ => null,
    };

    // The entity binds a decimal as text with exactly its scale's digits: dropping the point gives the stored integer.
    public string InsertValue(ColumnModel column, string parameter) =>
        column.Kind == ColumnKind.Decimal ? $"CAST(replace({parameter}, '.', '') AS INTEGER)" : parameter;

    // An INTEGER PRIMARY KEY given NULL takes the next rowid, and an explicit one moves the next past it.
    public string IdentityInsert(TableModel table, string insert) => insert;

    public string IdentityValue(TableModel table, string parameter) => parameter;

    // SQLite 3.46+ plans with the value bound to a bare `LIMIT @p` and then re-prepares the statement every time
    // the parameter is bound again, which Microsoft.Data.Sqlite does on every execution (measured: +13 µs on a
    // 10-row routing read, 60 % of it). A cast hides the value from the planner; the plan stays the same.
    private static readonly Regex BareLimitParameter = new(@"\b(LIMIT\s+)(@[A-Za-z_][A-Za-z0-9_]*)\b(?!\s*[-+*/|(.])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public string QueryText(string sql) => BareLimitParameter.Replace(sql, "$1CAST($2 AS INTEGER)");

    // No bulk protocol: one prepared INSERT reused inside one transaction is SQLite's fastest load.
    public string? BulkInsert(TableModel table, string quotedColumns) => null;

    public string JsonPath(string quotedColumn, EquatableArray<string> path) =>
        $"json_extract({quotedColumn}, {SqlText.Literal("$." + string.Join(".", path))})";

    public IEnumerable<string> Triggers(TableModel table)
    {
        var quotedTable = SqlText.Quote(table.Name);
        foreach (var machine in table.StateMachines)
        {
            var column = SqlText.Quote(machine.Column);
            var label = $"{table.Name}.{machine.Column}";
            yield return
                $"CREATE TRIGGER {SqlText.Quote(machine.InsertTriggerName(table.Name))} BEFORE INSERT ON {quotedTable} FOR EACH ROW\n" +
                $"WHEN NEW.{column} NOT IN ({string.Join(", ", machine.Initial.Select(SqlText.Literal))})\n" +
                "BEGIN\n" +
                $"    SELECT {InsertFailure(machine, label, column)};\n" +
                "END";

            var allowed = machine.Transitions.Count == 0
                ? string.Empty
                : $" AND (OLD.{column}, NEW.{column}) NOT IN (VALUES {string.Join(", ", machine.Transitions.Select(t => $"({SqlText.Literal(t.From)}, {SqlText.Literal(t.To)})"))})";
            yield return
                $"CREATE TRIGGER {SqlText.Quote(machine.TransitionTriggerName(table.Name))} BEFORE UPDATE OF {column} ON {quotedTable} FOR EACH ROW\n" +
                $"WHEN OLD.{column} IS NOT NEW.{column}{allowed}\n" +
                "BEGIN\n" +
                $"    SELECT {TransitionFailure(machine, label, column)};\n" +
                "END";
        }

        var touched = table.AutoUpdateColumns.ToList();
        if (touched.Count > 0)
        {
            // An AFTER trigger that updates its own row: SQLite runs it once, since recursive triggers are off.
            yield return
                $"CREATE TRIGGER {SqlText.Quote(table.TouchTriggerName)} AFTER UPDATE ON {quotedTable} FOR EACH ROW\n" +
                "BEGIN\n" +
                $"    UPDATE {quotedTable} SET {string.Join(", ", touched.Select(c => $"{SqlText.Quote(c.Name)} = {Now}"))} WHERE rowid = NEW.rowid;\n" +
                "END";
        }
    }

    /// <summary>
    /// The value in this form's timestamp text, for rows copied from a table written in another form:
    /// UTC text of 0 to 7 fractional digits becomes six (cut); anything else is copied as it is.
    /// </summary>
    public string RewriteTimestamp(string value)
    {
        if (_legacy)
        {
            return value;
        }

        var fraction = $"CASE WHEN substr({value}, 20, 1) = '.' THEN substr({value}, 21, length({value}) - 26) ELSE '' END";
        return $"CASE WHEN {value} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*+00:00' " +
               $"AND length({value}) BETWEEN 25 AND 33 AND {fraction} NOT GLOB '*[^0-9]*' " +
               $"THEN substr({value}, 1, 19) || '.' || substr({fraction} || '000000', 1, 6) || '+00:00' ELSE {value} END";
    }

    // RAISE takes only a literal message before SQLite 3.41, so a CASE picks one constant message per
    // refused state (insert) or per forbidden pair (transition). ELSE covers values outside the enum,
    // which its CHECK would refuse next anyway.
    private string InsertFailure(StateMachineModel machine, string label, string column)
    {
        var initial = string.Join(", ", machine.Initial);
        if (_legacy)
        {
            return $"RAISE(ABORT, '{label}: cannot insert in state ''' || NEW.{column} || '''; initial states: {initial}')";
        }

        var cases = machine.States.Where(state => !machine.Initial.Contains(state))
            .Select(state => $"        WHEN {SqlText.Literal(state)} THEN {Raise($"{label}: cannot insert in state '{state}'; initial states: {initial}")}\n");
        return $"CASE NEW.{column}\n{string.Concat(cases)}" +
               $"        ELSE {Raise($"{label}: cannot insert in a state outside enum {machine.EnumName}; initial states: {initial}")}\n    END";
    }

    private string TransitionFailure(StateMachineModel machine, string label, string column)
    {
        if (_legacy)
        {
            return $"RAISE(ABORT, '{label}: illegal transition from ''' || OLD.{column} || ''' to ''' || NEW.{column} || '''')";
        }

        var cases = machine.States
            .SelectMany(from => machine.States.Select(to => new TransitionModel(from, to)))
            .Where(pair => pair.From != pair.To && !machine.Transitions.Contains(pair))
            .Select(pair => $"        WHEN OLD.{column} = {SqlText.Literal(pair.From)} AND NEW.{column} = {SqlText.Literal(pair.To)} " +
                            $"THEN {Raise($"{label}: illegal transition from '{pair.From}' to '{pair.To}'")}\n");
        return $"CASE\n{string.Concat(cases)}" +
               $"        ELSE {Raise($"{label}: illegal transition to or from a state outside enum {machine.EnumName}")}\n    END";
    }

    private static string Raise(string message) => $"RAISE(ABORT, {SqlText.Literal(message)})";

    public IEnumerable<string> TriggerNames(TableModel table) =>
        table.StateMachines.SelectMany(m => new[] { m.InsertTriggerName(table.Name), m.TransitionTriggerName(table.Name) })
            .Concat(table.AutoUpdateColumns.Any() ? new[] { table.TouchTriggerName } : new string[0]);

    public IEnumerable<string> DropLeftovers(TableModel table) => Enumerable.Empty<string>();

    // A version 4 UUID in canonical lower-case form: 122 random bits, version nibble 4, variant 8-b.
    private const string RandomUuid =
        "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || " +
        "substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))";

    private static string? Scaled(string? bound) => bound is null ? null : StoredDecimal.Scaled(bound);

    // Without the native types, the stored text or integer must be in the one form every reader expects.
    private static string? StoredForm(string column, StoredFormRule rule) => rule.Kind switch
    {
        ColumnKind.SmallInt => $"{column} BETWEEN -32768 AND 32767",
        ColumnKind.Decimal => $"{column} BETWEEN -{StoredDecimal.Largest(rule.Precision)} AND {StoredDecimal.Largest(rule.Precision)}",
        // date() accepts 2024-02-30 as written; a +0 modifier normalizes it, so only real dates compare equal.
        // IS, not =: an impossible date gives NULL, which a CHECK would let through.
        ColumnKind.Date => $"{column} GLOB '{Digits(4)}-{Digits(2)}-{Digits(2)}' AND date({column}, '+0 days') IS {column}",
        ColumnKind.Time => $"{column} GLOB '{Digits(2)}:{Digits(2)}:{Digits(2)}.{Digits(6)}' AND time(substr({column}, 1, 8), '+0 seconds') IS substr({column}, 1, 8)",
        ColumnKind.Uuid => $"{column} GLOB '{Hex(8)}-{Hex(4)}-{Hex(4)}-{Hex(4)}-{Hex(12)}'",
        _ => null,
    };

    private static string Digits(int count) => string.Concat(Enumerable.Repeat("[0-9]", count));

    private static string Hex(int count) => string.Concat(Enumerable.Repeat("[0-9a-f]", count));
}
