using System;
using System.Diagnostics;
using System.Threading;
using Npgsql;

namespace AgentHive.Tests.Online;

/// <summary>
/// An application session that keeps running short statements on its own connection until stopped,
/// timing each one: the longest is how long the application waited for the migrator.
/// </summary>
internal sealed class ConcurrentWriter : IDisposable
{
    private readonly Thread _thread;
    private readonly string _connectionString;
    private readonly string[] _statements;
    private volatile bool _stop;

    /// <param name="connectionString">The database.</param>
    /// <param name="statements">Run in turn, each in its own transaction; <c>@n</c> is bound to a counter (a row id in range).</param>
    public ConcurrentWriter(string connectionString, params string[] statements)
    {
        _connectionString = connectionString;
        _statements = statements;
        _thread = new Thread(Run) { IsBackground = true };
        _thread.Start();
        Started.Wait(TimeSpan.FromSeconds(30));
    }

    private ManualResetEventSlim Started { get; } = new();

    public TimeSpan LongestWait { get; private set; }

    public string LongestStatement { get; private set; } = string.Empty;

    public long Statements { get; private set; }

    public Exception? Failure { get; private set; }

    /// <summary>Stops the writer and returns once its last statement has finished.</summary>
    public void Stop()
    {
        _stop = true;
        _thread.Join();
    }

    public void Dispose() => Stop();

    private void Run()
    {
        try
        {
            using var connection = new NpgsqlConnection(_connectionString);
            connection.Open();
            var n = 0L;
            while (!_stop)
            {
                foreach (var sql in _statements)
                {
                    using var command = new NpgsqlCommand(sql, connection);
                    command.CommandTimeout = 120;
                    if (sql.Contains("@n", StringComparison.Ordinal))
                    {
                        command.Parameters.AddWithValue("n", ++n % 20_000 + 1);
                    }

                    var watch = Stopwatch.StartNew();
                    command.ExecuteNonQuery();
                    if (watch.Elapsed > LongestWait)
                    {
                        (LongestWait, LongestStatement) = (watch.Elapsed, sql);
                    }

                    Statements++;
                    Started.Set();
                }
            }
        }
        catch (Exception ex)
        {
            Failure = ex;
            Started.Set();
        }
    }
}
