using System;
using System.Data.Common;
using AgentHive.Runtime.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentHive.Runtime.Workload;

/// <summary>Commands and short write transactions on either backend.</summary>
internal static class WorkloadConnection
{
    public static DatabaseProvider Provider(DbConnection connection) => connection switch
    {
        SqliteConnection => DatabaseProvider.Sqlite,
        NpgsqlConnection => DatabaseProvider.Postgres,
        _ => throw new NotSupportedException($"{connection.GetType().Name} is neither a SQLite nor a PostgreSQL connection."),
    };

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbCommand Add(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    public static long Milliseconds(TimeSpan span) => (long)Math.Round(span.TotalMilliseconds);

    /// <summary>
    /// Runs <paramref name="work"/> in the caller's transaction, or on SQLite in a write transaction of its
    /// own (BEGIN IMMEDIATE), so a statement that reads before it writes cannot fail on a snapshot another
    /// writer moved on. On PostgreSQL one statement is its own transaction already.
    /// </summary>
    public static T InWriteTransaction<T>(DbConnection connection, DbTransaction? transaction, Func<DbTransaction?, T> work)
    {
        if (transaction is not null || Provider(connection) == DatabaseProvider.Postgres)
        {
            return work(transaction);
        }

        using var own = connection.BeginTransaction();
        var result = work(own);
        own.Commit();
        return result;
    }
}
