using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// The SQL of generated data access, per dialect. Every statement names its columns (never <c>*</c>, never
/// physical order: an upgraded SQLite table has added columns at its end) and binds typed <c>@column</c>
/// parameters, so no value needs a cast to reach its stored form.
/// </summary>
public static class DataSql
{
    /// <summary>Columns in the order every SELECT of the table lists them: the entity's row mapper reads them by that ordinal.</summary>
    public static IReadOnlyList<ColumnModel> ReadColumns(TableModel table) => table.Columns;

    public static string Select(TableModel table, IEnumerable<string> keyColumns) =>
        $"SELECT {DdlBuilder.ColumnList(table.Columns.Select(c => c.Name))} FROM {SqlText.Quote(table.Name)} WHERE {Where(keyColumns)}";

    public static string Exists(TableModel table) =>
        $"SELECT 1 FROM {SqlText.Quote(table.Name)} WHERE {Where(table.PrimaryKey.Columns)} LIMIT 1";

    public static string Delete(TableModel table) =>
        $"DELETE FROM {SqlText.Quote(table.Name)} WHERE {Where(table.PrimaryKey.Columns)}";

    /// <summary>Columns an update sets: every column but the key and those the database keeps current (autoUpdate).</summary>
    public static IReadOnlyList<ColumnModel> UpdateColumns(TableModel table) =>
        table.Columns.Where(c => !table.PrimaryKey.Columns.Contains(c.Name) && !c.AutoUpdate).ToList();

    /// <summary>UPDATE of <see cref="UpdateColumns"/> by primary key, or null when there is nothing to set.</summary>
    public static string? Update(TableModel table)
    {
        var set = UpdateColumns(table);
        return set.Count == 0
            ? null
            : $"UPDATE {SqlText.Quote(table.Name)} SET {string.Join(", ", set.Select(c => $"{SqlText.Quote(c.Name)} = @{c.Name}"))} WHERE {Where(table.PrimaryKey.Columns)}";
    }

    /// <summary>
    /// Columns an insert writes: on an identity table without <paramref name="withId"/> every column but the
    /// id (the database assigns it), otherwise every column.
    /// </summary>
    public static IReadOnlyList<ColumnModel> InsertColumns(TableModel table, bool withId) =>
        table.PrimaryKey.IsIdentity && !withId ? table.Columns.Where(c => c.Kind != ColumnKind.Id).ToList() : table.Columns.ToList();

    /// <summary>
    /// INSERT of one row. On an identity table it returns the id: without <paramref name="withId"/> the
    /// database assigns it; with it the caller's id is stored and later ids do not collide with it.
    /// </summary>
    public static string Insert(TableModel table, ISqlDialect dialect, bool withId)
    {
        var sql = InsertRow(table, dialect, withId);
        if (!table.PrimaryKey.IsIdentity)
        {
            return sql;
        }

        sql += " RETURNING " + SqlText.Quote(table.PrimaryKey.Columns[0]);
        return withId ? dialect.IdentityInsert(table, sql) : sql;
    }

    /// <summary>
    /// Identity tables: the INSERT of <see cref="Insert"/> without an id and without RETURNING, for batches
    /// that want no ids back (a returned row costs SQLite's driver a result row per insert); null otherwise.
    /// </summary>
    public static string? InsertNotReturning(TableModel table, ISqlDialect dialect) =>
        table.PrimaryKey.IsIdentity ? InsertRow(table, dialect, withId: false) : null;

    private static string InsertRow(TableModel table, ISqlDialect dialect, bool withId)
    {
        var columns = InsertColumns(table, withId);
        var into = $"INSERT INTO {SqlText.Quote(table.Name)}";
        return columns.Count == 0
            ? $"{into} DEFAULT VALUES"
            : $"{into} ({DdlBuilder.ColumnList(columns.Select(c => c.Name))}) VALUES " +
              $"({string.Join(", ", columns.Select(c => c.Kind == ColumnKind.Id ? dialect.IdentityValue(table, "@" + c.Name) : "@" + c.Name))})";
    }

    /// <summary>The dialect's bulk load of the columns <see cref="Insert"/> writes without an id, or null.</summary>
    public static string? BulkInsert(TableModel table, ISqlDialect dialect)
    {
        var columns = InsertColumns(table, withId: false);
        return columns.Count == 0 ? null : dialect.BulkInsert(table, DdlBuilder.ColumnList(columns.Select(c => c.Name)));
    }

    private static string Where(IEnumerable<string> columns) =>
        string.Join(" AND ", columns.Select(c => $"{SqlText.Quote(c)} = @{c}"));
}
