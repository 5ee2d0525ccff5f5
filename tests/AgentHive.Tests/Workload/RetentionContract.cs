using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using AgentHive.Entities;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Workload;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.Workload;

/// <summary>Retention and memory management as Agent Hive declares them, on each backend.</summary>
public abstract class RetentionContract : IDisposable
{
    private static readonly WorkloadCatalog Catalog = global::AgentHive.AgentHiveSchema.Workload;

    protected RetentionContract(TestDatabase database)
    {
        Database = database;
        new SchemaMigrator(database.Options, AgentHiveBuild.Assembly).Up();
    }

    protected TestDatabase Database { get; }

    public void Dispose() => Database.Dispose();

    private static RetentionDefinition Retention(string table) => Catalog.Retention.Single(r => r.Table == table);

    [Fact]
    public void Agent_Hive_declares_retention_for_events_metrics_messages_and_tasks()
    {
        Assert.Equal(new[] { "agent_messages", "events", "performance_metrics", "tasks" }, Catalog.Retention.Select(r => r.Table).OrderBy(t => t));
        Assert.Equal(TimeSpan.FromDays(30), Retention("events").Keep);
        Assert.Equal(new[] { "agent_messages", "tasks" }, Catalog.Queues.Select(q => q.Table).OrderBy(t => t));
        Assert.Equal("memory_snapshots", Assert.Single(Catalog.Memory).Table);
    }

    [Fact]
    public void Retention_deletes_exactly_the_rows_past_their_horizon_in_bounded_batches()
    {
        var agent = Agent("a");
        Execute(Enumerable.Range(0, 25).Select(i => Event($"old-{i}", TimeSpan.FromDays(40 + i))));
        Execute(Enumerable.Range(0, 5).Select(i => Event($"new-{i}", TimeSpan.FromDays(29))));
        Execute(Enumerable.Range(0, 10).Select(i => Metric(agent, TimeSpan.FromDays(91 + i))).Concat(Enumerable.Range(0, 3).Select(i => Metric(agent, TimeSpan.FromDays(1)))));
        var readOld = Enumerable.Range(0, 6).Select(_ => Message(agent, TimeSpan.FromDays(8))).ToList();
        var pendingOld = Enumerable.Range(0, 4).Select(_ => Message(agent, TimeSpan.FromDays(8))).ToList();
        var readNew = Enumerable.Range(0, 3).Select(_ => Message(agent, TimeSpan.FromDays(6))).ToList();
        Database.Execute($"UPDATE agent_messages SET status = 'delivered' WHERE id IN ({string.Join(", ", readOld.Concat(readNew))})");
        Database.Execute($"UPDATE agent_messages SET status = 'read' WHERE id IN ({string.Join(", ", readOld.Concat(readNew))})");

        using var connection = Database.Open();
        var events = WorkloadMaintenance.Prune(connection, Retention("events"), batchSize: 7);
        var metrics = WorkloadMaintenance.Prune(connection, Retention("performance_metrics"), batchSize: 7);
        var messages = WorkloadMaintenance.Prune(connection, Retention("agent_messages"), batchSize: 7);

        Assert.Equal((25L, 4), (events.Rows, events.Batches));
        Assert.Equal(new[] { "new-0", "new-1", "new-2", "new-3", "new-4" }, Strings("SELECT event_type FROM events ORDER BY event_type"));
        Assert.Equal((10L, 2), (metrics.Rows, metrics.Batches));
        Assert.Equal(3, Database.Scalar("SELECT COUNT(*) FROM performance_metrics"));
        Assert.Equal(6, messages.Rows);
        Assert.Equal(pendingOld.Concat(readNew).OrderBy(id => id), Database.Longs("SELECT id FROM agent_messages ORDER BY id"));
    }

    [Fact]
    public void Finished_tasks_are_pruned_but_never_a_parent_whose_child_is_still_open()
    {
        long Task(string title, long? parent = null) =>
            Database.Scalar($"INSERT INTO tasks (title, parent_task_id) VALUES ('{title}', {(parent?.ToString() ?? "NULL")}) RETURNING id");
        void Move(long id, params string[] states)
        {
            foreach (var state in states)
            {
                Database.Execute($"UPDATE tasks SET status = '{state}' WHERE id = {id}");
            }
        }

        var parent = Task("parent");
        var child = Task("child", parent);
        var done = Enumerable.Range(0, 4).Select(i => Task($"done-{i}")).ToList();
        var cancelled = Task("cancelled");
        var open = Task("open");
        var failed = Task("failed");
        Move(parent, "assigned", "completed");
        done.ForEach(id => Move(id, "assigned", "in_progress", "completed"));
        Move(cancelled, "cancelled");
        Move(failed, "assigned", "failed");
        Thread.Sleep(1000);
        var recent = Task("recent");
        Move(recent, "assigned", "completed");

        // updated_at is set by the database on every change: age is measured from the moves above.
        using var connection = Database.Open();
        var keep = TimeSpan.FromMilliseconds(500);
        Assert.Equal(5, WorkloadMaintenance.Prune(connection, Retention("tasks"), batchSize: 2, keep: keep).Rows);
        Assert.Equal(new[] { "child", "failed", "open", "parent", "recent" }, Strings("SELECT title FROM tasks ORDER BY title"));

        Move(child, "assigned", "completed");
        Thread.Sleep(700);
        WorkloadMaintenance.Prune(connection, Retention("tasks"), keep: keep);
        WorkloadMaintenance.Prune(connection, Retention("tasks"), keep: keep);
        Assert.Equal(new[] { "failed", "open" }, Strings("SELECT title FROM tasks ORDER BY title"));
    }

    [Fact]
    public void Pruning_holds_a_concurrent_writer_back_for_at_most_about_one_batch()
    {
        const int rows = 40_000;
        for (var start = 0; start < rows; start += 2000)
        {
            Execute(new[] { "INSERT INTO events (event_type, created_at) VALUES " + string.Join(", ",
                Enumerable.Range(start, 2000).Select(i => $"('old-{i}', '{WorkloadTime.Ago(TimeSpan.FromDays(31 + (i % 100)))}')")) });
        }

        var latencies = new List<TimeSpan>();
        var pruning = true;
        var writer = new Thread(() =>
        {
            using var connection = Database.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO events (event_type) VALUES ('live')";
            while (Volatile.Read(ref pruning))
            {
                var watch = Stopwatch.StartNew();
                command.ExecuteNonQuery();
                lock (latencies)
                {
                    latencies.Add(watch.Elapsed);
                }

                Thread.Sleep(2);
            }
        });

        writer.Start();
        Thread.Sleep(100);
        var total = Stopwatch.StartNew();
        MaintenanceResult result;
        using (var connection = Database.Open())
        {
            result = WorkloadMaintenance.Prune(connection, Retention("events"), batchSize: 1000);
        }

        total.Stop();
        Volatile.Write(ref pruning, false);
        writer.Join();

        Assert.Equal(rows, result.Rows);
        Assert.True(result.Batches >= 40, $"{result.Batches} batches");
        var bound = (result.LongestBatch * 2) + TimeSpan.FromMilliseconds(250);
        var worst = latencies.Max();
        Assert.True(total.Elapsed > bound, $"the prune ({total.Elapsed.TotalMilliseconds:F0} ms) must outlast the bound ({bound.TotalMilliseconds:F0} ms) for this test to mean anything");
        Assert.True(worst <= bound, $"a write waited {worst.TotalMilliseconds:F0} ms; longest batch {result.LongestBatch.TotalMilliseconds:F0} ms");
        Assert.True(latencies.Count > 20, $"only {latencies.Count} writes during the prune");
        Assert.Equal(latencies.Count, Database.Scalar("SELECT COUNT(*) FROM events WHERE event_type = 'live'"));
    }

    [Fact]
    public void Storing_the_same_content_again_touches_the_one_row_of_its_agent()
    {
        var memory = Catalog.Memory.Single();
        var (a, b) = (Agent("a"), Agent("b"));
        var (sessionA, sessionB) = (Session(a), Session(b));
        using var connection = Database.Open();

        var first = MemoryStore.StoreOrTouch(connection, memory, Snapshot(a, sessionA, "the plan", 0.3).AddInsertParameters);
        var again = MemoryStore.StoreOrTouch(connection, memory, Snapshot(a, sessionA, "the plan", 0.7).AddInsertParameters);
        var other = MemoryStore.StoreOrTouch(connection, memory, Snapshot(b, sessionB, "the plan", 0.2).AddInsertParameters);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(2, Database.Scalar("SELECT COUNT(*) FROM memory_snapshots"));
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM memory_snapshots WHERE id = {first} AND importance_score = 0.7 AND last_accessed_at IS NOT NULL"));
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM memory_snapshots WHERE id = {other} AND last_accessed_at IS NULL"));
        // The unique index refuses a second row however it is written.
        Assert.ThrowsAny<DbException>(() => Database.Execute(
            $"INSERT INTO memory_snapshots (session_id, agent_id, memory_type, content, content_hash) VALUES ({sessionA}, {a}, 'episodic', 'x', '{Hash("the plan")}')"));
    }

    [Fact]
    public void Memory_pruning_keeps_each_agents_most_important_and_drops_unused_unimportant_ones()
    {
        var declared = Catalog.Memory.Single();
        var (a, b) = (Agent("a"), Agent("b"));
        var (sessionA, sessionB) = (Session(a), Session(b));
        using var connection = Database.Open();
        for (var i = 1; i <= 10; i++)
        {
            MemoryStore.StoreOrTouch(connection, declared, Snapshot(a, sessionA, $"a{i}", i / 10.0).AddInsertParameters);
        }

        // b: two unimportant memories, one unused for 40 days, one used yesterday; one important and old.
        MemoryStore.StoreOrTouch(connection, declared, (Snapshot(b, sessionB, "stale", 0.05) with { CreatedAt = DateTimeOffset.UtcNow.AddDays(-40) }).AddInsertParameters);
        MemoryStore.StoreOrTouch(connection, declared, (Snapshot(b, sessionB, "used", 0.05) with
        {
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-40),
            LastAccessedAt = DateTimeOffset.UtcNow.AddDays(-1),
        }).AddInsertParameters);
        MemoryStore.StoreOrTouch(connection, declared, (Snapshot(b, sessionB, "vital", 0.9) with { CreatedAt = DateTimeOffset.UtcNow.AddDays(-400) }).AddInsertParameters);

        var result = WorkloadMaintenance.PruneMemory(connection, declared with { KeepTop = 4 }, batchSize: 2);

        Assert.Equal(7, result.Rows);
        Assert.Equal(new[] { "a10", "a7", "a8", "a9" }, Strings($"SELECT content FROM memory_snapshots WHERE agent_id = {a} ORDER BY content"));
        Assert.Equal(new[] { "used", "vital" }, Strings($"SELECT content FROM memory_snapshots WHERE agent_id = {b} ORDER BY content"));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_generated_memory_accessor_stores_touches_and_prunes_asynchronously()
    {
        var (a, b) = (Agent("a"), Agent("b"));
        var (sessionA, sessionB) = (Session(a), Session(b));
        using var connection = Database.Open();
        await using var hive = new global::AgentHive.AgentHiveDatabase(connection);
        var memory = hive.MemorySnapshotMemory;

        var first = await memory.StoreOrTouchAsync(Snapshot(a, sessionA, "the plan", 0.3));
        var again = await memory.StoreOrTouchAsync(Snapshot(a, sessionA, "the plan", 0.7));
        // Unimportant and unused for 40 days: below the declared dropBelow for longer than unusedFor.
        await memory.StoreOrTouchAsync(Snapshot(b, sessionB, "stale", 0.05) with { CreatedAt = DateTimeOffset.UtcNow.AddDays(-40) });

        Assert.Equal(first, again);
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM memory_snapshots WHERE id = {first} AND importance_score = 0.7 AND last_accessed_at IS NOT NULL"));
        Assert.Equal(1, await memory.PruneAsync(batchSize: 2));
        Assert.Equal(0, await memory.PruneAsync());
        Assert.Equal(new[] { "the plan" }, Strings("SELECT content FROM memory_snapshots ORDER BY content"));
    }

    [Fact]
    public void Large_content_is_stored_compressed_and_reads_back_whole()
    {
        var memory = Catalog.Memory.Single() with { CompressedColumn = "content", CompressAbove = 200 };
        var agent = Agent("a");
        var session = Session(agent);
        var large = string.Join("\n", Enumerable.Range(0, 400).Select(i => $"step {i}: read the file, ran the tests, all green ✓"));
        using var connection = Database.Open();

        var id = MemoryStore.StoreOrTouch(connection, memory, Snapshot(agent, session, large, 0.5).AddInsertParameters);
        var small = MemoryStore.StoreOrTouch(connection, memory, Snapshot(agent, session, "short", 0.5).AddInsertParameters);

        var stored = Strings($"SELECT content FROM memory_snapshots WHERE id = {id}").Single();
        Assert.StartsWith(ContentCompression.Marker, stored);
        Assert.True(stored.Length * 5 < large.Length, $"stored {stored.Length} characters for {large.Length}");
        Assert.Equal(large, ContentCompression.Decompress(stored));
        Assert.Equal("short", ContentCompression.Decompress(Strings($"SELECT content FROM memory_snapshots WHERE id = {small}").Single()));
    }

    [Fact]
    public void Generated_data_access_compresses_declared_content_and_reads_it_back_plain()
    {
        var agent = Agent("a");
        var session = Session(agent);
        var large = string.Join("\n", Enumerable.Range(0, 2000).Select(i => $"observation {i % 50}: the build is green"));
        using var connection = Database.Open();
        using var database = new global::AgentHive.AgentHiveDatabase(connection);

        var inserted = database.MemorySnapshots.Insert(Snapshot(agent, session, large, 0.5));
        var stored = database.MemorySnapshotMemory.StoreOrTouch(Snapshot(agent, session, large + " again", 0.5));
        var touched = database.MemorySnapshotMemory.StoreOrTouch(Snapshot(agent, session, large, 0.9));

        Assert.Equal(inserted, touched);
        Assert.NotEqual(inserted, stored);
        Assert.Equal(large, database.MemorySnapshots.Get(inserted)!.Content);
        Assert.Equal(large + " again", database.MemorySnapshots.Get(stored)!.Content);
        Assert.Equal(0.9, database.MemorySnapshots.Get(inserted)!.ImportanceScore);
        Assert.All(Strings("SELECT content FROM memory_snapshots"), raw => Assert.True(raw.StartsWith(ContentCompression.Marker, StringComparison.Ordinal) && raw.Length * 10 < large.Length, $"{raw.Length} characters stored"));
        Assert.Equal(0, database.MemorySnapshotMemory.Prune());
    }

    private static MemorySnapshot Snapshot(long agent, long session, string content, double importance) => new()
    {
        AgentId = agent,
        SessionId = session,
        MemoryType = MemoryType.LongTerm,
        Content = content,
        ContentHash = Hash(content),
        ImportanceScore = importance,
    };

    private static string Hash(string content) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));

    private long Agent(string name) => Database.Scalar($"INSERT INTO agents (name, agent_type) VALUES ('{name}', 'worker') RETURNING id");

    private long Session(long agent) => Database.Scalar($"INSERT INTO context_sessions (agent_id, context_window_tokens) VALUES ({agent}, 1000) RETURNING id");

    private long Message(long agent, TimeSpan age) =>
        Database.Scalar($"INSERT INTO agent_messages (to_agent_id, message_type, sent_at) VALUES ({agent}, 'request', '{WorkloadTime.Ago(age)}') RETURNING id");

    private static string Event(string type, TimeSpan age) => $"INSERT INTO events (event_type, created_at) VALUES ('{type}', '{WorkloadTime.Ago(age)}')";

    private static string Metric(long agent, TimeSpan age) =>
        $"INSERT INTO performance_metrics (agent_id, metric_name, metric_value, recorded_at) VALUES ({agent}, 'latency', 1.5, '{WorkloadTime.Ago(age)}')";

    private void Execute(IEnumerable<string> statements)
    {
        foreach (var statement in statements)
        {
            Database.Execute(statement);
        }
    }

    private List<string> Strings(string sql)
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}

public sealed class SqliteRetentionTests : RetentionContract
{
    public SqliteRetentionTests()
        : base(new SqliteTestDatabase())
    {
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRetentionTests : RetentionContract
{
    public PostgresRetentionTests(PostgresServer server)
        : base(new PostgresTestDatabase(server))
    {
    }
}
