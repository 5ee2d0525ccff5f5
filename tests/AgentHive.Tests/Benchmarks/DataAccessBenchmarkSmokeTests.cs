using System;
using System.Collections;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using AgentHive.Benchmarks.DataAccess;
using AgentHive.Entities;
using AgentHive.Tests.Database;
using BenchmarkDotNet.Attributes;
using Xunit;

namespace AgentHive.Tests.Benchmarks;

/// <summary>
/// The data-access benchmarks as a smoke test: every benchmark method runs once after the global setup, on
/// a small data set, and must return what the data set says. No timing is asserted.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DataAccessBenchmarkSmokeTests
{
    // 20 pending messages per agent: the routing read still has more candidates than it returns.
    private static readonly MessageDataSet Small = new(10, 200);

    private static readonly string[] Contenders = { "Raw", "Dapper", "Ef", "Generated" };

    private readonly PostgresServer _server;

    public DataAccessBenchmarkSmokeTests(PostgresServer server) => _server = server;

    [Fact]
    public async Task Sqlite_benchmarks_each_run_once_and_return_the_data_sets_rows()
    {
        using var database = new SqliteTestDatabase();
        var benchmarks = new SqliteDataAccessBenchmarks { ConnectionString = database.Options.ConnectionString, Data = Small };
        await RunEveryBenchmarkOnce(benchmarks, benchmarks.Setup, benchmarks.Cleanup, database.Open);
    }

    [Fact]
    public async Task Postgres_benchmarks_each_run_once_and_return_the_data_sets_rows()
    {
        using var database = new PostgresTestDatabase(_server);
        var benchmarks = new PostgresDataAccessBenchmarks { ConnectionString = database.ConnectionString, Data = Small };
        await RunEveryBenchmarkOnce(benchmarks, benchmarks.Setup, benchmarks.Cleanup, database.Open);
    }

    [Fact]
    public void Setup_is_idempotent_and_removes_what_inserts_left()
    {
        using var database = new SqliteTestDatabase();
        var first = new SqliteDataAccessBenchmarks { ConnectionString = database.Options.ConnectionString, Data = Small };
        first.Setup();
        first.InsertBatch1000_Raw();
        // A run killed before its cleanup leaves its rows; the next setup starts from the data set again.
        var second = new SqliteDataAccessBenchmarks { ConnectionString = database.Options.ConnectionString, Data = Small };
        second.Setup();
        using (var connection = database.Open())
        {
            Assert.Equal(0, MessageSeed.SinkCount(connection, Small));
            Assert.Equal(Small.MessageCount, BenchmarksScalar(connection, "SELECT COUNT(*) FROM agent_messages"));
        }

        first.Cleanup();
        second.Cleanup();
    }

    private static async Task RunEveryBenchmarkOnce(object benchmarks, Action setup, Action cleanup, Func<DbConnection> open)
    {
        var byCategory = benchmarks.GetType().GetMethods()
            .Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)
            .GroupBy(m => m.GetCustomAttribute<BenchmarkCategoryAttribute>()!.Categories.Single())
            .ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(
            new[] { Categories.InsertBatch, Categories.InsertOne, Categories.ReadByKey, Categories.Routing, Categories.UpdateByKey },
            byCategory.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (category, methods) in byCategory)
        {
            Assert.Single(methods, m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline);
            foreach (var contender in Contenders)
            {
                Assert.Contains(methods, m => m.Name.StartsWith($"{category}_{contender}", StringComparison.Ordinal));
            }
        }

        setup();
        try
        {
            using var connection = open();
            foreach (var method in byCategory[Categories.ReadByKey])
            {
                var message = (AgentMessage)(await Invoke(benchmarks, method))!;
                Assert.Equal(Small.Expected(message.Id!.Value), message);
            }

            var routing = Small.ExpectedRouting().Select(Small.Expected).ToList();
            Assert.Equal(MessageDataSet.RoutingLimit, routing.Count);
            Assert.True(routing.Select(m => m.Priority).Distinct().Count() > 1, "the routing rows must differ in priority to test the order");
            foreach (var method in byCategory[Categories.Routing])
            {
                Assert.Equal(routing, ((IEnumerable)(await Invoke(benchmarks, method))!).Cast<AgentMessage>());
            }

            var template = Small.NewMessage(0);
            foreach (var method in byCategory[Categories.InsertOne])
            {
                var id = (long)(await Invoke(benchmarks, method))!;
                Assert.True(id > Small.MessageCount, $"{method.Name} returned id {id}");
                Assert.Equal(template with { Id = id }, ReadMessage(connection, id));
            }

            foreach (var method in byCategory[Categories.InsertBatch])
            {
                var before = MessageSeed.SinkCount(connection, Small);
                Assert.Equal(MessageDataSet.BatchSize, (int)(await Invoke(benchmarks, method))!);
                Assert.Equal(before + MessageDataSet.BatchSize, MessageSeed.SinkCount(connection, Small));
            }

            // Each call rewrites the next target row with attempts = 3 (the seed wrote 0).
            var targets = Small.UpdateTargets(1_024).Odd;
            var updates = byCategory[Categories.UpdateByKey];
            foreach (var method in updates)
            {
                // One row changed: a count of 1, or true where the API answers whether the row existed.
                Assert.Contains(await Invoke(benchmarks, method), new object[] { 1, true });
            }

            Assert.All(targets.Take(updates.Count), target => Assert.Equal(target, ReadMessage(connection, target.Id!.Value)));
            Assert.Equal(Small.Expected(targets[updates.Count].Id!.Value), ReadMessage(connection, targets[updates.Count].Id!.Value));
        }
        finally
        {
            cleanup();
        }

        using var after = open();
        Assert.Equal(0, MessageSeed.SinkCount(after, Small));
    }

    private static async Task<object?> Invoke(object benchmarks, MethodInfo method)
    {
        var result = method.Invoke(benchmarks, null);
        if (result is not null && method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            result = method.ReturnType.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(result, null);
        }

        if (result is Task task)
        {
            await task;
            return task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task);
        }

        return result;
    }

    private static AgentMessage ReadMessage(DbConnection connection, long id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = MessageSql.SelectById.Replace("@id", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), $"no message {id}");
        return MessageSeed.ReadMessage(reader);
    }

    private static long BenchmarksScalar(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
