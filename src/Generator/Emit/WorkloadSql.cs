using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// The statements of queues, retention and memory pruning for one dialect. Parameters: @owner, @limit,
/// @lease_ms, @partition, @id, @max_attempts, @backoff_base_ms, @backoff_max_ms, @keep_ms, @keep_top,
/// @drop_below, @unused_ms; every duration in milliseconds.
/// </summary>
public static class WorkloadSql
{
    /// <summary>Claims up to @limit claimable, visible rows (of @partition when <paramref name="inPartition"/>) for @owner; returns them.</summary>
    public static string Claim(TableModel table, QueueModel queue, ISqlDialect dialect, bool inPartition)
    {
        var key = Key(table);
        var filter = $"{StateIn(queue.StateColumn, queue.Claimable)} AND ({Q(queue.VisibleAtColumn)} IS NULL OR {Q(queue.VisibleAtColumn)} <= {dialect.CurrentTimestamp})";
        if (inPartition)
        {
            filter += $" AND {Q(queue.PartitionColumn!)} = @partition";
        }

        var order = string.Join(", ", queue.Order.Select(o => Q(o.Column) + (o.Descending ? " DESC" : string.Empty)));
        return $"UPDATE {Q(table.Name)} SET {Q(queue.StateColumn)} = {L(queue.Leased[0])}, {Q(queue.LeaseOwnerColumn)} = @owner, " +
               $"{Q(queue.LeaseExpiresAtColumn)} = {dialect.TimestampPlus("@lease_ms")}, {Q(queue.AttemptsColumn)} = {Q(queue.AttemptsColumn)} + 1, " +
               $"{Q(queue.VisibleAtColumn)} = NULL " +
               $"WHERE {key} IN (SELECT {key} FROM {Q(table.Name)}{dialect.ClaimIndex(queue.ClaimIndexName)} WHERE {filter} ORDER BY {order} LIMIT @limit{dialect.SkipLocked}) RETURNING *";
    }

    /// <summary>Moves @id, leased by @owner, to the acked state; no row when the lease was lost.</summary>
    public static string Ack(TableModel table, QueueModel queue) =>
        $"UPDATE {Q(table.Name)} SET {Q(queue.StateColumn)} = {L(queue.Acked)}, {ClearLease(queue)} WHERE {OwnedBy(table, queue)}";

    /// <summary>Gives @id, leased by @owner, back: to retry after the backoff, or dead after the last attempt. Returns the new state.</summary>
    public static string Retry(TableModel table, QueueModel queue, ISqlDialect dialect) =>
        $"UPDATE {Q(table.Name)} SET {GiveBack(queue, dialect, backoff: true)} WHERE {OwnedBy(table, queue)} RETURNING {Q(queue.StateColumn)}";

    /// <summary>Extends the lease @owner holds on @id by @lease_ms from now, unless it already ran out.</summary>
    public static string Extend(TableModel table, QueueModel queue, ISqlDialect dialect) =>
        $"UPDATE {Q(table.Name)} SET {Q(queue.LeaseExpiresAtColumn)} = {dialect.TimestampPlus("@lease_ms")} " +
        $"WHERE {OwnedBy(table, queue)} AND {Q(queue.LeaseExpiresAtColumn)} >= {dialect.CurrentTimestamp}";

    /// <summary>
    /// Gives back up to @limit rows whose lease ran out (their consumer died or stalled): claimable at once,
    /// since the lease itself was the wait; dead after the last attempt.
    /// </summary>
    public static string ReleaseExpired(TableModel table, QueueModel queue, ISqlDialect dialect)
    {
        var key = Key(table);
        return $"UPDATE {Q(table.Name)} SET {GiveBack(queue, dialect, backoff: false)} " +
               $"WHERE {key} IN (SELECT {key} FROM {Q(table.Name)} WHERE {StateIn(queue.StateColumn, queue.Leased)} " +
               $"AND {Q(queue.LeaseExpiresAtColumn)} < {dialect.CurrentTimestamp} LIMIT @limit{dialect.SkipLocked})";
    }

    /// <summary>
    /// Deletes up to @limit rows older than @keep_ms; a row whose own children (same table, cascading) remain waits for them.
    /// Of a partitioned table, only its DEFAULT partition: dated partitions go whole once expired.
    /// </summary>
    public static string Prune(TableModel table, RetentionModel retention, ISqlDialect dialect)
    {
        var filter = $"{R(retention.TimeColumn)} < {dialect.TimestampPlus("-@keep_ms")}";
        if (retention.StateColumn is { } state)
        {
            filter += $" AND {StateIn("r", state, retention.States)}";
        }

        var target = Q(dialect.PruneTarget(table));
        var keys = dialect.KeyColumns(table);
        if (keys.Count == 1)
        {
            return $"DELETE FROM {target} WHERE {Q(keys[0])} IN (SELECT {R(keys[0])} FROM {target} AS \"r\" WHERE {filter + Leaves(table)} LIMIT @limit{dialect.SkipLocked})";
        }

        // A partitioned table's id alone is not its key: the whole key picks exactly the rows found.
        return $"DELETE FROM {target} WHERE ({string.Join(", ", keys.Select(Q))}) IN " +
               $"(SELECT {string.Join(", ", keys.Select(R))} FROM {target} AS \"r\" WHERE {filter + Leaves(table)} LIMIT @limit{dialect.SkipLocked})";
    }

    /// <summary>Deletes up to @limit memories beyond the @keep_top most important of their owner.</summary>
    public static string PruneBeyondTop(TableModel table, MemoryModel memory)
    {
        var key = Key(table);
        var lastUse = memory.LastUseColumn is null ? Q(memory.TimeColumn) : $"coalesce({Q(memory.LastUseColumn)}, {Q(memory.TimeColumn)})";
        // No SKIP LOCKED: PostgreSQL allows no row locks beside window functions; a row deleted meanwhile just counts less.
        return $"DELETE FROM {Q(table.Name)} WHERE {key} IN (SELECT {key} FROM (SELECT {key}, row_number() OVER " +
               $"(PARTITION BY {Q(memory.OwnerColumn)} ORDER BY {Q(memory.ImportanceColumn)} DESC, {lastUse} DESC, {key} DESC) AS \"rank\" " +
               $"FROM {Q(table.Name)}) AS \"ranked\" WHERE \"rank\" > @keep_top LIMIT @limit)";
    }

    /// <summary>Deletes up to @limit memories below @drop_below not used for @unused_ms.</summary>
    public static string PruneUnimportant(TableModel table, MemoryModel memory, ISqlDialect dialect)
    {
        var lastUse = memory.LastUseColumn is null ? R(memory.TimeColumn) : $"coalesce({R(memory.LastUseColumn)}, {R(memory.TimeColumn)})";
        return Delete(table, $"{R(memory.ImportanceColumn)} < @drop_below AND {lastUse} < {dialect.TimestampPlus("-@unused_ms")}", dialect.SkipLocked);
    }

    /// <summary>
    /// Inserts a memory with the entity's insert parameters, or, when its owner already stored the same
    /// content, touches that row (last use now, the higher importance). Returns the row's key either way.
    /// </summary>
    public static string StoreOrTouch(TableModel table, MemoryModel memory, ISqlDialect dialect)
    {
        var columns = table.Columns.Where(c => c.Kind != ColumnKind.Id).ToList();
        var importance = Q(memory.ImportanceColumn);
        var touch = new List<string> { $"{importance} = {dialect.Greatest($"{Q(table.Name)}.{importance}", $"excluded.{importance}")}" };
        if (memory.LastUseColumn is { } lastUse)
        {
            touch.Insert(0, $"{Q(lastUse)} = {dialect.CurrentTimestamp}");
        }

        return $"INSERT INTO {Q(table.Name)} ({DdlBuilder.ColumnList(columns.Select(c => c.Name))}) " +
               $"VALUES ({string.Join(", ", columns.Select(c => dialect.InsertValue(c, "@" + c.Name)))}) " +
               $"ON CONFLICT ({Q(memory.OwnerColumn)}, {Q(memory.HashColumn!)}) DO UPDATE SET {string.Join(", ", touch)} RETURNING {Key(table)}";
    }

    private static string Delete(TableModel table, string filter, string skipLocked)
    {
        var key = Key(table);
        return $"DELETE FROM {Q(table.Name)} WHERE {key} IN (SELECT {R(table.PrimaryKey.Columns[0])} FROM {Q(table.Name)} AS \"r\" WHERE {filter} LIMIT @limit{skipLocked})";
    }

    // Deleting a row cascades to its children in the same table, which may not be due yet: only leaves go.
    private static string Leaves(TableModel table) =>
        string.Concat(table.ForeignKeys
            .Where(fk => fk.ReferencedTable == table.Name && fk.OnDelete == ReferentialAction.Cascade && fk.Columns.Count == 1)
            .Select(fk => $" AND NOT EXISTS (SELECT 1 FROM {Q(table.Name)} AS \"c\" WHERE \"c\".{Q(fk.Columns[0])} = {R(fk.ReferencedColumns[0])})"));

    private static string GiveBack(QueueModel queue, ISqlDialect dialect, bool backoff)
    {
        var attempts = Q(queue.AttemptsColumn);
        var last = $"{attempts} >= @max_attempts";
        var delay = queue.ExponentialBackoff
            ? dialect.Least($"@backoff_base_ms * (1 << {dialect.Least($"{attempts} - 1", "20")})", "@backoff_max_ms")
            : dialect.Least($"@backoff_base_ms * {attempts}", "@backoff_max_ms");
        var visible = backoff ? $"CASE WHEN {last} THEN NULL ELSE {dialect.TimestampPlus(delay)} END" : "NULL";
        return $"{Q(queue.StateColumn)} = CASE WHEN {last} THEN {L(queue.Dead)} ELSE {L(queue.Retry)} END, " +
               $"{Q(queue.VisibleAtColumn)} = {visible}, {ClearLease(queue)}";
    }

    private static string ClearLease(QueueModel queue) => $"{Q(queue.LeaseOwnerColumn)} = NULL, {Q(queue.LeaseExpiresAtColumn)} = NULL";

    private static string OwnedBy(TableModel table, QueueModel queue) =>
        $"{Key(table)} = @id AND {StateIn(queue.StateColumn, queue.Leased)} AND {Q(queue.LeaseOwnerColumn)} = @owner";

    /// <summary>The condition that <paramref name="column"/> holds one of <paramref name="states"/>: <c>= 'x'</c> or <c>IN (...)</c>.</summary>
    internal static string StateIn(string column, IReadOnlyList<string> states) => StateIn(null, column, states);

    private static string StateIn(string? alias, string column, IReadOnlyList<string> states)
    {
        var quoted = alias is null ? Q(column) : $"{Q(alias)}.{Q(column)}";
        return states.Count == 1 ? $"{quoted} = {L(states[0])}" : $"{quoted} IN ({string.Join(", ", states.Select(L))})";
    }

    private static string Key(TableModel table) => Q(table.PrimaryKey.Columns[0]);

    private static string Q(string name) => SqlText.Quote(name);

    private static string R(string column) => $"\"r\".{Q(column)}";

    private static string L(string value) => SqlText.Literal(value);
}
