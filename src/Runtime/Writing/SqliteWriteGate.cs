using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Sqlite;

namespace AgentHive.Runtime.Writing;

/// <summary>
/// A first-come, first-served queue for the write lock of one SQLite file within this process. Writers
/// that enter the gate before <c>BEGIN IMMEDIATE</c> and leave it after <c>COMMIT</c> or rollback are served
/// in arrival order and hand the file lock straight to the next one, instead of polling it through
/// SQLite's busy handler. Writers in other processes still meet at the file lock.
/// </summary>
/// <example>
/// <code>
/// var gate = SqliteWriteGate.For(connectionString);
/// using (gate.Enter(TimeSpan.FromSeconds(5)))
/// using (var transaction = connection.BeginTransaction())
/// {
///     // writes
///     transaction.Commit();
/// }
/// </code>
/// </example>
public sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    private readonly object _sync = new();
    private readonly Queue<TaskCompletionSource<bool>> _waiting = new();
    private bool _held;

    private SqliteWriteGate()
    {
    }

    /// <summary>The gate of the database file a connection string names, however it is spelled.</summary>
    /// <exception cref="ArgumentException">The connection string names an in-memory database.</exception>
    public static SqliteWriteGate For(string connectionString)
    {
        var file = SqliteDatabaseFile.Identity(connectionString)
            ?? throw new ArgumentException("An in-memory SQLite database has no file to share; a write gate needs a database file.", nameof(connectionString));
        return Gates.GetOrAdd(file, _ => new SqliteWriteGate());
    }

    /// <summary>Waits for this writer's turn, blocking the calling thread.</summary>
    /// <param name="timeout">How long to wait before giving up.</param>
    /// <returns>The turn; dispose it after the transaction ends to let the next writer in.</returns>
    /// <exception cref="TimeoutException">The turn did not come within <paramref name="timeout"/>.</exception>
    public Turn Enter(TimeSpan timeout)
    {
        if (TryEnterNow(out var waiter))
        {
            return new Turn(this);
        }

        if (waiter.Task.Wait(timeout))
        {
            return new Turn(this);
        }

        Abandon(waiter);
        throw new TimeoutException($"No turn to write within {timeout.TotalSeconds:0.###} s: earlier writers of this database file held it.");
    }

    /// <summary>Waits for this writer's turn without blocking a thread.</summary>
    /// <param name="cancellationToken">Stops waiting; the writer then leaves the queue.</param>
    /// <returns>The turn; dispose it after the transaction ends to let the next writer in.</returns>
    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken = default)
    {
        if (TryEnterNow(out var waiter))
        {
            return new Turn(this);
        }

        // A turn granted before the cancellation lands is taken: the caller gets it and must dispose it.
        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        return new Turn(this);
    }

    private bool TryEnterNow(out TaskCompletionSource<bool> waiter)
    {
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                waiter = null!;
                return true;
            }

            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            return false;
        }
    }

    // A blocked waiter that timed out: if the turn was handed to it meanwhile, it passes the turn on.
    private void Abandon(TaskCompletionSource<bool> waiter)
    {
        if (!waiter.TrySetCanceled())
        {
            Leave();
        }
    }

    private void Leave()
    {
        lock (_sync)
        {
            while (_waiting.TryDequeue(out var next))
            {
                if (next.TrySetResult(true))
                {
                    return;
                }
            }

            _held = false;
        }
    }

    /// <summary>One writer's turn at the gate; disposing it admits the next writer.</summary>
    public sealed class Turn : IDisposable
    {
        private SqliteWriteGate? _gate;

        internal Turn(SqliteWriteGate gate) => _gate = gate;

        /// <summary>Leaves the gate (once; later calls do nothing).</summary>
        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Leave();
    }
}
