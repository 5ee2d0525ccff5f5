using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentHive.Runtime.Writing;

/// <summary>
/// The one writer of a SQLite file in this process: callers hand in small write units, one dedicated
/// connection runs them in order and commits many of them in one transaction (group commit). Each unit
/// runs inside its own savepoint, so a unit that throws is rolled back alone and only its caller sees the
/// exception; the others commit.
/// </summary>
/// <remarks>
/// Serves one process that owns the database file (a coordinator with many agents as tasks): SQLite
/// commits one transaction at a time anyway, and sharing the commit spares each unit a transaction of
/// its own and the wait for the file lock. Units of one caller, handed in one after another, run in
/// that order. A unit gets the writer's connection with a transaction already open: it runs commands on
/// it (they need no <c>Transaction</c>) and must not begin, commit or roll back a transaction itself,
/// keep the connection, or wait on other units. Disposing the writer stops new units and commits every
/// unit already handed in before it returns.
/// </remarks>
public sealed class SqliteGroupCommitWriter : IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutSeconds;
    private readonly SqliteWriterOptions _options;
    private readonly SqliteWriteGate _gate;
    // A plain monitor-guarded queue rather than a channel: the writer thread is woken directly by the
    // caller that hands in a unit, not through a thread-pool work item queued behind the callers' own.
    private readonly object _sync = new();
    private readonly Queue<WriteUnit> _pending = new();
    private readonly SemaphoreSlim _capacity;
    private bool _closed;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<WriteUnit> _ran = new();
    private SqliteConnection? _connection;
    private Statements? _statements;

    /// <summary>Creates the writer for the SQLite database that <paramref name="database"/> configures.</summary>
    /// <exception cref="InvalidOperationException">The provider is not SQLite.</exception>
    public SqliteGroupCommitWriter(DatabaseOptions database)
        : this(RequireSqlite(database).ConnectionString, database.SqliteWriter, database.SqliteBusyTimeoutSeconds)
    {
    }

    /// <summary>Creates the writer for one SQLite database file.</summary>
    /// <param name="connectionString">A connection string naming a database file.</param>
    /// <param name="options">Batch limits; defaults when null.</param>
    /// <param name="busyTimeoutSeconds">How long the writer waits for the file lock when other processes write too.</param>
    public SqliteGroupCommitWriter(string connectionString, SqliteWriterOptions? options = null, int busyTimeoutSeconds = 5)
    {
        _options = options ?? new SqliteWriterOptions();
        _options.Validate();
        _connectionString = connectionString;
        _busyTimeoutSeconds = busyTimeoutSeconds;
        _gate = SqliteWriteGate.For(connectionString);
        _capacity = new SemaphoreSlim(_options.QueueCapacity, _options.QueueCapacity);
        _thread = new Thread(Run) { IsBackground = true, Name = "AgentHive SQLite writer" };
        _thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="unit"/> in the next group transaction and completes once that transaction
    /// has committed.
    /// </summary>
    /// <param name="unit">The writes, on the writer's connection inside an open transaction.</param>
    /// <param name="cancellationToken">Cancels the unit if it has not started yet.</param>
    /// <returns>The unit's result, once committed.</returns>
    /// <exception cref="GroupCommitException">The unit ran, but its transaction did not commit.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    /// <remarks>Any exception the unit throws reaches this caller alone, after the unit's writes were rolled back.</remarks>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> unit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (Volatile.Read(ref _closed))
        {
            return Task.FromException<T>(Disposed());
        }

        var item = new WriteUnit<T>(unit, cancellationToken);
        var room = _capacity.WaitAsync(cancellationToken);
        if (!room.IsCompletedSuccessfully)
        {
            return WriteWhenRoomAsync(room, item);
        }

        // The caller gets the unit's own completion: it is complete the moment the writer completes the
        // unit, so a caller that awaited DisposeAsync finds every unit it handed in already finished.
        return Enqueue(item) ? item.Completion : Task.FromException<T>(Disposed());
    }

    /// <summary>Runs <paramref name="unit"/> in the next group transaction and completes once that transaction has committed.</summary>
    /// <inheritdoc cref="WriteAsync{T}(Func{SqliteConnection, T}, CancellationToken)"/>
    public Task WriteAsync(Action<SqliteConnection> unit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return WriteAsync<bool>(connection =>
        {
            unit(connection);
            return true;
        }, cancellationToken);
    }

    /// <summary>Stops taking units, commits those already handed in, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        await _stopped.Task.ConfigureAwait(false);
    }

    /// <summary>Stops taking units, commits those already handed in, and closes the connection, blocking until done.</summary>
    public void Dispose()
    {
        Close();
        _stopped.Task.GetAwaiter().GetResult();
    }

    private static DatabaseOptions RequireSqlite(DatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.ParsedProvider == DatabaseProvider.Sqlite
            ? database
            : throw new InvalidOperationException(
                $"The group-commit writer is for SQLite, but {DatabaseOptions.SectionName}:Provider is {database.Provider}. " +
                "On PostgreSQL write through a connection pool instead.");
    }

    private void Close()
    {
        lock (_sync)
        {
            _closed = true;
            Monitor.PulseAll(_sync);
        }
    }

    private static ObjectDisposedException Disposed() =>
        new(nameof(SqliteGroupCommitWriter), "The SQLite writer is disposed and takes no more write units.");

    // Waits for room in the queue when it is full, then hands the unit in.
    private async Task<T> WriteWhenRoomAsync<T>(Task room, WriteUnit<T> item)
    {
        await room.ConfigureAwait(false);
        if (!Enqueue(item))
        {
            throw Disposed();
        }

        return await item.Completion.ConfigureAwait(false);
    }

    // Queues a unit that holds a place of the capacity; false (and the place given back) once closed.
    private bool Enqueue(WriteUnit item)
    {
        lock (_sync)
        {
            if (_closed)
            {
                _capacity.Release();
                return false;
            }

            _pending.Enqueue(item);
            Monitor.Pulse(_sync);
            return true;
        }
    }

    // The next unit: waits for one unless the writer is closed and drained (then null).
    private WriteUnit? Take(bool wait)
    {
        WriteUnit unit;
        lock (_sync)
        {
            while (_pending.Count == 0)
            {
                if (!wait || _closed)
                {
                    return null;
                }

                Monitor.Wait(_sync);
            }

            unit = _pending.Dequeue();
        }

        _capacity.Release();
        return unit;
    }

    private void Run()
    {
        try
        {
            while (Take(wait: true) is { } first)
            {
                RunBatch(first);
            }
        }
        catch (Exception ex)
        {
            // A fault of the writer itself: no unit may wait for ever, so every one still queued fails with it.
            Close();
            Abandon(ex);
            while (Take(wait: false) is { } orphan)
            {
                orphan.Fail(new GroupCommitException("The SQLite writer stopped: " + ex.Message, ex));
            }
        }
        finally
        {
            Reset();
            _stopped.TrySetResult();
        }
    }

    private void RunBatch(WriteUnit first)
    {
        SqliteWriteGate.Turn turn;
        try
        {
            turn = _gate.Enter(TimeSpan.FromSeconds(_busyTimeoutSeconds));
        }
        catch (TimeoutException ex)
        {
            first.Fail(ex);
            return;
        }

        using (turn)
        {
            Statements statements;
            try
            {
                statements = Begin();
            }
            catch (Exception ex)
            {
                first.Fail(ex);
                Reset();
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var open = RunUnit(first, statements);
            while (open
                && _ran.Count < _options.MaxBatchSize
                && Stopwatch.GetElapsedTime(started).TotalMilliseconds < _options.MaxBatchMilliseconds
                && Take(wait: false) is { } next)
            {
                open = RunUnit(next, statements);
            }

            if (open)
            {
                Commit(statements);
            }
        }
    }

    // Runs one unit in its own savepoint; false when the transaction did not survive it.
    private bool RunUnit(WriteUnit unit, Statements statements)
    {
        if (unit.CancellationToken.IsCancellationRequested)
        {
            unit.Cancel();
            return true;
        }

        try
        {
            statements.Savepoint.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            unit.Fail(ex);
            Abandon(ex);
            return false;
        }

        Exception? failure = null;
        try
        {
            unit.Run(_connection!);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (!TransactionOpen())
        {
            var reason = failure ?? new InvalidOperationException("A write unit ended the group transaction itself (COMMIT, ROLLBACK or closing the connection); units must leave the transaction to the writer.");
            unit.Fail(reason);
            Abandon(reason);
            return false;
        }

        try
        {
            if (failure is null)
            {
                statements.Release.ExecuteNonQuery();
                _ran.Add(unit);
            }
            else
            {
                statements.RollbackToSavepoint.ExecuteNonQuery();
                statements.Release.ExecuteNonQuery();
                unit.Fail(failure);
            }

            return true;
        }
        catch (Exception ex)
        {
            unit.Fail(failure ?? new GroupCommitException("The write unit's savepoint could not be released: " + ex.Message, ex));
            Abandon(ex);
            return false;
        }
    }

    private Statements Begin()
    {
        if (_connection is null)
        {
            _connection = SqliteConnectionSetup.Open(_connectionString, _busyTimeoutSeconds);
            _statements = new Statements(_connection);
        }

        _statements!.Begin.ExecuteNonQuery();
        return _statements;
    }

    private void Commit(Statements statements)
    {
        try
        {
            statements.Commit.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            Abandon(ex);
            return;
        }

        foreach (var unit in _ran)
        {
            unit.Complete();
        }

        _ran.Clear();
    }

    // The transaction is lost: every unit that had run in it fails, and the connection starts afresh.
    private void Abandon(Exception reason)
    {
        foreach (var unit in _ran)
        {
            unit.Fail(new GroupCommitException("The write unit ran, but the transaction it shared did not commit: " + reason.Message, reason));
        }

        _ran.Clear();
        Reset();
    }

    private void Reset()
    {
        _statements?.Dispose();
        _statements = null;
        _connection?.Dispose();
        _connection = null;
    }

    private bool TransactionOpen() =>
        _connection is { State: System.Data.ConnectionState.Open, Handle: { } handle } && raw.sqlite3_get_autocommit(handle) == 0;

    // The transaction control statements, prepared once per connection and stepped directly: they run
    // around every unit, and the driver's command machinery cost about as much as a small unit's inserts.
    private sealed class Statements : IDisposable
    {
        public Statements(SqliteConnection connection)
        {
            var db = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
            Begin = new Statement(db, "BEGIN IMMEDIATE");
            Commit = new Statement(db, "COMMIT");
            Savepoint = new Statement(db, "SAVEPOINT agenthive_unit");
            Release = new Statement(db, "RELEASE agenthive_unit");
            RollbackToSavepoint = new Statement(db, "ROLLBACK TO agenthive_unit");
        }

        public Statement Begin { get; }

        public Statement Commit { get; }

        public Statement Savepoint { get; }

        public Statement Release { get; }

        public Statement RollbackToSavepoint { get; }

        public void Dispose()
        {
            Begin.Dispose();
            Commit.Dispose();
            Savepoint.Dispose();
            Release.Dispose();
            RollbackToSavepoint.Dispose();
        }
    }

    private sealed class Statement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public Statement(sqlite3 db, string sql)
        {
            _db = db;
            var rc = raw.sqlite3_prepare_v2(db, sql, out _statement);
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        public void ExecuteNonQuery()
        {
            var rc = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }

        public void Dispose() => _statement.Dispose();
    }

    private abstract class WriteUnit
    {
        protected WriteUnit(CancellationToken cancellationToken) => CancellationToken = cancellationToken;

        public CancellationToken CancellationToken { get; }

        public abstract void Run(SqliteConnection connection);

        public abstract void Complete();

        public abstract void Fail(Exception exception);

        public abstract void Cancel();
    }

    private sealed class WriteUnit<T> : WriteUnit
    {
        private readonly Func<SqliteConnection, T> _unit;
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public WriteUnit(Func<SqliteConnection, T> unit, CancellationToken cancellationToken)
            : base(cancellationToken) => _unit = unit;

        public Task<T> Completion => _completion.Task;

        public override void Run(SqliteConnection connection) => _result = _unit(connection);

        public override void Complete() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }
}
