using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Writing;
using Xunit;

namespace AgentHive.Tests.Writing;

/// <summary>The in-process write gate: one writer per file at a time, served in arrival order.</summary>
public sealed class SqliteWriteGateTests : IDisposable
{
    private readonly WritesTable _table = new();

    [Fact]
    public async Task Waiting_writers_are_admitted_in_arrival_order()
    {
        var gate = SqliteWriteGate.For(_table.ConnectionString);
        var admitted = new ConcurrentQueue<int>();
        var holder = await gate.EnterAsync();
        var waiters = Enumerable.Range(0, 20).Select(i =>
        {
            var waiter = WaitAndRecord(gate, i, admitted);
            return waiter;
        }).ToList();

        Assert.Empty(admitted);
        holder.Dispose();
        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, 20), admitted);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_does_not_hold_up_the_next_one()
    {
        var gate = SqliteWriteGate.For(_table.ConnectionString);
        var holder = gate.Enter(TimeSpan.FromSeconds(1));
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(cancel.Token).AsTask();
        var timedOut = Task.Run(() => gate.Enter(TimeSpan.FromMilliseconds(50)));
        var next = gate.EnterAsync().AsTask();

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Contains("No turn to write", (await Assert.ThrowsAsync<TimeoutException>(() => timedOut)).Message);
        holder.Dispose();

        using var turn = await next.WaitAsync(TimeSpan.FromSeconds(30));
        holder.Dispose(); // a second dispose of a turn does nothing
        Assert.False(gate.EnterAsync().AsTask().IsCompleted);
    }

    [Fact]
    public void Every_spelling_of_one_file_shares_one_gate()
    {
        var relative = System.IO.Path.GetRelativePath(Environment.CurrentDirectory, _table.FilePath);
        Assert.Same(SqliteWriteGate.For(_table.ConnectionString), SqliteWriteGate.For($"Data Source={relative};Cache=Private"));
        Assert.Same(SqliteWriteGate.For(_table.ConnectionString), SqliteWriteGate.For($"Data Source=file:{_table.FilePath}?cache=private"));
        Assert.Throws<ArgumentException>(() => SqliteWriteGate.For("Data Source=:memory:"));
    }

    public void Dispose() => _table.Dispose();

    private static async Task WaitAndRecord(SqliteWriteGate gate, int index, ConcurrentQueue<int> admitted)
    {
        using (await gate.EnterAsync())
        {
            admitted.Enqueue(index);
        }
    }
}
