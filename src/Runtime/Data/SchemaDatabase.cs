using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Postgres;
using AgentHive.Runtime.Sqlite;
using Npgsql;

namespace AgentHive.Runtime.Data;

/// <summary>
/// The base of a schema's generated database class: one connection, its backend (chosen once), and the
/// commands generated code prepares on it, each prepared once and reused with new parameter values.
/// Commands run in <see cref="Transaction"/> when one is set. Not thread-safe, like the connection.
/// </summary>
public abstract class SchemaDatabase : IDisposable, IAsyncDisposable
{
    private readonly PreparedCommand?[] _commands;
    private readonly bool _ownsConnection;
    private DbTransaction? _transaction;

    /// <summary>Uses <paramref name="connection"/>, opening it if it is closed.</summary>
    /// <param name="connection">A SqliteConnection or NpgsqlConnection.</param>
    /// <param name="statementCount">How many statements the generated class declares (the size of the command cache).</param>
    /// <param name="ownsConnection">True to dispose the connection with this database.</param>
    protected SchemaDatabase(DbConnection connection, int statementCount, bool ownsConnection)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Backend = DataBackend.For(connection);
        _commands = new PreparedCommand?[statementCount];
        _ownsConnection = ownsConnection;
        if (connection.State == ConnectionState.Closed)
        {
            connection.Open();
            if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
            {
                SqliteConnectionSetup.Apply(sqlite);
            }
        }
    }

    /// <summary>The connection every command runs on.</summary>
    public DbConnection Connection { get; }

    /// <summary>The backend, from the connection's type.</summary>
    public DataBackend Backend { get; }

    /// <summary>
    /// The transaction commands run in, or null. Set it to a transaction you began on <see cref="Connection"/>
    /// (SQLite requires every command of the connection to name it), or use <see cref="BeginTransaction"/>.
    /// Once it commits or rolls back it is forgotten.
    /// </summary>
    public DbTransaction? Transaction
    {
        get
        {
            if (_transaction is not null && IsCompleted(_transaction))
            {
                _transaction = null;
            }

            return _transaction;
        }

        set
        {
            if (value is not null && !ReferenceEquals(value.Connection, Connection))
            {
                throw new ArgumentException("The transaction belongs to another connection (or has already completed).", nameof(value));
            }

            _transaction = value;
        }
    }

    // A committed or rolled back transaction has no connection any more; Npgsql's throws once disposed.
    private static bool IsCompleted(DbTransaction transaction)
    {
        try
        {
            return transaction.Connection is null;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Begins a transaction on the connection and runs every command in it until it completes.</summary>
    public DbTransaction BeginTransaction(IsolationLevel isolationLevel = IsolationLevel.Unspecified)
    {
        var transaction = Connection.BeginTransaction(isolationLevel);
        _transaction = transaction;
        return transaction;
    }

    /// <summary>Begins a transaction asynchronously (PostgreSQL) and runs every command in it until it completes.</summary>
    public async ValueTask<DbTransaction> BeginTransactionAsync(IsolationLevel isolationLevel = IsolationLevel.Unspecified, CancellationToken cancellationToken = default)
    {
        var transaction = Backend.RunsSynchronously
            ? Connection.BeginTransaction(isolationLevel)
            : await Connection.BeginTransactionAsync(isolationLevel, cancellationToken).ConfigureAwait(false);
        _transaction = transaction;
        return transaction;
    }

    /// <summary>
    /// The prepared command of <paramref name="statement"/> on this connection, in the current transaction:
    /// created, given its parameters and prepared on first use, reused afterwards.
    /// </summary>
    public PreparedCommand Prepare(Statement statement)
    {
        var prepared = _commands[statement.Slot];
        var transaction = Transaction;
        if (prepared is null)
        {
            prepared = Create(statement, transaction);
            prepared.Command.Prepare();
            _commands[statement.Slot] = prepared;
        }
        else if (!ReferenceEquals(prepared.Command.Transaction, transaction))
        {
            prepared.Command.Transaction = transaction;
        }

        return prepared;
    }

    /// <summary>As <see cref="Prepare(Statement)"/>, preparing asynchronously on first use where the driver is truly async.</summary>
    public ValueTask<PreparedCommand> PrepareAsync(Statement statement, CancellationToken cancellationToken)
    {
        if (_commands[statement.Slot] is not null || Backend.RunsSynchronously)
        {
            return new ValueTask<PreparedCommand>(Prepare(statement));
        }

        return PrepareNewAsync(statement, cancellationToken);
    }

    private async ValueTask<PreparedCommand> PrepareNewAsync(Statement statement, CancellationToken cancellationToken)
    {
        var prepared = Create(statement, Transaction);
        await prepared.Command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        _commands[statement.Slot] = prepared;
        return prepared;
    }

    private PreparedCommand Create(Statement statement, DbTransaction? transaction)
    {
        var command = Connection.CreateCommand();
        command.CommandText = Backend.Sql(statement);
        command.Transaction = transaction;
        var parameters = Backend.CreateParameters(statement);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return new PreparedCommand(command, parameters, Backend.CreateWriter(parameters), Backend);
    }

    /// <summary>Inserts <paramref name="rows"/> in one batch: SQLite one prepared insert in one transaction, PostgreSQL binary COPY.</summary>
    /// <returns>The number of rows inserted.</returns>
    public int InsertMany<T>(IReadOnlyList<T> rows, InsertPlan<T> plan) => Backend.InsertMany(this, rows, plan);

    /// <summary>As <see cref="InsertMany{T}"/>, asynchronously on PostgreSQL.</summary>
    public ValueTask<int> InsertManyAsync<T>(IReadOnlyList<T> rows, InsertPlan<T> plan, CancellationToken cancellationToken) =>
        Backend.InsertManyAsync(this, rows, plan, cancellationToken);

    /// <summary>Inserts <paramref name="rows"/> in batches and returns their ids in order (PostgreSQL: NpgsqlBatch with RETURNING).</summary>
    public long[] InsertManyReturningIds<T>(IReadOnlyList<T> rows, InsertPlan<T> plan) => Backend.InsertManyReturningIds(this, rows, plan);

    /// <summary>As <see cref="InsertManyReturningIds{T}"/>, asynchronously on PostgreSQL.</summary>
    public ValueTask<long[]> InsertManyReturningIdsAsync<T>(IReadOnlyList<T> rows, InsertPlan<T> plan, CancellationToken cancellationToken) =>
        Backend.InsertManyReturningIdsAsync(this, rows, plan, cancellationToken);

    /// <summary>
    /// Opens a connection as configured: SQLite with the runtime's pragmas (foreign keys, WAL, busy timeout),
    /// PostgreSQL with the configured schema as its search path.
    /// </summary>
    public static DbConnection OpenConnection(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ParsedProvider == DatabaseProvider.Postgres)
        {
            var connection = new NpgsqlConnection(PostgresSchema.ConnectionString(options));
            try
            {
                connection.Open();
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        return SqliteConnectionSetup.Open(options.ConnectionString, options.SqliteBusyTimeoutSeconds);
    }

    /// <summary>Releases the prepared commands, and the connection when this database opened it.</summary>
    public void Dispose()
    {
        ReleaseCommands();
        if (_ownsConnection)
        {
            Connection.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the prepared commands, and the connection when this database opened it.</summary>
    public async ValueTask DisposeAsync()
    {
        ReleaseCommands();
        if (_ownsConnection)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    private void ReleaseCommands()
    {
        for (var i = 0; i < _commands.Length; i++)
        {
            _commands[i]?.Dispose();
            _commands[i] = null;
        }
    }
}
