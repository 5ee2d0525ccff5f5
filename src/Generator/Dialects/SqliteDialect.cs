using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Dialects;

/// <summary>
/// SQLite: STRICT tables so declared types are enforced; booleans are 0/1 integers, timestamps are
/// UTC text (sortable), JSON is text checked by json_valid; rules beyond CHECK are triggers.
/// </summary>
public sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();

    // Same shape Microsoft.Data.Sqlite writes for a UTC DateTimeOffset, so stored values sort as text.
    private const string Now = "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')";

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
        JsonValidRule => $"json_valid({quotedColumn})",
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
                $"    SELECT RAISE(ABORT, '{label}: cannot insert in state ''' || NEW.{column} || '''; initial states: {string.Join(", ", machine.Initial)}');\n" +
                "END";

            var allowed = machine.Transitions.Count == 0
                ? string.Empty
                : $" AND (OLD.{column}, NEW.{column}) NOT IN (VALUES {string.Join(", ", machine.Transitions.Select(t => $"({SqlText.Literal(t.From)}, {SqlText.Literal(t.To)})"))})";
            yield return
                $"CREATE TRIGGER {SqlText.Quote(machine.TransitionTriggerName(table.Name))} BEFORE UPDATE OF {column} ON {quotedTable} FOR EACH ROW\n" +
                $"WHEN OLD.{column} IS NOT NEW.{column}{allowed}\n" +
                "BEGIN\n" +
                $"    SELECT RAISE(ABORT, '{label}: illegal transition from ''' || OLD.{column} || ''' to ''' || NEW.{column} || '''');\n" +
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
