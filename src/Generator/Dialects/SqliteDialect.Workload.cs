using System.Collections.Generic;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Dialects;

// SQLite: one writer at a time, so no row locks to skip; time arithmetic through strftime modifiers.
public sealed partial class SqliteDialect
{
    public IReadOnlyList<KeyValuePair<string, string>> StorageParameters(TableModel table) => new KeyValuePair<string, string>[0];

    public string CurrentTimestamp => Now;

    public string TimestampPlus(string milliseconds) =>
        $"strftime('%Y-%m-%d %H:%M:%f', 'now', printf('%+.3f seconds', ({milliseconds}) / 1000.0)) || '000+00:00'";

    public string ClaimIndex(string index) => $" INDEXED BY {SqlText.Quote(index)}";

    public string SkipLocked => string.Empty;

    public string Least(string left, string right) => $"min({left}, {right})";

    public string Greatest(string left, string right) => $"max({left}, {right})";

    // SQLite has no partitioning: a declared partition is a PostgreSQL matter, SQLite keeps the batched delete.
    public IReadOnlyList<string> KeyColumns(TableModel table) => table.PrimaryKey.Columns;

    public string PartitionClause(TableModel table) => string.Empty;

    public IEnumerable<string> Partitions(TableModel table) => new string[0];

    public string PruneTarget(TableModel table) => table.Name;
}
