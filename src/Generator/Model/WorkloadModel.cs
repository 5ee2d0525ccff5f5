namespace AgentHive.Generator.Model;

/// <summary>
/// A table declared a queue: rows move from a claimable state to a leased one under a lease held by a
/// consumer, then to the acked state, back to the retry state (with backoff) or, after the last attempt,
/// to the dead state. Durations are milliseconds.
/// </summary>
public sealed record QueueModel(
    string StateColumn,
    EquatableArray<string> Claimable,
    EquatableArray<string> Leased,
    string Acked,
    string Retry,
    string Dead,
    long LeaseMilliseconds,
    int MaxAttempts,
    long BackoffBaseMilliseconds,
    long BackoffMaxMilliseconds,
    bool ExponentialBackoff,
    string AttemptsColumn,
    string LeaseOwnerColumn,
    string LeaseExpiresAtColumn,
    string VisibleAtColumn,
    string? PartitionColumn,
    EquatableArray<OrderKeyModel> Order,
    string? IdempotencyKeyColumn,
    string ClaimIndexName,
    string LeaseIndexName);

/// <summary>A column a queue or a pruning ranks rows by.</summary>
public sealed record OrderKeyModel(string Column, bool Descending);

/// <summary>
/// Rows older than <see cref="KeepMilliseconds"/> by <see cref="TimeColumn"/> (and, when given, in one of
/// <see cref="States"/> of <see cref="StateColumn"/>) are deleted in bounded batches; with
/// <see cref="Partition"/>, PostgreSQL drops whole partitions instead.
/// </summary>
public sealed record RetentionModel(
    string TimeColumn,
    long KeepMilliseconds,
    string? StateColumn,
    EquatableArray<string> States,
    string IndexName,
    PartitionModel? Partition = null);

/// <summary>How often a partitioned table starts a new partition.</summary>
public enum PartitionInterval
{
    Day,
    Week,
    Month,
}

/// <summary>
/// PostgreSQL range partitioning by the retention's time column: one partition per <see cref="Interval"/>
/// (UTC boundaries; weeks start on Monday), <see cref="Ahead"/> of them created before they are needed, and
/// a DEFAULT partition named <see cref="DefaultPartition"/> for rows no partition covers. Partitions are
/// named <see cref="Prefix"/> followed by the UTC date their range starts on (yyyyMMdd).
/// </summary>
public sealed record PartitionModel(PartitionInterval Interval, int Ahead, string DefaultPartition, string Prefix);

/// <summary>
/// Memory pruning and de-duplication per owner: keep the <see cref="KeepTop"/> most important rows of each
/// owner, drop rows below <see cref="DropBelow"/> unused for <see cref="UnusedMilliseconds"/> (last use is
/// <see cref="LastUseColumn"/>, else <see cref="TimeColumn"/>); one row per (owner, <see cref="HashColumn"/>).
/// </summary>
public sealed record MemoryModel(
    string OwnerColumn,
    string ImportanceColumn,
    string TimeColumn,
    string? LastUseColumn,
    int? KeepTop,
    string? DropBelow,
    long? UnusedMilliseconds,
    string? HashColumn,
    string? CompressedColumn,
    int CompressAbove);
