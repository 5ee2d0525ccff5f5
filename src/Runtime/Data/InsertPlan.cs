using System.Collections.Generic;

namespace AgentHive.Runtime.Data;

/// <summary>
/// How generated code inserts rows of one table: the statements, the bulk form, and how a row's values
/// are written. One instance per table, shared by every database of the schema.
/// </summary>
/// <typeparam name="T">The table's entity.</typeparam>
public abstract class InsertPlan<T>
{
    /// <summary>Declares the plan.</summary>
    /// <param name="insert">Inserts one row; on an identity table without the id (the database assigns it) and returning it.</param>
    /// <param name="insertWithId">Identity tables: inserts one row with the caller's id, returning it; null otherwise.</param>
    /// <param name="insertNotReturning">Identity tables: <paramref name="insert"/> without RETURNING, for batches that want no ids; null otherwise.</param>
    /// <param name="postgresCopy">PostgreSQL's binary COPY of <paramref name="insert"/>'s columns; null when it has none.</param>
    protected InsertPlan(Statement insert, Statement? insertWithId, Statement? insertNotReturning, string? postgresCopy)
    {
        Insert = insert;
        InsertWithId = insertWithId;
        InsertNotReturning = insertNotReturning;
        PostgresCopy = postgresCopy;
    }

    /// <summary>Inserts one row; on an identity table the database assigns the id and the statement returns it.</summary>
    public Statement Insert { get; }

    /// <summary>Identity tables: inserts a row whose id the caller chose (imports, fixtures); null otherwise.</summary>
    public Statement? InsertWithId { get; }

    /// <summary>
    /// Identity tables: the insert of <see cref="Insert"/> that returns nothing, for batches that want no ids
    /// (SQLite's driver builds a result row for each RETURNING); null otherwise (<see cref="Insert"/> returns nothing).
    /// </summary>
    public Statement? InsertNotReturning { get; }

    /// <summary>The statement that inserts a row without an id of its own when no id has to come back.</summary>
    internal Statement InsertForBatch => InsertNotReturning ?? Insert;

    /// <summary>PostgreSQL: <c>COPY ... FROM STDIN (FORMAT BINARY)</c> with the columns of <see cref="Insert"/>; null when it has none.</summary>
    public string? PostgresCopy { get; }

    /// <summary>True when <paramref name="row"/> carries an id the caller chose (identity tables only).</summary>
    public abstract bool HasId(T row);

    /// <summary>Writes <paramref name="row"/>'s values in the order of <see cref="Insert"/> (or <see cref="InsertWithId"/>, with <paramref name="withId"/>).</summary>
    public abstract void Write(T row, RowWriter writer, bool withId);

    internal bool AnyHasId(IReadOnlyList<T> rows)
    {
        if (InsertWithId is null)
        {
            return false;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (HasId(rows[i]))
            {
                return true;
            }
        }

        return false;
    }
}
