using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using Npgsql;

namespace AgentHive.Runtime.Workload;

/// <summary>What one maintenance run did.</summary>
/// <param name="Rows">Rows changed or deleted (with the rows of dropped partitions).</param>
/// <param name="Batches">Transactions it took.</param>
/// <param name="LongestBatch">The longest of them: about the longest a concurrent writer waited for it.</param>
/// <param name="PartitionsCreated">Partitions created ahead (PostgreSQL partitioned retention).</param>
/// <param name="PartitionsDropped">Expired partitions detached and dropped.</param>
/// <param name="PartitionsPostponed">Partition changes left for the next run: their table lock was not granted within the lock timeout, or a concurrent writer got in the way.</param>
public sealed record MaintenanceResult(long Rows, int Batches, TimeSpan LongestBatch, int PartitionsCreated = 0, int PartitionsDropped = 0, int PartitionsPostponed = 0)
{
    /// <summary>Nothing done.</summary>
    public static MaintenanceResult None { get; } = new(0, 0, TimeSpan.Zero);

    /// <summary>Both runs together.</summary>
    public MaintenanceResult Add(MaintenanceResult other) =>
        new(Rows + other.Rows, Batches + other.Batches, LongestBatch > other.LongestBatch ? LongestBatch : other.LongestBatch,
            PartitionsCreated + other.PartitionsCreated, PartitionsDropped + other.PartitionsDropped, PartitionsPostponed + other.PartitionsPostponed);
}

/// <summary>
/// The maintenance a workload declaration asks for: redelivering expired leases, retention and memory
/// pruning. Each deletes or changes rows in bounded batches, each batch its own short transaction, and
/// pauses between batches for as long as the last one took, so a concurrent writer waits at most about
/// one batch (SQLite has one write lock for the whole file).
/// </summary>
public static class WorkloadMaintenance
{
    /// <summary>Rows per batch unless told otherwise.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>Gives back rows of <paramref name="queue"/> whose lease ran out, claimable at once; rows past their last attempt go to the dead state.</summary>
    public static MaintenanceResult ReleaseExpired(DbConnection connection, QueueDefinition queue, int batchSize = DefaultBatchSize, QueueOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Batches(connection, batchSize, cancellationToken, command =>
        {
            command.CommandText = queue.Statements.For(connection).ReleaseExpired;
            command.Add("@max_attempts", options?.MaxAttempts ?? queue.MaxAttempts);
        });

    /// <summary>
    /// As <see cref="ReleaseExpired"/>, asynchronously on PostgreSQL (statements and the pauses between batches);
    /// on SQLite, whose driver runs synchronously anyway, it completes synchronously.
    /// </summary>
    public static ValueTask<MaintenanceResult> ReleaseExpiredAsync(DbConnection connection, QueueDefinition queue, int batchSize = DefaultBatchSize,
        QueueOptions? options = null, CancellationToken cancellationToken = default) =>
        WorkloadConnection.Provider(connection) == DatabaseProvider.Sqlite
            ? new(ReleaseExpired(connection, queue, batchSize, options, cancellationToken))
            : BatchesAsync(connection, batchSize, cancellationToken, command =>
            {
                command.CommandText = queue.Statements.For(connection).ReleaseExpired;
                command.Add("@max_attempts", options?.MaxAttempts ?? queue.MaxAttempts);
            });

    /// <summary>
    /// Deletes rows of <paramref name="retention"/>'s table older than its keep (or <paramref name="keep"/>); returns how many.
    /// A table partitioned on PostgreSQL first gets its partitions ahead, then loses its expired partitions whole;
    /// only rows of the DEFAULT partition are deleted in batches.
    /// </summary>
    public static MaintenanceResult Prune(DbConnection connection, RetentionDefinition retention, int batchSize = DefaultBatchSize, TimeSpan? keep = null,
        CancellationToken cancellationToken = default)
    {
        var result = MaintenanceResult.None;
        if (retention.Partitioning is { } partitioning && connection is NpgsqlConnection postgres)
        {
            result = PartitionMaintenance.CreateAhead(postgres, retention.Table, partitioning)
                .Add(PartitionMaintenance.DropExpired(postgres, retention.Table, keep ?? retention.Keep));
        }

        return result.Add(Batches(connection, batchSize, cancellationToken, command =>
        {
            command.CommandText = retention.Prune.For(connection);
            command.Add("@keep_ms", WorkloadConnection.Milliseconds(keep ?? retention.Keep));
        }));
    }

    /// <summary>
    /// Prunes memories: beyond the top <see cref="MemoryDefinition.KeepTop"/> of each owner, and below
    /// <see cref="MemoryDefinition.DropBelow"/> once unused for <see cref="MemoryDefinition.UnusedFor"/>; returns how many.
    /// </summary>
    public static MaintenanceResult PruneMemory(DbConnection connection, MemoryDefinition memory, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        var total = MaintenanceResult.None;
        foreach (var prepare in MemorySteps(connection, memory))
        {
            total = total.Add(Batches(connection, batchSize, cancellationToken, prepare));
        }

        return total;
    }

    /// <summary>
    /// As <see cref="PruneMemory"/>, asynchronously on PostgreSQL (statements and the pauses between batches);
    /// on SQLite, whose driver runs synchronously anyway, it completes synchronously.
    /// </summary>
    public static ValueTask<MaintenanceResult> PruneMemoryAsync(DbConnection connection, MemoryDefinition memory, int batchSize = DefaultBatchSize,
        CancellationToken cancellationToken = default) =>
        WorkloadConnection.Provider(connection) == DatabaseProvider.Sqlite
            ? new(PruneMemory(connection, memory, batchSize, cancellationToken))
            : PruneMemoryCoreAsync(connection, memory, batchSize, cancellationToken);

    private static async ValueTask<MaintenanceResult> PruneMemoryCoreAsync(DbConnection connection, MemoryDefinition memory, int batchSize, CancellationToken cancellationToken)
    {
        var total = MaintenanceResult.None;
        foreach (var prepare in MemorySteps(connection, memory))
        {
            total = total.Add(await BatchesAsync(connection, batchSize, cancellationToken, prepare).ConfigureAwait(false));
        }

        return total;
    }

    // The memory's pruning statements, in order: beyond each owner's top, then the unimportant unused ones.
    private static IEnumerable<Action<DbCommand>> MemorySteps(DbConnection connection, MemoryDefinition memory)
    {
        if (memory.PruneBeyondTop is { } beyondTop && memory.KeepTop is { } keepTop)
        {
            yield return command =>
            {
                command.CommandText = beyondTop.For(connection);
                command.Add("@keep_top", keepTop);
            };
        }

        if (memory.PruneUnimportant is { } unimportant && memory.DropBelow is { } below)
        {
            yield return command =>
            {
                command.CommandText = unimportant.For(connection);
                command.Add("@drop_below", below).Add("@unused_ms", WorkloadConnection.Milliseconds(memory.UnusedFor));
            };
        }
    }

    internal static void AddRetryParameters(DbCommand command, QueueDefinition queue, QueueOptions options) =>
        command.Add("@max_attempts", options.MaxAttempts ?? queue.MaxAttempts)
            .Add("@backoff_base_ms", WorkloadConnection.Milliseconds(options.BackoffBase ?? queue.BackoffBase))
            .Add("@backoff_max_ms", WorkloadConnection.Milliseconds(options.BackoffMax ?? queue.BackoffMax));

    private static void CheckBatchSize(int batchSize)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch holds at least one row.");
        }
    }

    private static MaintenanceResult Batches(DbConnection connection, int batchSize, CancellationToken cancellationToken, Action<DbCommand> prepare)
    {
        CheckBatchSize(batchSize);
        long total = 0;
        var batches = 0;
        var longest = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            var changed = WorkloadConnection.InWriteTransaction(connection, null, tx =>
            {
                using var command = WorkloadConnection.Command(connection, tx, string.Empty);
                prepare(command);
                command.Add("@limit", batchSize);
                return command.ExecuteNonQuery();
            });
            total += changed;
            batches++;
            longest = watch.Elapsed > longest ? watch.Elapsed : longest;
            if (changed < batchSize)
            {
                break;
            }

            // Let writers that queued behind this batch in before the next one takes the lock again.
            cancellationToken.WaitHandle.WaitOne(watch.Elapsed);
        }

        return new MaintenanceResult(total, batches, longest);
    }

    // PostgreSQL only: each statement is its own transaction. Cancellation between batches ends the run with what
    // it did, as the synchronous loop does; a statement cancelled while it runs throws.
    private static async ValueTask<MaintenanceResult> BatchesAsync(DbConnection connection, int batchSize, CancellationToken cancellationToken, Action<DbCommand> prepare)
    {
        CheckBatchSize(batchSize);
        long total = 0;
        var batches = 0;
        var longest = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            int changed;
            var command = WorkloadConnection.Command(connection, null, string.Empty);
            await using (command.ConfigureAwait(false))
            {
                prepare(command);
                command.Add("@limit", batchSize);
                changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            total += changed;
            batches++;
            longest = watch.Elapsed > longest ? watch.Elapsed : longest;
            if (changed < batchSize)
            {
                break;
            }

            try
            {
                await Task.Delay(watch.Elapsed, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return new MaintenanceResult(total, batches, longest);
    }
}
