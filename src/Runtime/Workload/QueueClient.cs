using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;

namespace AgentHive.Runtime.Workload;

/// <summary>What became of a message given back with <see cref="QueueClient{TRow}.Retry"/>.</summary>
public enum RetryOutcome
{
    /// <summary>The consumer no longer held the lease (it ran out and the message went back): nothing changed.</summary>
    LeaseLost,

    /// <summary>The message is claimable again after its backoff.</summary>
    Retried,

    /// <summary>That was the last attempt: the message is in the dead state.</summary>
    DeadLettered,
}

/// <summary>Options a consumer may set instead of the declared defaults.</summary>
public sealed class QueueOptions
{
    /// <summary>Lease length; the declared one when null.</summary>
    public TimeSpan? Lease { get; set; }

    /// <summary>Deliveries before a failure dead-letters a message; the declared number when null.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Delay before the first retry; the declared one when null.</summary>
    public TimeSpan? BackoffBase { get; set; }

    /// <summary>Longest delay before a retry; the declared one when null.</summary>
    public TimeSpan? BackoffMax { get; set; }
}

/// <summary>
/// At-least-once consumption of a queue table: <see cref="Claim"/> leases rows to a consumer, which then
/// acks, retries or extends each. A consumer that dies loses its leases when they run out
/// (<see cref="ReleaseExpired"/>, run by maintenance) and the rows are delivered again, so a handler must
/// recognise a redelivery (by the idempotency key, or its attempts above one).
/// </summary>
/// <typeparam name="TRow">What a claimed row is read into.</typeparam>
public sealed class QueueClient<TRow>
{
    private readonly Func<DbDataReader, TRow> _read;

    /// <summary>A client of the queue <paramref name="definition"/>, reading claimed rows with <paramref name="read"/>.</summary>
    public QueueClient(QueueDefinition definition, Func<DbDataReader, TRow> read, QueueOptions? options = null)
    {
        Definition = definition;
        _read = read;
        Options = options ?? new QueueOptions();
    }

    /// <summary>The queue's declaration.</summary>
    public QueueDefinition Definition { get; }

    /// <summary>Options that replace declared defaults.</summary>
    public QueueOptions Options { get; }

    private TimeSpan Lease(TimeSpan? lease) => lease ?? Options.Lease ?? Definition.Lease;

    /// <summary>
    /// Claims up to <paramref name="max"/> claimable, visible rows for <paramref name="consumer"/> under a lease,
    /// in the declared order; within <paramref name="partition"/> (a recipient) when given. SQLite runs it as one
    /// UPDATE … RETURNING in an immediate transaction, PostgreSQL with FOR UPDATE SKIP LOCKED, so two consumers
    /// never claim the same row.
    /// </summary>
    public IReadOnlyList<TRow> Claim(DbConnection connection, string consumer, int max, object? partition = null, TimeSpan? lease = null, DbTransaction? transaction = null)
    {
        DatabaseQueue.CheckMax(max);
        var statements = Definition.Statements.For(connection);
        var sql = partition is null
            ? statements.Claim
            : statements.ClaimInPartition ?? throw new ArgumentException($"Queue '{Definition.Table}' declares no partition.", nameof(partition));
        return WorkloadConnection.InWriteTransaction(connection, transaction, tx =>
        {
            using var command = WorkloadConnection.Command(connection, tx, sql)
                .Add("@owner", consumer)
                .Add("@limit", max)
                .Add("@lease_ms", WorkloadConnection.Milliseconds(Lease(lease)));
            if (partition is not null)
            {
                command.Add("@partition", partition);
            }

            var rows = new List<(TRow Row, object[] Keys)>();
            using (var reader = command.ExecuteReader())
            {
                var ordinals = Definition.Order.Select(o => reader.GetOrdinal(o.Column)).ToArray();
                while (reader.Read())
                {
                    rows.Add((_read(reader), ordinals.Select(reader.GetValue).ToArray()));
                }
            }

            // RETURNING gives rows in no promised order: put the batch back in claim order.
            rows.Sort((a, b) => CompareKeys(a.Keys, b.Keys));
            return (IReadOnlyList<TRow>)rows.Select(r => r.Row).ToList();
        });
    }

    /// <summary>Acknowledges row <paramref name="id"/>: done. False when <paramref name="consumer"/> no longer held its lease.</summary>
    public bool Ack(DbConnection connection, object id, string consumer, DbTransaction? transaction = null)
    {
        using var command = WorkloadConnection.Command(connection, transaction, Definition.Statements.For(connection).Ack)
            .Add("@id", id)
            .Add("@owner", consumer);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Gives row <paramref name="id"/> back after a failure: claimable again after the backoff, or dead after the last attempt.</summary>
    public RetryOutcome Retry(DbConnection connection, object id, string consumer, DbTransaction? transaction = null)
    {
        using var command = WorkloadConnection.Command(connection, transaction, Definition.Statements.For(connection).Retry)
            .Add("@id", id)
            .Add("@owner", consumer);
        WorkloadMaintenance.AddRetryParameters(command, Definition, Options);
        return DatabaseQueue.Outcome(command.ExecuteScalar(), Definition.DeadState);
    }

    /// <summary>Extends the lease on row <paramref name="id"/> from now; false when it already ran out or is not <paramref name="consumer"/>'s.</summary>
    public bool Extend(DbConnection connection, object id, string consumer, TimeSpan? lease = null, DbTransaction? transaction = null)
    {
        using var command = WorkloadConnection.Command(connection, transaction, Definition.Statements.For(connection).Extend)
            .Add("@id", id)
            .Add("@owner", consumer)
            .Add("@lease_ms", WorkloadConnection.Milliseconds(Lease(lease)));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Gives back rows whose lease ran out (see <see cref="WorkloadMaintenance.ReleaseExpired"/>) with this client's options.</summary>
    public long ReleaseExpired(DbConnection connection, int batchSize = WorkloadMaintenance.DefaultBatchSize) =>
        WorkloadMaintenance.ReleaseExpired(connection, Definition, batchSize, Options).Rows;

    private int CompareKeys(object[] left, object[] right)
    {
        for (var i = 0; i < left.Length; i++)
        {
            var order = Comparer<object>.Default.Compare(left[i] is DBNull ? null! : left[i], right[i] is DBNull ? null! : right[i]);
            if (order != 0)
            {
                return Definition.Order[i].Descending ? -order : order;
            }
        }

        return 0;
    }
}
