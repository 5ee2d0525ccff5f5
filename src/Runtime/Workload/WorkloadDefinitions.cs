using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Reflection;
using AgentHive.Runtime.Configuration;

namespace AgentHive.Runtime.Workload;

/// <summary>One value per backend, picked by the connection a statement runs on.</summary>
/// <typeparam name="T">What differs between the backends.</typeparam>
/// <param name="Sqlite">The SQLite form.</param>
/// <param name="Postgres">The PostgreSQL form.</param>
public sealed record PerBackend<T>(T Sqlite, T Postgres)
{
    /// <summary>The form for <paramref name="connection"/>'s backend.</summary>
    public T For(DbConnection connection) => WorkloadConnection.Provider(connection) == DatabaseProvider.Postgres ? Postgres : Sqlite;
}

/// <summary>The statements of one queue table for one backend (see the generator's WorkloadSql for their parameters).</summary>
/// <param name="Claim">Claims up to @limit rows for @owner under a lease of @lease_ms; returns the rows.</param>
/// <param name="ClaimInPartition">The same, within @partition (for messages: one recipient); null when the queue has no partition.</param>
/// <param name="Ack">Acknowledges @id leased by @owner.</param>
/// <param name="Retry">Gives @id back for a retry after the backoff, or dead-letters it after the last attempt; returns the new state.</param>
/// <param name="Extend">Extends the lease @owner holds on @id.</param>
/// <param name="ReleaseExpired">Gives back up to @limit rows whose lease ran out.</param>
public sealed record QueueStatements(string Claim, string? ClaimInPartition, string Ack, string Retry, string Extend, string ReleaseExpired);

/// <summary>A table declared a queue in schema.yaml: its statements and the declared defaults.</summary>
/// <param name="Table">The table.</param>
/// <param name="Statements">Its statements per backend.</param>
/// <param name="Lease">Default lease length.</param>
/// <param name="MaxAttempts">Deliveries before a failure dead-letters a row.</param>
/// <param name="BackoffBase">Delay before the first retry.</param>
/// <param name="BackoffMax">Longest delay before a retry.</param>
/// <param name="DeadState">The state a dead-lettered row is in.</param>
/// <param name="Order">Claim order: (column, descending); a claimed batch is returned in this order.</param>
/// <param name="IdempotencyKey">The column that identifies a message across redeliveries, if declared.</param>
public sealed record QueueDefinition(
    string Table,
    PerBackend<QueueStatements> Statements,
    TimeSpan Lease,
    int MaxAttempts,
    TimeSpan BackoffBase,
    TimeSpan BackoffMax,
    string DeadState,
    IReadOnlyList<(string Column, bool Descending)> Order,
    string? IdempotencyKey);

/// <summary>A table with a retention declared in schema.yaml.</summary>
/// <param name="Table">The table.</param>
/// <param name="Keep">How long a row is kept.</param>
/// <param name="Prune">Deletes up to @limit rows older than @keep_ms (of a partitioned table on PostgreSQL: rows of its DEFAULT partition).</param>
/// <param name="Partitioning">The table's range partitioning on PostgreSQL, if declared; SQLite always deletes in batches.</param>
public sealed record RetentionDefinition(string Table, TimeSpan Keep, PerBackend<string> Prune, RetentionPartitioning? Partitioning = null);

/// <summary>A table with memory pruning and de-duplication declared in schema.yaml.</summary>
/// <param name="Table">The table.</param>
/// <param name="KeepTop">Memories kept per owner, by importance; null for no limit.</param>
/// <param name="DropBelow">Importance under which an unused memory is dropped; null for never.</param>
/// <param name="UnusedFor">How long a memory below <paramref name="DropBelow"/> must be unused.</param>
/// <param name="PruneBeyondTop">Deletes up to @limit memories beyond the @keep_top of their owner; null without <paramref name="KeepTop"/>.</param>
/// <param name="PruneUnimportant">Deletes up to @limit memories below @drop_below unused for @unused_ms; null without <paramref name="DropBelow"/>.</param>
/// <param name="StoreOrTouch">Insert or touch the owner's row with the same content hash; null without a content hash.</param>
/// <param name="CompressedColumn">The column stored compressed above <paramref name="CompressAbove"/> characters, if any.</param>
/// <param name="CompressAbove">Size in characters above which <paramref name="CompressedColumn"/> is compressed.</param>
public sealed record MemoryDefinition(
    string Table,
    int? KeepTop,
    double? DropBelow,
    TimeSpan UnusedFor,
    PerBackend<string>? PruneBeyondTop,
    PerBackend<string>? PruneUnimportant,
    PerBackend<string>? StoreOrTouch,
    string? CompressedColumn,
    int CompressAbove);

/// <summary>Every workload declaration of a schema: what maintenance runs and what the generated operations use.</summary>
/// <param name="Queues">Queue tables.</param>
/// <param name="Retention">Tables with retention.</param>
/// <param name="Memory">Tables with memory management.</param>
public sealed record WorkloadCatalog(
    IReadOnlyList<QueueDefinition> Queues,
    IReadOnlyList<RetentionDefinition> Retention,
    IReadOnlyList<MemoryDefinition> Memory)
{
    /// <summary>No declarations.</summary>
    public static WorkloadCatalog Empty { get; } = new(Array.Empty<QueueDefinition>(), Array.Empty<RetentionDefinition>(), Array.Empty<MemoryDefinition>());

    /// <summary>The catalog the generator compiled into <paramref name="assembly"/> (the schema class's <c>Workload</c>), or <see cref="Empty"/>.</summary>
    public static WorkloadCatalog Load(Assembly assembly) =>
        assembly.GetTypes()
            .Select(t => t.GetProperty("Workload", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p is not null && p.PropertyType == typeof(WorkloadCatalog))
            .Select(p => (WorkloadCatalog)p!.GetValue(null)!)
            .FirstOrDefault() ?? Empty;

    /// <summary>The memory declaration of <paramref name="table"/>.</summary>
    public MemoryDefinition MemoryOf(string table) =>
        Memory.FirstOrDefault(m => m.Table == table) ?? throw new ArgumentException($"Table '{table}' declares no memory.", nameof(table));

    /// <summary>The queue of <paramref name="table"/>.</summary>
    public QueueDefinition Queue(string table) =>
        Queues.FirstOrDefault(q => q.Table == table) ?? throw new ArgumentException($"Table '{table}' is not declared a queue.", nameof(table));
}
