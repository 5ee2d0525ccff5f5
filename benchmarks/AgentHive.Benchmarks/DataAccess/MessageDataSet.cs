using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Entities;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// The rows every contender works on, as a pure function of their id, so a check can say what any read
/// must return. Agents 1..<see cref="Agents"/> receive the seeded messages; one more agent, the sink,
/// receives every row the insert benchmarks write, so inserts never change what the reads see.
/// </summary>
/// <remarks>
/// Message <c>id</c> goes to agent <c>(id - 1) % Agents + 1</c>; its n-th message of that agent
/// (<c>(id - 1) / Agents</c>) is pending when n % 10 is 0, delivered when 1, read otherwise: a hive where
/// most history is delivered and a tenth waits in the routing index.
/// </remarks>
public sealed record MessageDataSet(int Agents, int MessagesPerAgent)
{
    /// <summary>100 agents with 1,000 messages each: 100,000 messages, 10,000 pending.</summary>
    public static MessageDataSet Full { get; } = new(100, 1_000);

    /// <summary>The recipient whose pending messages the routing benchmark reads.</summary>
    public const long RoutingAgentId = 1;

    /// <summary>How many messages the routing read returns.</summary>
    public const int RoutingLimit = 10;

    /// <summary>How many rows the batch insert writes.</summary>
    public const int BatchSize = 1_000;

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly MessageType[] Types = Enum.GetValues<MessageType>();

    public long MessageCount => (long)Agents * MessagesPerAgent;

    public long SinkAgentId => Agents + 1;

    public string AgentName(long id) => id == SinkAgentId ? "bench-sink" : $"bench-agent-{id:D4}";

    public static AgentType AgentTypeOf(long id) => id == RoutingAgentId ? AgentType.Orchestrator : AgentType.Worker;

    /// <summary>Seeded message <paramref name="id"/> as it was first inserted: pending, not delivered.</summary>
    public AgentMessage Inserted(long id) => new()
    {
        Id = id,
        FromAgentId = id % 20 == 0 ? null : (id * 7) % Agents + 1,
        ToAgentId = (id - 1) % Agents + 1,
        MessageType = Types[id % Types.Length],
        Status = MessageStatus.Pending,
        // Varies among one agent's pending messages, so the routing order by priority, then age, is exercised.
        Priority = (int)((((id - 1) / Agents / 10 * 3) + id) % 10) + 1,
        Attempts = 0,
        // Keys in the order and spacing PostgreSQL's jsonb prints, so the text reads back equal on both backends.
        Payload = $$"""{"summary": "step {{id}} of the plan is ready for review", "task_id": {{id % 5_000}}}""",
        CorrelationId = id % 2 == 0 ? $"corr-{id:D8}" : null,
        // Whole seconds plus microseconds, so a reader that drops or rounds the fraction is caught.
        SentAt = Epoch.AddSeconds(id).AddTicks((id % 1_000_000) * 10),
        DeliveredAt = null,
    };

    /// <summary>Seeded message <paramref name="id"/> as the seed leaves it.</summary>
    public AgentMessage Expected(long id)
    {
        var inserted = Inserted(id);
        return ((id - 1) / Agents % 10) switch
        {
            0 => inserted,
            1 => inserted with { Status = MessageStatus.Delivered, DeliveredAt = inserted.SentAt },
            _ => inserted with { Status = MessageStatus.Read, DeliveredAt = inserted.SentAt },
        };
    }

    /// <summary>How many seeded messages are still pending.</summary>
    public long PendingCount => (long)Agents * ((MessagesPerAgent + 9) / 10);

    /// <summary>The ids the routing read must return, in order: the agent's pending messages by priority, then age.</summary>
    public IReadOnlyList<long> ExpectedRouting() =>
        Enumerable.Range(0, MessagesPerAgent)
            .Select(n => n * (long)Agents + RoutingAgentId)
            .Select(Expected)
            .Where(m => m.Status == MessageStatus.Pending)
            .OrderBy(m => m.Priority).ThenBy(m => m.SentAt)
            .Take(RoutingLimit)
            .Select(m => m.Id!.Value)
            .ToList();

    /// <summary>A new message for the sink agent; <paramref name="n"/> makes its content differ.</summary>
    public AgentMessage NewMessage(long n) => new()
    {
        FromAgentId = RoutingAgentId,
        ToAgentId = SinkAgentId,
        MessageType = MessageType.StatusUpdate,
        Priority = (int)(n % 10) + 1,
        Payload = """{"summary": "progress report from the benchmark", "task_id": 42}""",
        CorrelationId = "corr-bench",
        SentAt = Epoch.AddDays(400).AddTicks(n * 10),
    };

    /// <summary>
    /// The seeded messages the update benchmark rewrites, each in two versions that differ in attempts only,
    /// so an update never changes what routing reads. Built once: an update call allocates nothing of its own.
    /// </summary>
    public (AgentMessage[] Even, AgentMessage[] Odd) UpdateTargets(int count)
    {
        var ids = ScatteredIds(count);
        var even = ids.Select(id => Expected(id) with { Attempts = 2 }).ToArray();
        var odd = even.Select(m => m with { Attempts = 3 }).ToArray();
        return (even, odd);
    }

    /// <summary>Ids spread over the whole table (a prime stride), so reads do not all hit one page.</summary>
    public long[] ScatteredIds(int count)
    {
        var ids = new long[Math.Min(count, (int)Math.Min(int.MaxValue, MessageCount))];
        long id = 1;
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = id;
            id = (id - 1 + 7_919) % MessageCount + 1;
        }

        return ids;
    }
}
