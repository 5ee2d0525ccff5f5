using AgentHive.Generator.Model;

namespace AgentHive.Generator.Dialects;

/// <summary>
/// SQLite: STRICT tables so declared types are enforced; booleans are 0/1 integers, timestamps are
/// UTC text (sortable), JSON is text checked by json_valid.
/// </summary>
public sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public string MigratorDatabaseType => "SQLite";

    public string Name => "Sqlite";

    public string TableOptions => " STRICT";

    public string ColumnType(ColumnModel column) => column.Kind switch
    {
        // With its inline PRIMARY KEY an INTEGER column is the rowid: assigned by SQLite, no extra index.
        ColumnKind.Id => "INTEGER",
        ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Boolean => "INTEGER",
        ColumnKind.Real => "REAL",
        ColumnKind.Blob => "BLOB",
        _ => "TEXT",
    };

    public string Default(DefaultModel value) => value.Kind switch
    {
        DefaultKind.Number => value.Value,
        DefaultKind.Boolean => value.Value == "true" ? "1" : "0",
        // Same shape Microsoft.Data.Sqlite writes for a UTC DateTimeOffset, so stored values sort as text.
        DefaultKind.Now => "(strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))",
        _ => SqlText.Literal(value.Value),
    };

    public string? Check(string quotedColumn, CheckRule rule) => rule switch
    {
        InListRule inList => SqlText.InList(quotedColumn, inList),
        RangeRule range => SqlText.Range(quotedColumn, range),
        BooleanRule => $"{quotedColumn} IN (0, 1)",
        JsonValidRule => $"json_valid({quotedColumn})",
        _ => null,
    };

    public string InsertValue(ColumnModel column, string parameter) => parameter;
}
