using System.Collections.Generic;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Dialects;

// What differs between the backends for queues, retention and memory pruning.
public partial interface ISqlDialect
{
    /// <summary>Storage parameters CREATE TABLE gives the table, in order; none where the backend has no such thing.</summary>
    IReadOnlyList<KeyValuePair<string, string>> StorageParameters(TableModel table);

    /// <summary>The current time, in the form the backend stores a timestamp in.</summary>
    string CurrentTimestamp { get; }

    /// <summary>The current time plus (or minus, when negative) an integer expression of milliseconds.</summary>
    string TimestampPlus(string milliseconds);

    /// <summary>Appended to a subquery that picks rows to change: lets concurrent pickers pass each other's rows.</summary>
    string SkipLocked { get; }

    /// <summary>
    /// Appended to the table a claim picks from: makes the planner read the queue's claim index. SQLite, without
    /// fresh statistics and with the visibility filter, preferred another index and a sort of every claimable row.
    /// </summary>
    string ClaimIndex(string index);

    /// <summary>The smaller of two values.</summary>
    string Least(string left, string right);

    /// <summary>The larger of two values.</summary>
    string Greatest(string left, string right);

    /// <summary>
    /// The columns of the table's primary key as the backend declares it: the model's, plus the partition
    /// column where the backend partitions the table (PostgreSQL requires it in every unique key).
    /// </summary>
    IReadOnlyList<string> KeyColumns(TableModel table);

    /// <summary>Text after CREATE TABLE's closing parenthesis that makes it a partitioned table; empty for none.</summary>
    string PartitionClause(TableModel table);

    /// <summary>Partitions created with the table (the DEFAULT one); none where the backend does not partition it.</summary>
    IEnumerable<string> Partitions(TableModel table);

    /// <summary>The table a retention's batched delete runs on: the table, or the DEFAULT partition of a partitioned one.</summary>
    string PruneTarget(TableModel table);
}
