using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using AgentHive.Entities;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Data;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Workload;

namespace AgentHive.Benchmarks.Queues;

/// <summary>
/// Claim latency of Agent Hive's message queue, percentiles from one run (not BenchmarkDotNet: a claim
/// changes the table it measures). Usage: <c>claims [--rows N] [--postgres "connection string"]</c>.
/// 1. Routing/claim p50 and p99 with N pending messages and a concurrent writer.
/// 2. Claim latency on a fresh table, then after N processed (read) messages: without retention, after
///    retention pruned them, and (PostgreSQL) after autovacuum caught up.
/// </summary>
public static class ClaimLatency
{
    private const int Recipients = 100;

    // Databases this run created on the PostgreSQL server, dropped at the end.
    private static readonly List<string> Created = new();
    private const int Claims = 1000;
    private const int Pending = 50_000;

    public static void Run(string[] args)
    {
        var rows = args.SkipWhile(a => a != "--rows").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(200_000);
        var postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault() ?? Environment.GetEnvironmentVariable("AGENTHIVE_TEST_POSTGRES");
        var folder = Path.Combine(Path.GetTempPath(), "agenthive-claims-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Measure("SQLite", () => new DatabaseOptions { Provider = "sqlite", ConnectionString = $"Data Source={Path.Combine(folder, Guid.NewGuid().ToString("N") + ".db")}" }, rows);
            if (postgres is not null)
            {
                Measure("PostgreSQL", () => PostgresDatabase(postgres), rows);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Npgsql.NpgsqlConnection.ClearAllPools();
            foreach (var name in Created)
            {
                using var connection = new Npgsql.NpgsqlConnection(postgres);
                connection.Open();
                Execute(connection, $"DROP DATABASE {name} WITH (FORCE)");
            }
        }
    }

    private static void Measure(string backend, Func<DatabaseOptions> create, int rows)
    {
        var options = create();
        new SchemaMigrator(options, typeof(AgentHiveSchema).Assembly).Up();
        using var connection = SchemaDatabase.OpenConnection(options);
        using var database = new AgentHiveDatabase(connection);
        var agents = Enumerable.Range(0, Recipients).Select(i => database.Agents.Insert(new Agent { Name = $"agent-{i}", AgentType = AgentType.Worker })).ToArray();

        Fill(database, agents, rows);
        Analyze(connection);
        var (p50, p99) = WithWriter(options, agents, () => ClaimAndAck(database, agents, Claims));
        Console.WriteLine($"{backend}: claim 10 of a recipient, {rows:N0} pending, concurrent writer: p50 {p50:F2} ms, p99 {p99:F2} ms");

        // Fresh: a queue of 50,000 pending messages. Then the same queue after `rows` processed messages.
        var fresh = create();
        new SchemaMigrator(fresh, typeof(AgentHiveSchema).Assembly).Up();
        using var freshConnection = SchemaDatabase.OpenConnection(fresh);
        using var freshDatabase = new AgentHiveDatabase(freshConnection);
        var freshAgents = Enumerable.Range(0, Recipients).Select(i => freshDatabase.Agents.Insert(new Agent { Name = $"agent-{i}", AgentType = AgentType.Worker })).ToArray();
        Fill(freshDatabase, freshAgents, Pending);
        Analyze(freshConnection);
        var baseline = ClaimAndAck(freshDatabase, freshAgents, Claims);
        Console.WriteLine($"{backend}: fresh table ({Pending:N0} pending): p50 {baseline.P50:F2} ms, p99 {baseline.P99:F2} ms");

        Fill(freshDatabase, freshAgents, rows);
        Process(freshConnection);
        Fill(freshDatabase, freshAgents, Pending);
        Analyze(freshConnection);
        Report(backend, $"{Pending:N0} pending after {rows:N0} processed, no retention", ClaimAndAck(freshDatabase, freshAgents, Claims), baseline);

        var retention = AgentHiveSchema.Workload.Retention.Single(r => r.Table == "agent_messages");
        var pruned = WorkloadMaintenance.Prune(freshConnection, retention, 5000, keep: TimeSpan.Zero);
        Report(backend, $"after retention pruned {pruned.Rows:N0} rows", ClaimAndAck(freshDatabase, freshAgents, Claims), baseline);
        if (WaitForAutovacuum(freshConnection))
        {
            Report(backend, "after autovacuum (queue storage parameters)", ClaimAndAck(freshDatabase, freshAgents, Claims), baseline);
        }
    }

    private static void Report(string backend, string what, (double P50, double P99) run, (double P50, double P99) baseline) =>
        Console.WriteLine($"{backend}: {what}: p50 {run.P50:F2} ms ({run.P50 / baseline.P50:F2}x fresh), p99 {run.P99:F2} ms ({run.P99 / baseline.P99:F2}x fresh)");

    private static void Fill(AgentHiveDatabase database, long[] agents, int rows)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var done = 0; done < rows; done += 10_000)
        {
            database.AgentMessages.InsertMany(Enumerable.Range(done, Math.Min(10_000, rows - done)).Select(i => new AgentMessage
            {
                ToAgentId = agents[i % agents.Length],
                MessageType = MessageType.Request,
                Priority = 1 + (i % 10),
                SentAt = start.AddTicks(i),
            }).ToList());
        }
    }

    // Processed messages: delivered, then read (the state machine allows no shortcut).
    private static void Process(System.Data.Common.DbConnection connection)
    {
        Execute(connection, "UPDATE agent_messages SET status = 'delivered' WHERE status = 'pending'");
        Execute(connection, "UPDATE agent_messages SET status = 'read' WHERE status = 'delivered'");
    }

    private static void Analyze(System.Data.Common.DbConnection connection) => Execute(connection, "ANALYZE");

    private static bool WaitForAutovacuum(System.Data.Common.DbConnection connection)
    {
        if (connection is not Npgsql.NpgsqlConnection)
        {
            return false;
        }

        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(150))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'agent_messages'";
            if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) < 1000)
            {
                return true;
            }

            Thread.Sleep(2000);
        }

        Console.WriteLine("PostgreSQL: autovacuum did not run within 150 s");
        return false;
    }

    private static (double P50, double P99) ClaimAndAck(AgentHiveDatabase database, long[] agents, int claims)
    {
        var queue = database.AgentMessageQueue;
        var random = new Random(42);
        var latencies = new List<double>(claims);
        for (var i = 0; i < claims; i++)
        {
            var watch = Stopwatch.StartNew();
            var batch = queue.Claim(agents[random.Next(agents.Length)], "bench", 10);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            foreach (var message in batch)
            {
                queue.Ack(message.Id!.Value, "bench");
            }
        }

        latencies.Sort();
        return (latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)]);
    }

    private static T WithWriter<T>(DatabaseOptions options, long[] agents, Func<T> measure)
    {
        var stop = false;
        var writer = new Thread(() =>
        {
            using var connection = SchemaDatabase.OpenConnection(options);
            using var database = new AgentHiveDatabase(connection);
            var i = 0;
            while (!Volatile.Read(ref stop))
            {
                database.AgentMessages.Insert(new AgentMessage { ToAgentId = agents[i++ % agents.Length], MessageType = MessageType.Broadcast });
                Thread.Sleep(1);
            }
        });
        writer.Start();
        try
        {
            return measure();
        }
        finally
        {
            Volatile.Write(ref stop, true);
            writer.Join();
        }
    }

    private static DatabaseOptions PostgresDatabase(string admin)
    {
        var name = "agenthive_claims_" + Guid.NewGuid().ToString("N");
        Created.Add(name);
        using (var connection = new Npgsql.NpgsqlConnection(admin))
        {
            connection.Open();
            Execute(connection, $"CREATE DATABASE {name}");
        }

        return new DatabaseOptions { Provider = "postgres", ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString };
    }

    private static void Execute(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        command.ExecuteNonQuery();
    }
}
