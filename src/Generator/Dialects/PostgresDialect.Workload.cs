using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Dialects;

// PostgreSQL: claims skip rows another consumer has locked; queue tables vacuum early.
public sealed partial class PostgresDialect
{
    // Default autovacuum waits for 20 % of a table to be dead: a queue table's claim index fills with dead
    // entries long before that. Vacuum (and analyze) after 1 % of changes, or 1000 rows on a small table;
    // leave 10 % of each page free so lease extensions can be HOT updates.
    private static readonly KeyValuePair<string, string>[] QueueStorage =
    {
        new("autovacuum_analyze_scale_factor", "0.02"),
        new("autovacuum_vacuum_scale_factor", "0.01"),
        new("autovacuum_vacuum_threshold", "1000"),
        new("fillfactor", "90"),
    };

    public IReadOnlyList<KeyValuePair<string, string>> StorageParameters(TableModel table) =>
        table.Queue is null ? new KeyValuePair<string, string>[0] : QueueStorage;

    public string CurrentTimestamp => "now()";

    public string TimestampPlus(string milliseconds) => $"now() + ({milliseconds}) * interval '1 millisecond'";

    public string ClaimIndex(string index) => string.Empty;

    public string SkipLocked => " FOR UPDATE SKIP LOCKED";

    public string Least(string left, string right) => $"LEAST({left}, {right})";

    public string Greatest(string left, string right) => $"GREATEST({left}, {right})";

    public IReadOnlyList<string> KeyColumns(TableModel table) =>
        table.Partition is null || table.PrimaryKey.Columns.Contains(table.Retention!.TimeColumn)
            ? table.PrimaryKey.Columns
            : table.PrimaryKey.Columns.Concat(new[] { table.Retention.TimeColumn }).ToList();

    public string PartitionClause(TableModel table) =>
        table.Partition is null ? string.Empty : $" PARTITION BY RANGE ({SqlText.Quote(table.Retention!.TimeColumn)})";

    // Rows no dated partition covers land here, so an insert never fails for want of a partition.
    public IEnumerable<string> Partitions(TableModel table) =>
        table.Partition is { } partition
            ? new[] { $"CREATE TABLE {SqlText.Quote(partition.DefaultPartition)} PARTITION OF {SqlText.Quote(table.Name)} DEFAULT" }
            : new string[0];

    public string PruneTarget(TableModel table) => table.Partition?.DefaultPartition ?? table.Name;
}
