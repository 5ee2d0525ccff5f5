using System;
using System.Data;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;

namespace AgentHive.Runtime.Data;

/// <summary>
/// A command prepared once on a connection and reused: its parameters are created once and only their
/// values change per call.
/// </summary>
public sealed class PreparedCommand : IDisposable
{
    private readonly ParameterWriter _writer;
    private readonly DataBackend _backend;

    internal PreparedCommand(DbCommand command, DbParameter[] parameters, ParameterWriter writer, DataBackend backend)
    {
        Command = command;
        Parameters = parameters;
        _writer = writer;
        _backend = backend;
    }

    /// <summary>The command, bound to the database's current transaction.</summary>
    public DbCommand Command { get; }

    /// <summary>The command's parameters, in the statement's order.</summary>
    public DbParameter[] Parameters { get; }

    /// <summary>Where the next call's parameter values go, starting at the first parameter.</summary>
    public RowWriter Values => _writer.Reset();

    /// <summary>
    /// The ordinals of the result columns <paramref name="names"/>, looked up by name on this command's first
    /// read and kept for every later execution: a query may select its columns in any order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The result lacks one of the columns.</exception>
    public int[] Ordinals(DbDataReader reader, string[] names)
    {
        if (_ordinals is { } known)
        {
            return known;
        }

        var ordinals = new int[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            try
            {
                ordinals[i] = reader.GetOrdinal(names[i]);
            }
            catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException)
            {
                throw new InvalidOperationException($"The query's result has no column '{names[i]}'. Its SQL must select every column of the result, by that name.", ex);
            }
        }

        return _ordinals = ordinals;
    }

    private int[]? _ordinals;

    /// <summary>Npgsql only: completes <see cref="ExecuteReaderAsync"/>, created on the first asynchronous read.</summary>
    internal PostgresReaderSource? ReaderSource { get; set; }

    /// <summary>
    /// Runs the command and returns its reader, asynchronously where the driver is truly async. Cheaper than
    /// <c>Command.ExecuteReaderAsync</c> on PostgreSQL: it awaits Npgsql's typed reader task directly.
    /// </summary>
    public ValueTask<DbDataReader> ExecuteReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        _backend.ExecuteReaderAsync(this, behavior, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => Command.Dispose();
}
