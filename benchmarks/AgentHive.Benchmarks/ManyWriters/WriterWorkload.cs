using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Sqlite;
using AgentHive.Runtime.Writing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentHive.Benchmarks.ManyWriters;

/// <summary>How the writers of one run reach the database.</summary>
public enum WriterMode
{
    /// <summary>Own connection each, as the runtime opens it (SQLite's own busy handler, busy_timeout 5 s).</summary>
    SqliteRuntime,

    /// <summary>Own connection each, as the runtime opens it, with the opt-in fair busy handler installed.</summary>
    SqliteFairBusy,

    /// <summary>Own runtime connection each, and the in-process FIFO write gate around each transaction.</summary>
    SqliteGate,

    /// <summary>All writers of a process share one group-commit writer.</summary>
    SqliteGroupCommit,

    /// <summary>Own PostgreSQL connection each.</summary>
    Postgres,
}

/// <summary>Commit latencies (Stopwatch ticks) and errors of one writer.</summary>
public sealed class WriterTally
{
    public List<long> Latencies { get; } = new(1 << 16);

    public long Busy { get; set; }

    public long Failed { get; set; }

    public string? FirstError { get; set; }
}

/// <summary>
/// One agent-like writer: transactions of two event rows (the landed schema's <c>events</c> table, with its
/// five indexes), back to back, each timed from asking to write until its commit returned.
/// </summary>
public static class WriterWorkload
{
    public const int RowsPerTransaction = 2;

    private const string InsertSql =
        "INSERT INTO events (event_type, severity, message, details, correlation_id) VALUES (@type, 'info', @message, '{}', @correlation)";

    /// <summary>Starts one writer: it writes from <paramref name="startAt"/> to <paramref name="stopAt"/>, counting what starts after <paramref name="measureFrom"/>.</summary>
    public static Task<WriterTally> Start(WriterMode mode, string connectionString, int writer, DateTime startAt, DateTime measureFrom, DateTime stopAt, SqliteGroupCommitWriter? shared) =>
        mode == WriterMode.SqliteGroupCommit
            ? Task.Run(() => GroupCommitLoop(shared!, writer, startAt, measureFrom, stopAt))
            : Task.Factory.StartNew(() => ConnectionLoop(mode, connectionString, writer, startAt, measureFrom, stopAt), TaskCreationOptions.LongRunning);

    private static WriterTally ConnectionLoop(WriterMode mode, string connectionString, int writer, DateTime startAt, DateTime measureFrom, DateTime stopAt)
    {
        var tally = new WriterTally();
        using var connection = Open(mode, connectionString);
        using var insert = Insert(connection);
        var gate = mode == WriterMode.SqliteGate ? SqliteWriteGate.For(connectionString) : null;
        WaitUntil(startAt);
        for (long sequence = 0; DateTime.UtcNow < stopAt; sequence++)
        {
            var started = Stopwatch.GetTimestamp();
            var measured = DateTime.UtcNow >= measureFrom;
            try
            {
                using (gate?.Enter(TimeSpan.FromSeconds(30)))
                using (var transaction = connection.BeginTransaction())
                {
                    insert.Transaction = transaction;
                    for (var row = 0; row < RowsPerTransaction; row++)
                    {
                        Fill(insert, writer, sequence, row);
                        insert.ExecuteNonQuery();
                    }

                    transaction.Commit();
                }

                if (measured)
                {
                    tally.Latencies.Add(Stopwatch.GetTimestamp() - started);
                }
            }
            catch (Exception ex)
            {
                Count(tally, ex);
            }
        }

        return tally;
    }

    private static async Task<WriterTally> GroupCommitLoop(SqliteGroupCommitWriter shared, int writer, DateTime startAt, DateTime measureFrom, DateTime stopAt)
    {
        var tally = new WriterTally();
        var delay = startAt - DateTime.UtcNow;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }

        for (long sequence = 0; DateTime.UtcNow < stopAt; sequence++)
        {
            var started = Stopwatch.GetTimestamp();
            var measured = DateTime.UtcNow >= measureFrom;
            var current = sequence;
            try
            {
                await shared.WriteAsync(connection =>
                {
                    var insert = CachedInsert(connection);
                    for (var row = 0; row < RowsPerTransaction; row++)
                    {
                        Fill(insert, writer, current, row);
                        insert.ExecuteNonQuery();
                    }
                });
                if (measured)
                {
                    tally.Latencies.Add(Stopwatch.GetTimestamp() - started);
                }
            }
            catch (Exception ex)
            {
                Count(tally, ex);
            }
        }

        return tally;
    }

    private static DbConnection Open(WriterMode mode, string connectionString)
    {
        if (mode == WriterMode.Postgres)
        {
            var pg = new NpgsqlConnection(connectionString);
            pg.Open();
            return pg;
        }

        var sqlite = SqliteConnectionSetup.Open(connectionString);
        if (mode == WriterMode.SqliteFairBusy)
        {
            SqliteFairBusyHandler.Install(sqlite, TimeSpan.FromSeconds(5));
        }

        return sqlite;
    }

    private static DbCommand Insert(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = InsertSql;
        foreach (var name in new[] { "type", "message", "correlation" })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = string.Empty;
            command.Parameters.Add(parameter);
        }

        if (connection is NpgsqlConnection)
        {
            command.CommandText = command.CommandText.Replace("'{}'", "'{}'::jsonb", StringComparison.Ordinal);
        }

        return command;
    }

    // The writer thread runs every unit on one connection; one prepared insert per connection serves them all.
    [ThreadStatic]
    private static (SqliteConnection Connection, DbCommand Command)? _cached;

    private static DbCommand CachedInsert(SqliteConnection connection)
    {
        if (_cached is not { } cached || !ReferenceEquals(cached.Connection, connection))
        {
            _cached = cached = (connection, Insert(connection));
        }

        return cached.Command;
    }

    private static void Fill(DbCommand insert, int writer, long sequence, int row)
    {
        insert.Parameters[0].Value = "agent.step";
        insert.Parameters[1].Value = "step done";
        insert.Parameters[2].Value = $"w{writer}-{sequence}-{row}";
    }

    // Errors count in the warm-up too: a busy error is one whenever it happens.
    private static void Count(WriterTally tally, Exception ex)
    {
        if (ex is SqliteException { SqliteErrorCode: 5 or 6 } or TimeoutException)
        {
            tally.Busy++;
        }
        else
        {
            tally.Failed++;
        }

        tally.FirstError ??= ex.GetType().Name + ": " + ex.Message;
        if (Environment.GetEnvironmentVariable("AGENTHIVE_WRITERS_TRACE") is not null && tally.Busy + tally.Failed < 3)
        {
            Console.Error.WriteLine(ex.ToString());
        }
    }

    private static void WaitUntil(DateTime startAt)
    {
        var delay = startAt - DateTime.UtcNow;
        if (delay > TimeSpan.Zero)
        {
            Thread.Sleep(delay);
        }
    }
}
