using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Sqlite;
using AgentHive.Runtime.Writing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentHive.Tests.Writing;

/// <summary>50 writers at once on one SQLite file, as tasks of one process and as separate OS processes.</summary>
public sealed class ManyWritersTests : IDisposable
{
    private const int Writers = 50;
    private const int Transactions = 20;
    private readonly WritesTable _table = new();

    public static TheoryData<string> Modes => new() { "connections", "group-commit" };

    [Fact]
    public async Task Fifty_tasks_on_their_own_runtime_connections_write_every_row_once_without_busy_errors()
    {
        var errors = new ConcurrentQueue<Exception>();
        using var start = new Barrier(Writers);
        var threads = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(() =>
        {
            using var connection = SqliteConnectionSetup.Open(_table.ConnectionString);
            start.SignalAndWait();
            for (var t = 0; t < Transactions; t++)
            {
                try
                {
                    using var transaction = connection.BeginTransaction();
                    WritesTable.Insert(connection, Key(w, t, "a"), transaction);
                    WritesTable.Insert(connection, Key(w, t, "b"), transaction);
                    transaction.Commit();
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(threads);

        Assert.Empty(errors);
        _table.AssertEachOnce(Expected("", Writers, Transactions));
    }

    [Fact]
    public async Task Fifty_tasks_behind_the_write_gate_write_every_row_once_without_busy_errors()
    {
        var gate = SqliteWriteGate.For(_table.ConnectionString);
        var errors = new ConcurrentQueue<Exception>();
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            using var connection = SqliteConnectionSetup.Open(_table.ConnectionString);
            for (var t = 0; t < Transactions; t++)
            {
                try
                {
                    using (await gate.EnterAsync())
                    using (var transaction = connection.BeginTransaction())
                    {
                        WritesTable.Insert(connection, Key(w, t, "a"), transaction);
                        WritesTable.Insert(connection, Key(w, t, "b"), transaction);
                        transaction.Commit();
                    }
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.Empty(errors);
        _table.AssertEachOnce(Expected("", Writers, Transactions));
    }

    [Fact]
    public async Task Fifty_tasks_through_one_group_commit_writer_write_every_row_once()
    {
        await using var writer = new SqliteGroupCommitWriter(_table.ConnectionString);
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var t = 0; t < Transactions; t++)
            {
                var transaction = t;
                await writer.WriteAsync(connection =>
                {
                    WritesTable.Insert(connection, Key(w, transaction, "a"));
                    WritesTable.Insert(connection, Key(w, transaction, "b"));
                });
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        _table.AssertEachOnce(Expected("", Writers, Transactions));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Four_processes_of_writers_write_every_row_once_without_busy_errors(string mode)
    {
        const int processes = 4;
        const int perProcess = 12;
        // A shared start after every process has loaded, so their writes overlap.
        var startAt = (DateTime.UtcNow + TimeSpan.FromSeconds(4)).Ticks.ToString(CultureInfo.InvariantCulture);
        var children = Enumerable.Range(0, processes)
            .Select(p => StartWriterProcess(mode, perProcess, $"p{p}", startAt))
            .ToList();

        var expected = new List<string>();
        foreach (var (child, index) in children.Select((c, i) => (c, i)))
        {
            using (child)
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var output = child.StandardOutput.ReadToEndAsync(limit.Token);
                var errors = child.StandardError.ReadToEndAsync(limit.Token);
                await child.WaitForExitAsync(limit.Token);
                Assert.True(child.ExitCode == 0, $"writer process {index} exited with {child.ExitCode}: {await output} {await errors}");
                Assert.Equal("busy=0 failed=0", (await output).Trim());
            }

            expected.AddRange(Expected($"p{index}-", perProcess, Transactions));
        }

        _table.AssertEachOnce(expected);
    }

    public void Dispose() => _table.Dispose();

    private static string Key(int writer, int transaction, string row) => $"{writer}-{transaction}-{row}";

    private static IEnumerable<string> Expected(string prefix, int writers, int transactions) =>
        from w in Enumerable.Range(0, writers)
        from t in Enumerable.Range(0, transactions)
        from row in new[] { "a", "b" }
        select prefix + Key(w, t, row);

    private Process StartWriterProcess(string mode, int writers, string prefix, string startAt)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[]
                 {
                     "exec", WriterProcessPath, mode, _table.ConnectionString, writers.ToString(CultureInfo.InvariantCulture),
                     Transactions.ToString(CultureInfo.InvariantCulture), prefix, startAt,
                 })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start the writer process");
    }

    private static string WriterProcessPath { get; } = FindWriterProcess();

    private static string FindWriterProcess()
    {
        var configuration = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Contains("Release") ? "Release" : "Debug";
        var path = RepositoryPaths.Combine("tests", "AgentHive.WriterProcess", "bin", configuration, "net10.0", "AgentHive.WriterProcess.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.");
    }
}
