using System.Collections.Generic;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Dialects;

/// <summary>Everything that differs between the SQL of two backends, and nothing else.</summary>
public partial interface ISqlDialect
{
    /// <summary>The start of the FluentMigrator processor's database type this dialect serves.</summary>
    string MigratorDatabaseType { get; }

    /// <summary>Short C# name of the backend, used in generated member names (Sqlite, Postgres).</summary>
    string Name { get; }

    /// <summary>The column's type; for an id column, what makes the database assign it.</summary>
    string ColumnType(ColumnModel column);

    /// <summary>Text after the closing parenthesis of CREATE TABLE (empty, or SQLite's STRICT).</summary>
    string TableOptions { get; }

    string Default(DefaultModel value);

    /// <summary>The CHECK expression for a rule, or null when the column type already enforces it.</summary>
    string? Check(string? quotedColumn, CheckRule rule);

    /// <summary>The VALUES item for a parameter, with any cast the backend needs to accept it.</summary>
    string InsertValue(ColumnModel column, string parameter);

    /// <summary>The VALUES item for the id of an identity table: the caller's id when given, else the next one.</summary>
    string IdentityValue(TableModel table, string parameter);

    /// <summary>
    /// The INSERT ... RETURNING id of an identity table, made safe for an explicit id: later ids the
    /// database assigns must not collide with it.
    /// </summary>
    string IdentityInsert(TableModel table, string insert);

    /// <summary>A declared query's SQL as this backend runs it, from the text the schema gives for it.</summary>
    string QueryText(string sql);

    /// <summary>
    /// The statement that streams many rows of <paramref name="quotedColumns"/> into a table in one round trip
    /// (PostgreSQL's binary COPY), or null when the backend has none and inserts row by row in one transaction.
    /// </summary>
    string? BulkInsert(TableModel table, string quotedColumns);

    /// <summary>The text value at a JSON path, as an index key.</summary>
    string JsonPath(string quotedColumn, EquatableArray<string> path);

    /// <summary>Whether CREATE INDEX takes INCLUDE; without it included columns become trailing keys.</summary>
    bool SupportsInclude { get; }

    /// <summary>Triggers (and what they call) that enforce state machines and keep auto-update columns current.</summary>
    IEnumerable<string> Triggers(TableModel table);

    /// <summary>The names of the triggers <see cref="Triggers"/> creates.</summary>
    IEnumerable<string> TriggerNames(TableModel table);

    /// <summary>Objects that dropping the table leaves behind, to drop after it.</summary>
    IEnumerable<string> DropLeftovers(TableModel table);
}
