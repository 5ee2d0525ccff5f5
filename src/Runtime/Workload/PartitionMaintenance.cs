using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Runtime.Postgres;
using Npgsql;

namespace AgentHive.Runtime.Workload;

/// <summary>How often a partitioned table starts a new partition (boundaries in UTC; weeks start on Monday).</summary>
public enum PartitionInterval
{
    /// <summary>One partition per day.</summary>
    Day,

    /// <summary>One partition per ISO week, Monday to Monday.</summary>
    Week,

    /// <summary>One partition per calendar month.</summary>
    Month,
}

/// <summary>A retention's PostgreSQL range partitioning, as schema.yaml declares it.</summary>
/// <param name="Interval">The length of one partition.</param>
/// <param name="Ahead">Partitions kept ready after the current one.</param>
/// <param name="DefaultPartition">The DEFAULT partition, which holds rows no dated partition covers.</param>
/// <param name="Prefix">A dated partition's name is this prefix and the UTC date its range starts on (yyyyMMdd).</param>
/// <param name="TimeColumn">The partition column: the retention's time.</param>
public sealed record RetentionPartitioning(PartitionInterval Interval, int Ahead, string DefaultPartition, string Prefix, string TimeColumn)
{
    /// <summary>The start of the partition that holds <paramref name="utc"/>.</summary>
    public DateTime StartOf(DateTime utc) => Interval switch
    {
        PartitionInterval.Day => utc.Date,
        PartitionInterval.Week => utc.Date.AddDays(-(((int)utc.DayOfWeek + 6) % 7)),
        _ => new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    /// <summary>The start of the partition after the one starting at <paramref name="start"/>.</summary>
    public DateTime After(DateTime start) => Interval switch
    {
        PartitionInterval.Day => start.AddDays(1),
        PartitionInterval.Week => start.AddDays(7),
        _ => start.AddMonths(1),
    };

    /// <summary>The name of the partition starting at <paramref name="start"/>.</summary>
    public string NameOf(DateTime start) => Prefix + start.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

/// <summary>A dated partition of a table and the range of times it holds, [From, To).</summary>
/// <param name="Name">The partition's table.</param>
/// <param name="From">First time it holds.</param>
/// <param name="To">First time it no longer holds.</param>
public sealed record DatedPartition(string Name, DateTime From, DateTime To);

/// <summary>
/// Keeps a partitioned table's dated partitions: creates the current and the next ones ahead of need, and
/// detaches and drops those entirely older than the retention's horizon. Each change is its own short
/// transaction under a lock_timeout (as the migrator's statements are): a change that cannot get its lock
/// in time is left for the next run, never waited out while the application's queries queue behind it.
/// </summary>
public static class PartitionMaintenance
{
    /// <summary>How long a partition change waits for its table locks unless told otherwise (the migrator's default lock_timeout).</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(2);

    // lock_not_available (the lock timeout), deadlock_detected, and check_violation (ATTACH found a row of the
    // new range left in DEFAULT; writers wait on the table lock, so only a path we do not foresee gets here).
    // Each rolls back whole.
    private static readonly string[] Postponing = { "55P03", "40P01", "23514" };

    /// <summary>The dated partitions of <paramref name="table"/> (the DEFAULT one left out), oldest first.</summary>
    public static IReadOnlyList<DatedPartition> Partitions(NpgsqlConnection connection, string table)
    {
        // A range bound reads back in the session's own date style, so the same session casts it back exactly.
        using var command = new NpgsqlCommand(
            "SELECT c.relname, (regexp_match(b.bound, 'FROM \\(''([^'']*)''\\)'))[1]::timestamptz, (regexp_match(b.bound, 'TO \\(''([^'']*)''\\)'))[1]::timestamptz " +
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b " +
            "WHERE i.inhparent = to_regclass(@table) AND b.bound <> 'DEFAULT' ORDER BY 2", connection);
        command.Parameters.AddWithValue("table", PostgresSchema.Quote(table));
        using var reader = command.ExecuteReader();
        var result = new List<DatedPartition>();
        while (reader.Read())
        {
            if (!reader.IsDBNull(1) && !reader.IsDBNull(2))
            {
                result.Add(new DatedPartition(reader.GetString(0), reader.GetFieldValue<DateTime>(1), reader.GetFieldValue<DateTime>(2)));
            }
        }

        return result;
    }

    /// <summary>
    /// Creates the partition holding the database's current time and <see cref="RetentionPartitioning.Ahead"/>
    /// after it, where none covers their range yet (see <see cref="Create"/>). Safe to run concurrently with writers and with itself.
    /// </summary>
    public static MaintenanceResult CreateAhead(NpgsqlConnection connection, string table, RetentionPartitioning partitioning, TimeSpan? lockTimeout = null) =>
        Create(connection, table, partitioning, Scalar<DateTime>(connection, "SELECT now()"), partitioning.Ahead + 1, lockTimeout);

    /// <summary>
    /// Creates <paramref name="count"/> consecutive partitions from the one holding <paramref name="fromUtc"/>, where
    /// none covers their range yet; for loading history into dated partitions instead of the DEFAULT one.
    /// Rows the DEFAULT partition holds for such a range move into the new partition in the same transaction
    /// (not counted in the result's rows: none is deleted).
    /// </summary>
    public static MaintenanceResult Create(NpgsqlConnection connection, string table, RetentionPartitioning partitioning, DateTime fromUtc, int count, TimeSpan? lockTimeout = null)
    {
        var result = MaintenanceResult.None;
        var start = partitioning.StartOf(fromUtc.ToUniversalTime());
        for (var i = 0; i < count; i++, start = partitioning.After(start))
        {
            var end = partitioning.After(start);
            result = result.Add(Change(connection, table, lockTimeout, (tx, watch) =>
            {
                // Covered already (by this run's peer, or a partition of another interval): nothing to do.
                if (Partitions(connection, table).Any(p => p.From < end && start < p.To))
                {
                    return null;
                }

                // Writers wait for the move and the attach; readers do not. ATTACH alone would let a writer that had
                // already routed its row to DEFAULT insert it there afterwards, where it now breaks DEFAULT's
                // constraint and the application's insert fails. Writers take the table's lock before they route.
                Execute(connection, tx, $"LOCK TABLE {PostgresSchema.Quote(table)} IN SHARE ROW EXCLUSIVE MODE");
                var name = PostgresSchema.Quote(partitioning.NameOf(start));
                var (from, to) = (Literal(start), Literal(end));
                var time = PostgresSchema.Quote(partitioning.TimeColumn);
                Execute(connection, tx, $"CREATE TABLE {name} (LIKE {PostgresSchema.Quote(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                Execute(connection, tx,
                    $"WITH moved AS (DELETE FROM {PostgresSchema.Quote(partitioning.DefaultPartition)} WHERE {time} >= {from} AND {time} < {to} RETURNING *) INSERT INTO {name} SELECT * FROM moved");
                Execute(connection, tx, $"ALTER TABLE {PostgresSchema.Quote(table)} ATTACH PARTITION {name} FOR VALUES FROM ({from}) TO ({to})");
                return new MaintenanceResult(0, 1, watch.Elapsed, PartitionsCreated: 1);
            }));
        }

        return result;
    }

    /// <summary>
    /// Detaches and drops every dated partition whose whole range is older than <paramref name="keep"/>
    /// before the database's current time: every row it can hold is past the horizon. A partition that
    /// reaches past the horizon stays, so a row lives at most one interval longer than the keep.
    /// </summary>
    public static MaintenanceResult DropExpired(NpgsqlConnection connection, string table, TimeSpan keep, TimeSpan? lockTimeout = null)
    {
        var horizon = Scalar<DateTime>(connection, $"SELECT now() - {WorkloadConnection.Milliseconds(keep).ToString(CultureInfo.InvariantCulture)} * interval '1 millisecond'");
        var result = MaintenanceResult.None;
        foreach (var partition in Partitions(connection, table).Where(p => p.To <= horizon))
        {
            result = result.Add(Change(connection, table, lockTimeout, (tx, watch) =>
            {
                // Dropped already by a run that held the turn before this one.
                if (Partitions(connection, table).All(p => p.Name != partition.Name))
                {
                    return null;
                }

                // Counted in the transaction that drops it, before the table lock: writers go on meanwhile.
                var rows = Scalar<long>(connection, $"SELECT count(*) FROM {PostgresSchema.Quote(partition.Name)}");
                Execute(connection, tx, $"ALTER TABLE {PostgresSchema.Quote(table)} DETACH PARTITION {PostgresSchema.Quote(partition.Name)}");
                Execute(connection, tx, $"DROP TABLE {PostgresSchema.Quote(partition.Name)}");
                return new MaintenanceResult(rows, 1, watch.Elapsed, PartitionsDropped: 1);
            }));
        }

        return result;
    }

    // One partition change in its own transaction. Maintenance runs of the table take turns (an advisory
    // lock); one that cannot get a table lock within the timeout, or meets a concurrent writer it cannot
    // pass, is rolled back and left for the next run.
    private static MaintenanceResult Change(NpgsqlConnection connection, string table, TimeSpan? lockTimeout,
        Func<NpgsqlTransaction, System.Diagnostics.Stopwatch, MaintenanceResult?> change)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var tx = connection.BeginTransaction();
        try
        {
            Execute(connection, tx, $"SET LOCAL lock_timeout = '{WorkloadConnection.Milliseconds(lockTimeout ?? DefaultLockTimeout).ToString(CultureInfo.InvariantCulture)}ms'");
            Execute(connection, tx, $"SELECT pg_advisory_xact_lock(hashtext({SqlLiteral("agenthive_partitions:" + table)}))");
            var done = change(tx, watch);
            tx.Commit();
            return done ?? MaintenanceResult.None;
        }
        catch (PostgresException ex) when (Array.IndexOf(Postponing, ex.SqlState) >= 0)
        {
            tx.Rollback();
            return new MaintenanceResult(0, 1, watch.Elapsed, PartitionsPostponed: 1);
        }
    }

    private static long Execute(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        return command.ExecuteNonQuery();
    }

    private static T Scalar<T>(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static string Literal(DateTime utc) => $"'{utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}+00'::timestamptz";

    private static string SqlLiteral(string text) => "'" + text.Replace("'", "''") + "'";

}
