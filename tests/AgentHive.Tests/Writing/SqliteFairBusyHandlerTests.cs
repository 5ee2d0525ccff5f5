using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Sqlite;
using AgentHive.Runtime.Writing;
using Xunit;

namespace AgentHive.Tests.Writing;

/// <summary>The fair busy handler, installed on a connection instead of SQLite's sleep schedule.</summary>
public sealed class SqliteFairBusyHandlerTests : IDisposable
{
    private readonly WritesTable _table = new();

    [Fact]
    public async Task A_connection_with_the_fair_handler_waits_in_it_for_the_write_lock_and_then_writes()
    {
        using var holder = SqliteConnectionSetup.Open(_table.ConnectionString);
        using var held = holder.BeginTransaction();
        WritesTable.Insert(holder, "holder", held);
        using var waiting = new ManualResetEventSlim();

        var waiter = Task.Factory.StartNew(() =>
        {
            using var connection = SqliteConnectionSetup.Open(_table.ConnectionString);
            SqliteFairBusyHandler.Install(connection, TimeSpan.FromSeconds(5));
            SqliteFairBusyHandler.RetriesOnThisThread = 0;
            waiting.Set();
            using var transaction = connection.BeginTransaction();
            WritesTable.Insert(connection, "waiter", transaction);
            transaction.Commit();
            return SqliteFairBusyHandler.RetriesOnThisThread;
        }, TaskCreationOptions.LongRunning);

        Assert.True(waiting.Wait(TimeSpan.FromSeconds(10)));
        // Long enough for the waiter to reach the lock; the lock is held until then, however long that takes.
        await Task.Delay(TimeSpan.FromSeconds(1));
        held.Commit();

        Assert.True(await waiter > 0, "the waiting connection never went through the fair busy handler");
        _table.AssertEachOnce(new[] { "holder", "waiter" });
    }

    [Fact]
    public void Newcomers_sleep_up_to_twenty_milliseconds_and_long_waiters_one()
    {
        var random = new Random(12);
        var newcomer = Enumerable.Range(0, 2000).Select(_ => SqliteFairBusyHandler.SleepMilliseconds(TimeSpan.Zero, random)).ToList();
        var aged = Enumerable.Range(0, 2000).Select(_ => SqliteFairBusyHandler.SleepMilliseconds(TimeSpan.FromMilliseconds(150), random)).ToList();

        Assert.Equal((1, 20), (newcomer.Min(), newcomer.Max()));
        Assert.All(aged, sleep => Assert.Equal(1, sleep));
        Assert.True(SqliteFairBusyHandler.SleepMilliseconds(TimeSpan.FromMilliseconds(50), random) <= 11);
    }

    [Fact]
    public void Runtime_connections_keep_sqlite_s_own_busy_handler()
    {
        // The fair handler is opt-in (docs/many-writers.md): a runtime connection still reports its busy_timeout.
        using var connection = SqliteConnectionSetup.Open(_table.ConnectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal(5000L, command.ExecuteScalar());

        SqliteFairBusyHandler.Install(connection, TimeSpan.FromSeconds(5));
        Assert.Equal(0L, command.ExecuteScalar()); // SQLite reports only its own handler's timeout
    }

    public void Dispose() => _table.Dispose();
}
