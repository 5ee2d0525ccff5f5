using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Hosting;
using AgentHive.Runtime.Writing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentHive.Tests.Writing;

/// <summary>The group-commit writer: each caller gets its own result or its own failure, in its own order.</summary>
public sealed class SqliteGroupCommitWriterTests : IDisposable
{
    private readonly WritesTable _table = new();

    [Fact]
    public async Task A_failing_unit_is_rolled_back_alone_and_the_others_commit()
    {
        // One slow unit first, so that the rest queue up and share the next transactions.
        using var hold = new ManualResetEventSlim();
        await using var writer = new SqliteGroupCommitWriter(_table.ConnectionString);
        var first = writer.WriteAsync(_ => hold.Wait(TimeSpan.FromSeconds(10)));
        var units = Enumerable.Range(0, 60).Select(i => writer.WriteAsync(connection =>
        {
            WritesTable.Insert(connection, $"unit-{i}");
            if (i % 3 == 1)
            {
                throw new InvalidOperationException($"unit {i} failed");
            }

            if (i % 3 == 2)
            {
                WritesTable.Insert(connection, "bad"); // violates the CHECK after its first row went in
            }

            return i;
        })).ToList();
        hold.Set();
        await first;

        for (var i = 0; i < units.Count; i++)
        {
            switch (i % 3)
            {
                case 0:
                    Assert.Equal(i, await units[i]);
                    break;
                case 1:
                    Assert.Equal($"unit {i} failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => units[i])).Message);
                    break;
                default:
                    Assert.Equal(19, (await Assert.ThrowsAsync<SqliteException>(() => units[i])).SqliteErrorCode); // SQLITE_CONSTRAINT
                    break;
            }
        }

        _table.AssertEachOnce(Enumerable.Range(0, 60).Where(i => i % 3 == 0).Select(i => $"unit-{i}").ToList());
    }

    [Fact]
    public async Task Each_caller_gets_its_own_result_and_its_units_run_in_the_order_handed_in()
    {
        await using var writer = new SqliteGroupCommitWriter(_table.ConnectionString, new SqliteWriterOptions { MaxBatchSize = 7 });
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            // Handed in without waiting for one another: order must still hold.
            var units = Enumerable.Range(0, 100).Select(s => writer.WriteAsync(connection =>
            {
                WritesTable.Insert(connection, $"{c}-{s}");
                return WritesTable.LastRowId(connection);
            })).ToList();
            return (Caller: c, Ids: await Task.WhenAll(units));
        })).ToList();
        var results = await Task.WhenAll(callers);

        var rows = _table.Rows();
        foreach (var (caller, ids) in results)
        {
            for (var s = 0; s < ids.Length; s++)
            {
                Assert.Equal(rows[$"{caller}-{s}"].Single(), ids[s]);
            }

            Assert.True(ids.Zip(ids.Skip(1)).All(pair => pair.First < pair.Second), $"caller {caller}'s units ran out of order");
        }

        Assert.Equal(800, rows.Count);
    }

    [Fact]
    public async Task Disposing_commits_every_unit_already_handed_in_and_refuses_later_ones()
    {
        var writer = new SqliteGroupCommitWriter(_table.ConnectionString, new SqliteWriterOptions { MaxBatchSize = 16 });
        var pending = Enumerable.Range(0, 500).Select(i => writer.WriteAsync(connection => WritesTable.Insert(connection, $"k{i}"))).ToList();

        await writer.DisposeAsync();

        Assert.All(pending, unit => Assert.True(unit.IsCompletedSuccessfully));
        _table.AssertEachOnce(Enumerable.Range(0, 500).Select(i => $"k{i}").ToList());
        var late = await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(connection => WritesTable.Insert(connection, "late")));
        Assert.Contains("disposed", late.Message);
    }

    [Fact]
    public async Task A_unit_that_ends_the_transaction_itself_fails_clearly_and_the_writer_goes_on()
    {
        // A batch that never closes for time: the three units share one transaction.
        await using var writer = new SqliteGroupCommitWriter(_table.ConnectionString, new SqliteWriterOptions { MaxBatchMilliseconds = 60_000 });
        using var hold = new ManualResetEventSlim();
        var first = writer.WriteAsync(_ => hold.Wait(TimeSpan.FromSeconds(10)));
        var before = writer.WriteAsync(connection => WritesTable.Insert(connection, "before"));
        var rogue = writer.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "ROLLBACK";
            command.ExecuteNonQuery();
        });
        hold.Set();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => rogue);
        Assert.Contains("must leave the transaction to the writer", error.Message);
        // The units before it shared the transaction that the rogue unit rolled back.
        Assert.IsType<GroupCommitException>(await Record.ExceptionAsync(() => first));
        Assert.IsType<GroupCommitException>(await Record.ExceptionAsync(() => before));
        await writer.WriteAsync(connection => WritesTable.Insert(connection, "after"));
        _table.AssertEachOnce(new[] { "after" });
    }

    [Fact]
    public async Task A_unit_cancelled_before_it_starts_does_not_run()
    {
        await using var writer = new SqliteGroupCommitWriter(_table.ConnectionString);
        using var hold = new ManualResetEventSlim();
        using var cancel = new CancellationTokenSource();
        var first = writer.WriteAsync(_ => hold.Wait(TimeSpan.FromSeconds(10)));
        var cancelled = writer.WriteAsync(connection => WritesTable.Insert(connection, "cancelled"), cancel.Token);
        var kept = writer.WriteAsync(connection => WritesTable.Insert(connection, "kept"));
        cancel.Cancel();
        hold.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await kept;
        _table.AssertEachOnce(new[] { "kept" });
    }

    [Fact]
    public async Task Writer_options_bind_from_configuration_and_the_writer_comes_from_the_container()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentHive:Database:ConnectionString"] = _table.ConnectionString,
            ["AgentHive:Database:SqliteWriter:MaxBatchSize"] = "7",
            ["AgentHive:Database:SqliteWriter:MaxBatchMilliseconds"] = "3",
            ["AgentHive:Database:SqliteWriter:QueueCapacity"] = "50",
        }).Build();

        var options = DatabaseOptions.From(configuration);
        Assert.Equal((7, 3, 50), (options.SqliteWriter.MaxBatchSize, options.SqliteWriter.MaxBatchMilliseconds, options.SqliteWriter.QueueCapacity));

        await using (var services = new ServiceCollection()
            .AddAgentHiveDatabase(configuration, typeof(AgentHive.AgentHiveSchema).Assembly)
            .AddAgentHiveSqliteWriter()
            .BuildServiceProvider())
        {
            var writer = services.GetRequiredService<SqliteGroupCommitWriter>();
            Assert.Same(writer, services.GetRequiredService<SqliteGroupCommitWriter>());
            await writer.WriteAsync(connection => WritesTable.Insert(connection, "from-di"));
        }

        _table.AssertEachOnce(new[] { "from-di" });
    }

    [Fact]
    public void Writer_refuses_postgres_and_limits_below_one_with_the_key_to_change()
    {
        var postgres = new DatabaseOptions { Provider = "postgres", ConnectionString = "Host=localhost;Database=x" };
        Assert.Contains("for SQLite", Assert.Throws<InvalidOperationException>(() => new SqliteGroupCommitWriter(postgres)).Message);

        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteGroupCommitWriter(_table.ConnectionString, new SqliteWriterOptions { MaxBatchSize = 0 }));
        Assert.Contains("AgentHive:Database:SqliteWriter:MaxBatchSize", zero.Message);
    }

    public void Dispose() => _table.Dispose();
}
