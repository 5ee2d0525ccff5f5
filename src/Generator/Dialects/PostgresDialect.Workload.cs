using System.Collections.Generic;
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
}
