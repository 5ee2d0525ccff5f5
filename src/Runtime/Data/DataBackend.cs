using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentHive.Runtime.Data;

/// <summary>
/// What generated data access does differently per backend, chosen once per database from its
/// connection: which SQL text runs, how parameters are typed and values stored, how the stored forms
/// read back, and how many rows go in at once. Generated code calls it and never tests the backend.
/// </summary>
public abstract class DataBackend
{
    /// <summary>SQLite through Microsoft.Data.Sqlite.</summary>
    public static DataBackend Sqlite { get; } = new SqliteDataBackend();

    /// <summary>PostgreSQL through Npgsql.</summary>
    public static DataBackend Postgres { get; } = new PostgresDataBackend();

    /// <summary>The backend of <paramref name="connection"/>'s driver.</summary>
    /// <exception cref="NotSupportedException">The connection is neither a SqliteConnection nor an NpgsqlConnection.</exception>
    public static DataBackend For(DbConnection connection) => connection switch
    {
        SqliteConnection => Sqlite,
        NpgsqlConnection => Postgres,
        _ => throw new NotSupportedException(
            $"Generated data access runs on Microsoft.Data.Sqlite's SqliteConnection or Npgsql's NpgsqlConnection, not {connection.GetType().FullName}."),
    };

    /// <summary>The backend a configured provider uses.</summary>
    public static DataBackend For(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? Postgres : Sqlite;

    /// <summary>Which backend this is.</summary>
    public abstract DatabaseProvider Provider { get; }

    /// <summary>
    /// True when the driver's async methods complete synchronously anyway (SQLite): generated async
    /// methods then run the synchronous path and allocate no task.
    /// </summary>
    public abstract bool RunsSynchronously { get; }

    /// <summary>The statement's SQL for this backend.</summary>
    public abstract string Sql(Statement statement);

    /// <summary>Reads a timestamp in this backend's stored form.</summary>
    public abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    /// <summary>Reads a decimal of a column with <paramref name="scale"/> digits after the point.</summary>
    public abstract decimal ReadDecimal(DbDataReader reader, int ordinal, int scale);

    /// <summary>Reads a date.</summary>
    public abstract DateOnly ReadDate(DbDataReader reader, int ordinal);

    /// <summary>Reads a time of day.</summary>
    public abstract TimeOnly ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Reads a UUID.</summary>
    public Guid ReadUuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    /// <summary>Reads bytes.</summary>
    public byte[] ReadBlob(DbDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);

    internal abstract DbParameter CreateParameter(string name, DbValueKind kind);

    internal abstract ParameterWriter CreateWriter(DbParameter[] parameters);

    /// <summary>Runs <paramref name="command"/>'s reader asynchronously (see <see cref="PreparedCommand.ExecuteReaderAsync"/>).</summary>
    internal virtual ValueTask<DbDataReader> ExecuteReaderAsync(PreparedCommand command, CommandBehavior behavior, CancellationToken cancellationToken) =>
        new(command.Command.ExecuteReaderAsync(behavior, cancellationToken));

    internal abstract int InsertMany<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan);

    internal abstract ValueTask<int> InsertManyAsync<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, CancellationToken cancellationToken);

    internal abstract long[] InsertManyReturningIds<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan);

    internal abstract ValueTask<long[]> InsertManyReturningIdsAsync<T>(SchemaDatabase database, IReadOnlyList<T> rows, InsertPlan<T> plan, CancellationToken cancellationToken);

    /// <summary>Parameters of <paramref name="statement"/>, created once.</summary>
    internal DbParameter[] CreateParameters(Statement statement)
    {
        var parameters = new DbParameter[statement.ParameterNames.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = CreateParameter(statement.ParameterNames[i], statement.ParameterKinds[i]);
        }

        return parameters;
    }
}
