using System;
using System.Data.Common;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;

namespace AgentHive.Runtime.Workload;

/// <summary>
/// Stores memories de-duplicated: an owner storing content it already has touches that row (last use now,
/// the higher importance) instead of adding a second one. Large content of the declared column is
/// compressed (<see cref="ContentCompression"/>).
/// </summary>
public static class MemoryStore
{
    /// <summary>
    /// Inserts the row whose insert parameters <paramref name="addInsertParameters"/> adds (a generated entity's
    /// <c>AddInsertParameters</c>), or touches the owner's row with the same content hash; returns that row's key.
    /// </summary>
    public static long StoreOrTouch(DbConnection connection, MemoryDefinition memory, Action<DbCommand> addInsertParameters, DbTransaction? transaction = null)
    {
        using var command = Command(connection, memory, addInsertParameters, transaction);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// As <see cref="StoreOrTouch"/>, asynchronously on PostgreSQL; on SQLite, whose driver is synchronous, it
    /// completes synchronously without allocating a task.
    /// </summary>
    public static ValueTask<long> StoreOrTouchAsync(DbConnection connection, MemoryDefinition memory, Action<DbCommand> addInsertParameters,
        DbTransaction? transaction = null, CancellationToken cancellationToken = default) =>
        WorkloadConnection.Provider(connection) == DatabaseProvider.Sqlite
            ? new(StoreOrTouch(connection, memory, addInsertParameters, transaction))
            : StoreOrTouchCoreAsync(connection, memory, addInsertParameters, transaction, cancellationToken);

    private static async ValueTask<long> StoreOrTouchCoreAsync(DbConnection connection, MemoryDefinition memory, Action<DbCommand> addInsertParameters,
        DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var command = Command(connection, memory, addInsertParameters, transaction);
        await using (command.ConfigureAwait(false))
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }

    private static DbCommand Command(DbConnection connection, MemoryDefinition memory, Action<DbCommand> addInsertParameters, DbTransaction? transaction)
    {
        var sql = memory.StoreOrTouch?.For(connection)
            ?? throw new InvalidOperationException($"The memory of table '{memory.Table}' declares no content hash to de-duplicate on.");
        var command = WorkloadConnection.Command(connection, transaction, sql);
        addInsertParameters(command);
        // The id is assigned (or the existing row's kept): drop what the statement does not use.
        for (var i = command.Parameters.Count - 1; i >= 0; i--)
        {
            if (!sql.Contains(command.Parameters[i].ParameterName + " ") && !sql.Contains(command.Parameters[i].ParameterName + ",") &&
                !sql.Contains(command.Parameters[i].ParameterName + ")"))
            {
                command.Parameters.RemoveAt(i);
            }
        }

        if (memory.CompressedColumn is { } column && command.Parameters.Contains("@" + column) &&
            command.Parameters["@" + column].Value is string text)
        {
            command.Parameters["@" + column].Value = ContentCompression.Compress(text, memory.CompressAbove);
        }

        return command;
    }
}
