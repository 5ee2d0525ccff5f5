using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Data;

namespace AgentHive.Runtime.Workload;

/// <summary>What generated queue accessors share: the claim's write transaction and the outcome of a retry.</summary>
public static class DatabaseQueue
{
    /// <summary>
    /// Runs a claim in <paramref name="database"/>'s transaction, or on SQLite in an immediate transaction of
    /// its own (its UPDATE reads before it writes); on PostgreSQL one statement is its own transaction.
    /// <paramref name="claim"/> prepares its command inside, so the command runs in that transaction.
    /// </summary>
    public static List<T> Claim<T>(SchemaDatabase database, Func<List<T>> claim, Comparison<T> order)
    {
        var own = database.Transaction is null && database.Backend.Provider == DatabaseProvider.Sqlite ? database.BeginTransaction() : null;
        try
        {
            var rows = claim();
            own?.Commit();
            // RETURNING gives rows in no promised order: put the batch back in claim order.
            rows.Sort(order);
            return rows;
        }
        finally
        {
            own?.Dispose();
        }
    }

    /// <summary>
    /// As <see cref="Claim{T}"/>, asynchronously: where the database has no transaction set, SQLite runs the claim
    /// in an immediate transaction of its own, PostgreSQL as one statement.
    /// </summary>
    public static async ValueTask<List<T>> ClaimAsync<T>(SchemaDatabase database, Func<CancellationToken, ValueTask<List<T>>> claim, Comparison<T> order,
        CancellationToken cancellationToken)
    {
        var own = database.Transaction is null && database.Backend.Provider == DatabaseProvider.Sqlite
            ? await database.BeginTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var rows = await claim(cancellationToken).ConfigureAwait(false);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            rows.Sort(order);
            return rows;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Throws unless <paramref name="max"/> asks for at least one row.</summary>
    public static void CheckMax(int max)
    {
        if (max < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "Claim at least one row.");
        }
    }

    /// <summary>The outcome of a retry statement that returned <paramref name="state"/> (null: no row, the lease was lost).</summary>
    public static RetryOutcome Outcome(object? state, string deadState) =>
        state is null or DBNull ? RetryOutcome.LeaseLost
        : Equals(state, deadState) ? RetryOutcome.DeadLettered
        : RetryOutcome.Retried;

    /// <summary>Milliseconds of <paramref name="span"/>, as the statements take durations.</summary>
    public static long Milliseconds(TimeSpan span) => WorkloadConnection.Milliseconds(span);
}
