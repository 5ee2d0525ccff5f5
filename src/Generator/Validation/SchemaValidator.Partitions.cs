using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Validation;

// A partitioned table's keys: PostgreSQL enforces uniqueness only with the partition column in the key,
// and a partition drop must not reach into other tables.
public sealed partial class SchemaValidator
{
    private void CheckPartitionedTables(List<TableBuilder> tables)
    {
        var partitioned = tables.Where(t => t.Retention?.Partition is not null).ToDictionary(t => t.Name, t => t.Retention!.TimeColumn);
        if (partitioned.Count == 0)
        {
            return;
        }

        foreach (var owner in tables.Where(t => t.Retention?.Partition is not null))
        {
            var partition = owner.Retention!.Partition!;
            foreach (var clash in tables.Where(t => t.Name == partition.DefaultPartition || IsDatedPartitionName(t.Name, partition.Prefix)))
            {
                Report(DiagnosticDescriptors.DuplicateName, clash.Syntax.Name.Location, "Table", clash.Name,
                    $" (the partitions of table '{owner.Name}' are named {partition.DefaultPartition} and {partition.Prefix}YYYYMMDD)");
            }
        }

        foreach (var table in tables)
        {
            if (partitioned.TryGetValue(table.Name, out var time))
            {
                foreach (var (unique, location) in table.Uniques.Where(u => !u.Model.Columns.Contains(time)))
                {
                    Report(DiagnosticDescriptors.PartitionUniqueWithoutTime, location, "Unique constraint", unique.Name, table.Name, time);
                }

                foreach (var (index, location) in table.Indexes.Where(i => i.Model.Unique && !i.Model.Keys.Any(k => k.Kind == IndexKeyKind.Column && k.Value == time)))
                {
                    Report(DiagnosticDescriptors.PartitionUniqueWithoutTime, location, "Unique index", index.Name, table.Name, time);
                }
            }

            foreach (var fk in table.ForeignKeys.Where(fk => partitioned.ContainsKey(fk.ReferencedTable)))
            {
                var target = tables.First(t => t.Name == fk.ReferencedTable);
                var at = table.ForeignKeyLocations.TryGetValue(fk.Columns[0], out var location) ? location : table.Syntax.Name.Location;
                var key = string.Join(", ", target.PrimaryKey!.Columns.Concat(new[] { partitioned[target.Name] }).Distinct());
                Report(DiagnosticDescriptors.ForeignKeyToPartitionedTable, at, fk.Name, table.Name, fk.ReferencedTable, key);
            }
        }
    }

    private static bool IsDatedPartitionName(string name, string prefix) =>
        name.Length == prefix.Length + 8 && name.StartsWith(prefix, System.StringComparison.Ordinal) && name.Substring(prefix.Length).All(char.IsDigit);
}
