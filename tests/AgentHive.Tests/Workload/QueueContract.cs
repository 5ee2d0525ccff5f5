using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Workload;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.Workload;

/// <summary>A claimed message as the tests read it back.</summary>
public sealed record ClaimedMessage(long Id, long Recipient, int Priority, string SentAt, int Attempts, string? CorrelationId, string Status, string? Owner);

/// <summary>
/// Delivery guarantees of Agent Hive's agent_messages queue, declared in schema.yaml, on each backend:
/// claims under a lease, ordering, at-least-once redelivery, retry, dead letters, 50 concurrent consumers.
/// </summary>
public abstract class QueueContract : IDisposable
{
    protected QueueContract(TestDatabase database)
    {
        Database = database;
        new SchemaMigrator(database.Options, AgentHiveBuild.Assembly).Up();
        Queue = global::AgentHive.AgentHiveSchema.Workload.Queue("agent_messages");
    }

    protected TestDatabase Database { get; }

    protected QueueDefinition Queue { get; }

    public void Dispose() => Database.Dispose();

    /// <summary>True where the generated async methods complete synchronously (SQLite's driver is synchronous).</summary>
    protected abstract bool AsyncCompletesSynchronously { get; }

    /// <summary>A connection for one consumer thread, set up to wait for the write lock as long as a test may take.</summary>
    protected abstract DbConnection OpenConsumer();

    protected QueueClient<ClaimedMessage> Client(QueueOptions? options = null) => new(Queue, Read, options);

    private static ClaimedMessage Read(DbDataReader reader) => new(
        Convert.ToInt64(reader["id"]),
        Convert.ToInt64(reader["to_agent_id"]),
        Convert.ToInt32(reader["priority"]),
        reader["sent_at"] is DateTime time ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff") : ((string)reader["sent_at"]).Substring(0, 26),
        Convert.ToInt32(reader["attempts"]),
        reader["correlation_id"] as string,
        (string)reader["status"],
        reader["lease_owner"] as string);

    [Fact]
    public void Claim_leases_a_recipients_messages_most_urgent_then_oldest()
    {
        var (a, b) = (Agent("a"), Agent("b"));
        var expected = new List<long>();
        var random = new Random(7);
        for (var i = 0; i < 30; i++)
        {
            expected.Add(Message(a, priority: random.Next(1, 4), sentSecondsAgo: 1000 - (i * 10), correlation: $"a-{i}"));
            Message(b, priority: 1, sentSecondsAgo: 2000);
        }

        var order = Rows($"SELECT id FROM agent_messages WHERE to_agent_id = {a} ORDER BY priority, sent_at");
        using var connection = OpenConsumer();
        var client = Client();
        var claimed = new List<ClaimedMessage>();
        for (var batch = 0; batch < 6; batch++)
        {
            claimed.AddRange(client.Claim(connection, "consumer-1", 5, partition: a));
        }

        Assert.Equal(order, claimed.Select(m => m.Id));
        Assert.All(claimed, m => Assert.Equal(("delivered", "consumer-1", 1, a), (m.Status, m.Owner, m.Attempts, m.Recipient)));
        Assert.Empty(client.Claim(connection, "consumer-1", 5, partition: a));
        Assert.Equal(30, Database.Scalar($"SELECT COUNT(*) FROM agent_messages WHERE to_agent_id = {b} AND status = 'pending'"));
        Assert.Equal(30, Database.Scalar("SELECT COUNT(*) FROM agent_messages WHERE status = 'delivered' AND lease_expires_at IS NOT NULL"));
    }

    [Fact]
    public void Fifty_concurrent_consumers_deliver_every_message_and_never_share_one()
    {
        var recipients = Enumerable.Range(0, 10).Select(i => Agent($"r{i}")).ToList();
        const int perRecipient = 150;
        InsertMessages(recipients, perRecipient);
        var held = new ConcurrentDictionary<long, string>();
        var delivered = new ConcurrentDictionary<long, int>();
        var overlaps = 0;
        var failures = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 50).Select(n => new Thread(() =>
        {
            try
            {
                using var connection = OpenConsumer();
                using var database = new global::AgentHive.AgentHiveDatabase(connection);
                var queue = database.AgentMessageQueue;
                var consumer = $"consumer-{n}";
                var idle = 0;
                while (idle < 3)
                {
                    // Half the consumers work one recipient's messages, half take any.
                    var batch = n % 2 == 0 ? queue.Claim(recipients[n / 2 % recipients.Count], consumer, 5) : queue.Claim(consumer, 5);
                    if (batch.Count == 0)
                    {
                        idle++;
                        Thread.Sleep(20);
                        continue;
                    }

                    idle = 0;
                    foreach (var message in batch)
                    {
                        if (!held.TryAdd(message.Id!.Value, consumer))
                        {
                            Interlocked.Increment(ref overlaps);
                        }

                        delivered.AddOrUpdate(message.Id.Value, 1, (_, count) => count + 1);
                    }

                    foreach (var message in batch)
                    {
                        held.TryRemove(message.Id!.Value, out _);
                        Assert.True(queue.Ack(message.Id.Value, consumer), $"ack of {message.Id} by {consumer}");
                    }
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(failures);
        Assert.Equal(0, overlaps);
        Assert.Equal(recipients.Count * perRecipient, delivered.Count);
        Assert.All(delivered.Values, count => Assert.Equal(1, count));
        Assert.Equal(recipients.Count * perRecipient, Database.Scalar("SELECT COUNT(*) FROM agent_messages WHERE status = 'read' AND attempts = 1 AND lease_owner IS NULL"));
    }

    [Fact]
    public void The_generated_accessor_claims_entities_in_order_and_acks_retries_and_extends_them()
    {
        var (a, b) = (Agent("a"), Agent("b"));
        var first = Message(a, priority: 2, sentSecondsAgo: 50, correlation: "x");
        var urgent = Message(a, priority: 1, sentSecondsAgo: 10, correlation: "y");
        var older = Message(a, priority: 2, sentSecondsAgo: 90, correlation: "z");
        Message(b, priority: 1, sentSecondsAgo: 100);
        using var connection = OpenConsumer();
        using var database = new global::AgentHive.AgentHiveDatabase(connection);
        var queue = database.AgentMessageQueue;
        queue.Options.BackoffBase = TimeSpan.FromMilliseconds(1);

        var claimed = queue.Claim(a, "worker", 10, TimeSpan.FromSeconds(30));

        Assert.Equal(new[] { urgent, older, first }, claimed.Select(m => m.Id!.Value));
        Assert.All(claimed, m => Assert.Equal((global::AgentHive.Entities.MessageStatus.Delivered, "worker", 1), (m.Status, m.LeaseOwner, m.Attempts)));
        Assert.All(claimed, m => Assert.True(m.LeaseExpiresAt > DateTimeOffset.UtcNow.AddSeconds(20)));
        Assert.Equal(new[] { "y", "z", "x" }, claimed.Select(m => m.CorrelationId));
        Assert.True(queue.Ack(urgent, "worker"));
        Assert.False(queue.Ack(urgent, "worker"));
        Assert.True(queue.Extend(older, "worker", TimeSpan.FromMinutes(5)));
        Assert.Equal(RetryOutcome.Retried, queue.Retry(first, "worker"));
        Assert.Equal(RetryOutcome.LeaseLost, queue.Retry(first, "worker"));
        Thread.Sleep(50);
        var again = Assert.Single(queue.Claim(a, "worker", 10));
        Assert.Equal((first, 2), (again.Id!.Value, again.Attempts));
        Assert.Equal(b, Assert.Single(queue.Claim("other", 10)).ToAgentId);
        Assert.Equal(0, queue.ReleaseExpired());
        Assert.Equal(global::AgentHive.Entities.MessageStatus.Read, database.AgentMessages.Get(urgent)!.Status);
    }

    [Fact]
    public async Task The_generated_accessor_claims_acks_retries_extends_and_releases_asynchronously()
    {
        var (a, b) = (Agent("a"), Agent("b"));
        var first = Message(a, priority: 2, sentSecondsAgo: 50, correlation: "x");
        var urgent = Message(a, priority: 1, sentSecondsAgo: 10, correlation: "y");
        var older = Message(a, priority: 2, sentSecondsAgo: 90, correlation: "z");
        var lost = Message(b, priority: 1, sentSecondsAgo: 100);
        using var connection = OpenConsumer();
        await using var database = new global::AgentHive.AgentHiveDatabase(connection);
        var queue = database.AgentMessageQueue;
        queue.Options.BackoffBase = TimeSpan.FromMilliseconds(1);

        var claim = queue.ClaimAsync(a, "worker", 10, TimeSpan.FromSeconds(30));
        Assert.True(!AsyncCompletesSynchronously || claim.IsCompletedSuccessfully, "SQLite's claim completes synchronously");
        var claimed = await claim;

        Assert.Equal(new[] { urgent, older, first }, claimed.Select(m => m.Id!.Value));
        Assert.All(claimed, m => Assert.Equal((global::AgentHive.Entities.MessageStatus.Delivered, "worker", 1), (m.Status, m.LeaseOwner, m.Attempts)));
        Assert.True(await queue.AckAsync(urgent, "worker"));
        Assert.False(await queue.AckAsync(urgent, "worker"));
        Assert.True(await queue.ExtendAsync(older, "worker", TimeSpan.FromMinutes(5)));
        Assert.False(await queue.ExtendAsync(older, "someone-else"));
        Assert.Equal(RetryOutcome.Retried, await queue.RetryAsync(first, "worker"));
        Assert.Equal(RetryOutcome.LeaseLost, await queue.RetryAsync(first, "worker"));
        await Task.Delay(50);
        var again = Assert.Single(await queue.ClaimAsync(a, "worker", 10));
        Assert.Equal((first, 2), (again.Id!.Value, again.Attempts));

        // A consumer that dies holding a lease: its message comes back once the lease runs out.
        Assert.Equal(lost, Assert.Single(await queue.ClaimAsync("doomed", 10, TimeSpan.FromMilliseconds(200))).Id);
        Assert.Equal(0, await queue.ReleaseExpiredAsync());
        await Task.Delay(400);
        var release = queue.ReleaseExpiredAsync();
        Assert.True(!AsyncCompletesSynchronously || release.IsCompletedSuccessfully, "SQLite's release completes synchronously");
        Assert.Equal(1, await release);
        Assert.Equal((lost, 2), Assert.Single(await queue.ClaimAsync("survivor", 10)) is var redelivered ? (redelivered.Id!.Value, redelivered.Attempts) : default);
        Assert.Equal(global::AgentHive.Entities.MessageStatus.Read, (await database.AgentMessages.GetAsync(urgent))!.Status);
    }

    [Fact]
    public async Task Async_claims_inside_the_callers_transaction_are_undone_by_its_rollback()
    {
        var a = Agent("a");
        var id = Message(a, priority: 1, sentSecondsAgo: 10);
        using var connection = OpenConsumer();
        await using var database = new global::AgentHive.AgentHiveDatabase(connection);

        var transaction = await database.BeginTransactionAsync();
        Assert.Equal(id, Assert.Single(await database.AgentMessageQueue.ClaimAsync(a, "worker", 5)).Id);
        await transaction.RollbackAsync();

        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM agent_messages WHERE id = {id} AND status = 'pending' AND attempts = 0"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await database.AgentMessageQueue.ClaimAsync("worker", 0));
    }

    [Fact]
    public void Four_consumer_processes_deliver_every_message_once_and_take_over_what_a_killed_one_held()
    {
        var recipients = Enumerable.Range(0, 6).Select(i => Agent($"p{i}")).ToList();
        InsertMessages(recipients, 50);
        var total = recipients.Count * 50;
        using var killed = ConsumerProcess.Start(Database.Options, "killed", "hold", 5, 1500, 10_000);
        killed.Go();
        Assert.True(killed.WaitForLines("claimed ", 5, TimeSpan.FromSeconds(30)), string.Join("\n", killed.Lines));
        var held = killed.Claimed;
        killed.Kill();

        // Each batch takes 20 ms of work, and all four start claiming together once connected: the first
        // process to run cannot drain the queue before the others begin.
        var consumers = Enumerable.Range(0, 4).Select(i => ConsumerProcess.Start(Database.Options, $"process-{i}", "ack", 5, 30_000, 4_000, workMs: 20)).ToList();
        try
        {
            Assert.All(consumers, c => Assert.True(c.WaitForLines("ready", 1, TimeSpan.FromSeconds(60)), string.Join("\n", c.Lines)));
            consumers.ForEach(c => c.Go());
            // What the killed process held comes back once its lease runs out and maintenance gives it back.
            using (var connection = OpenConsumer())
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (Database.Scalar("SELECT COUNT(*) FROM agent_messages WHERE status <> 'read'") > 0 && watch.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Client().ReleaseExpired(connection);
                    Thread.Sleep(100);
                }
            }

            Assert.All(consumers, c => Assert.Equal(0, c.WaitForExit(TimeSpan.FromSeconds(60))));
        }
        finally
        {
            consumers.ForEach(c => c.Dispose());
        }

        var claims = consumers.SelectMany(c => c.Claimed).ToList();
        Assert.Equal(total, claims.Count);
        Assert.Equal(total, claims.Distinct().Count());
        Assert.True(consumers.Count(c => c.Claimed.Length > 0) >= 2, "the processes shared the work");
        Assert.Equal(total, Database.Scalar("SELECT COUNT(*) FROM agent_messages WHERE status = 'read'"));
        Assert.Equal(held.OrderBy(id => id), Database.Longs("SELECT id FROM agent_messages WHERE attempts = 2 ORDER BY id"));
        Assert.Equal(total - held.Length, Database.Scalar("SELECT COUNT(*) FROM agent_messages WHERE attempts = 1"));
    }

    [Fact]
    public void Messages_of_a_consumer_killed_mid_lease_come_back_after_the_lease()
    {
        var recipient = Agent("a");
        var ids = Enumerable.Range(0, 5).Select(i => Message(recipient, 5, 100 - i, correlation: $"request-{i}")).ToList();
        using var connection = OpenConsumer();
        var client = Client();

        var lost = client.Claim(connection, "killed", 10, lease: TimeSpan.FromMilliseconds(800));
        Assert.Equal(ids, lost.Select(m => m.Id));
        // The killed consumer never acks. Until its lease runs out nothing is redelivered.
        Assert.Equal(0, client.ReleaseExpired(connection));
        Assert.Empty(client.Claim(connection, "survivor", 10));

        Thread.Sleep(1200);
        Assert.Equal(5, client.ReleaseExpired(connection));
        var again = client.Claim(connection, "survivor", 10);

        Assert.Equal(ids, again.Select(m => m.Id));
        // Redelivery is recognisable: a second attempt, the same idempotency key.
        Assert.All(again, m => Assert.Equal(2, m.Attempts));
        Assert.Equal(lost.Select(m => m.CorrelationId), again.Select(m => m.CorrelationId));
        Assert.Equal("correlation_id", Queue.IdempotencyKey);
        Assert.False(client.Ack(connection, ids[0], "killed"));
        Assert.True(client.Ack(connection, ids[0], "survivor"));
    }

    [Fact]
    public void Retry_waits_for_the_backoff_and_the_last_attempt_dead_letters()
    {
        var recipient = Agent("a");
        var id = Message(recipient, 5, 10, correlation: "flaky");
        using var connection = OpenConsumer();
        var client = Client(new QueueOptions { MaxAttempts = 3, BackoffBase = TimeSpan.FromMilliseconds(1000), BackoffMax = TimeSpan.FromMilliseconds(1500) });

        var outcomes = new List<RetryOutcome>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var claimed = Single(() => client.Claim(connection, "worker", 1), TimeSpan.FromSeconds(10));
            Assert.Equal((id, attempt), (claimed.Id, claimed.Attempts));
            outcomes.Add(client.Retry(connection, id, "worker"));
            if (attempt < 3)
            {
                // Not visible again before the backoff (1 s, then 1.5 s: doubled, capped).
                Assert.Empty(client.Claim(connection, "worker", 1));
            }
        }

        Assert.Equal(new[] { RetryOutcome.Retried, RetryOutcome.Retried, RetryOutcome.DeadLettered }, outcomes);
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM agent_messages WHERE id = {id} AND status = 'failed' AND lease_owner IS NULL"));
        Thread.Sleep(1600);
        Assert.Empty(client.Claim(connection, "worker", 1));
        Assert.Equal(RetryOutcome.LeaseLost, client.Retry(connection, id, "worker"));
    }

    [Fact]
    public void An_expired_lease_on_the_last_attempt_dead_letters()
    {
        var id = Message(Agent("a"), 5, 10);
        using var connection = OpenConsumer();
        var client = Client(new QueueOptions { MaxAttempts = 1 });

        Assert.Single(client.Claim(connection, "doomed", 1, lease: TimeSpan.FromMilliseconds(200)));
        Thread.Sleep(400);

        Assert.Equal(1, client.ReleaseExpired(connection));
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM agent_messages WHERE id = {id} AND status = 'failed'"));
    }

    [Fact]
    public void Extending_a_lease_keeps_the_message_and_a_lost_lease_cannot_be_extended()
    {
        var id = Message(Agent("a"), 5, 10);
        using var connection = OpenConsumer();
        var client = Client();

        Assert.Single(client.Claim(connection, "slow", 1, lease: TimeSpan.FromMilliseconds(600)));
        Assert.True(client.Extend(connection, id, "slow", TimeSpan.FromSeconds(5)));
        Assert.False(client.Extend(connection, id, "someone-else", TimeSpan.FromSeconds(5)));
        Thread.Sleep(900);
        Assert.Equal(0, client.ReleaseExpired(connection));

        Assert.True(client.Extend(connection, id, "slow", TimeSpan.FromMilliseconds(100)));
        Thread.Sleep(300);
        Assert.False(client.Extend(connection, id, "slow"));
        Assert.Equal(1, client.ReleaseExpired(connection));
    }

    private static ClaimedMessage Single(Func<IReadOnlyList<ClaimedMessage>> claim, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var batch = claim();
            if (batch.Count > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(batch);
            }

            Thread.Sleep(25);
        }
    }

    protected long Agent(string name) =>
        Database.Scalar($"INSERT INTO agents (name, agent_type) VALUES ('{name}', 'worker') RETURNING id");

    protected long Message(long recipient, int priority, int sentSecondsAgo, string? correlation = null) =>
        Database.Scalar(
            "INSERT INTO agent_messages (to_agent_id, message_type, priority, correlation_id, sent_at) " +
            $"VALUES ({recipient}, 'request', {priority}, {(correlation is null ? "NULL" : $"'{correlation}'")}, '{WorkloadTime.Ago(TimeSpan.FromSeconds(sentSecondsAgo))}') RETURNING id");

    private void InsertMessages(IReadOnlyList<long> recipients, int perRecipient)
    {
        using var connection = Database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var values = new List<string>();
        for (var i = 0; i < perRecipient; i++)
        {
            foreach (var recipient in recipients)
            {
                values.Add($"({recipient}, 'request', {1 + (i % 10)}, 'c-{recipient}-{i}', '{WorkloadTime.Ago(TimeSpan.FromSeconds(10_000 - i))}')");
            }
        }

        command.CommandText = "INSERT INTO agent_messages (to_agent_id, message_type, priority, correlation_id, sent_at) VALUES " + string.Join(", ", values);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private List<long> Rows(string sql) => Database.Longs(sql);
}

/// <summary>Timestamps as literals both backends accept.</summary>
public static class WorkloadTime
{
    public static string Ago(TimeSpan age) =>
        DateTimeOffset.UtcNow.Subtract(age).ToString(global::AgentHive.AgentHiveSchema.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture);
}
