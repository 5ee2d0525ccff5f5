using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using Microsoft.CodeAnalysis;

namespace AgentHive.Generator.Diff;

/// <summary>An operation of an upgrade that rewrites or scans a populated table while writers wait, or breaks running older versions.</summary>
/// <param name="Descriptor">The AH09x warning.</param>
/// <param name="At">The location key of the schema element it comes from (<c>table:t</c>, <c>column:t.c</c>, ...).</param>
/// <param name="Arguments">The message arguments.</param>
public sealed record BlockingOperation(DiagnosticDescriptor Descriptor, string At, string[] Arguments);

/// <summary>
/// The build-time lint of an upgrade: only what can be told from the two versions for certain. Tables
/// the upgrade creates hold no rows yet and are never reported; neither are indexes (SQLite builds them
/// without a rebuild), NOT NULL on PostgreSQL (set through a validated CHECK), nor PostgreSQL type changes
/// the migrator makes online (<see cref="PostgresOnlineTypeChange"/>).
/// </summary>
public static class BlockingOperations
{
    public static IReadOnlyList<BlockingOperation> Find(VersionChanges up, SqliteDialect previousForm)
    {
        var found = new List<BlockingOperation>();
        var version = up.Target.Version.ToString(CultureInfo.InvariantCulture);
        var previous = up.Source.Version.ToString(CultureInfo.InvariantCulture);
        foreach (var (source, target) in up.KeptTables)
        {
            if (source.Name != target.Name)
            {
                found.Add(new(DiagnosticDescriptors.RenameBreaksRunningVersions, $"table-renamed:{target.Name}", new[] { version, "table", source.Name, target.Name, previous }));
            }

            foreach (var column in target.Columns)
            {
                var sourceName = up.Mapping.SourceColumn(target.Name, column.Name);
                if (sourceName is not null && sourceName != column.Name)
                {
                    found.Add(new(DiagnosticDescriptors.RenameBreaksRunningVersions, $"column-renamed:{target.Name}.{column.Name}",
                        new[] { version, "column", $"{target.Name}.{sourceName}", $"{target.Name}.{column.Name}", previous }));
                }

                // A rewriting type change the migrator makes online (shadow column, batched copy, short swap) is not reported.
                if (sourceName is not null && source.Columns.First(c => c.Name == sourceName) is var old && RewritesOnPostgres(old, column) &&
                    PostgresOnlineTypeChange.Obstacle(up, up.InTargetNames(source, target), target, column) is { } obstacle)
                {
                    found.Add(new(DiagnosticDescriptors.PostgresTypeRewrite, $"column:{target.Name}.{column.Name}",
                        new[] { version, $"{target.Name}.{column.Name}", VersionChanges.TypeText(old), VersionChanges.TypeText(column), target.Name, obstacle }));
                }

                if (sourceName is null && column.Default?.Kind is DefaultKind.Now or DefaultKind.RandomUuid)
                {
                    var random = column.Default.Kind == DefaultKind.RandomUuid;
                    found.Add(new(DiagnosticDescriptors.NonConstantDefaultOnAddedColumn, $"column:{target.Name}.{column.Name}", new[]
                    {
                        version, $"{target.Name}.{column.Name}", target.Name, random ? "random" : "now",
                        random
                            ? "PostgreSQL computes a new value for every existing row, rewriting the table under an ACCESS EXCLUSIVE lock, and SQLite, which cannot add a column with such a default, rebuilds the table."
                            : "SQLite cannot add a column with such a default and rebuilds the table (PostgreSQL evaluates now() once and does not rewrite).",
                    }));
                }
            }

            var renamed = up.InTargetNames(source, target);
            var existing = DdlBuilder.Constraints(renamed, PostgresDialect.Instance).Select(c => c.Clause).ToList();
            foreach (var unique in target.Uniques.Where(u => !existing.Contains($"UNIQUE ({DdlBuilder.ColumnList(u.Columns)})")))
            {
                var at = unique.Columns.Count == 1 ? $"column:{target.Name}.{unique.Columns[0]}" : $"table:{target.Name}";
                found.Add(new(DiagnosticDescriptors.UniqueConstraintOnExistingTable, at, new[] { version, unique.Name, target.Name }));
            }
        }

        foreach (var (table, reasons) in SqlitePlanner.Rebuilds(up, previousForm, SqliteDialect.Instance))
        {
            // Unique constraints and non-constant defaults have their own warning, which names the SQLite rebuild too.
            var rest = reasons.Where(r => r.Kind == SqliteRebuildKind.Other).Select(r => r.Text).ToList();
            if (rest.Count > 0)
            {
                found.Add(new(DiagnosticDescriptors.SqliteTableRebuild, $"table:{table.Name}", new[] { version, table.Name, string.Join("; ", rest) }));
            }
        }

        return found;
    }

    /// <summary>
    /// Whether PostgreSQL rewrites the table to change the column's type. It does not when the stored
    /// type stays (an enum becoming text) or only a numeric's precision grows at the same scale.
    /// </summary>
    public static bool RewritesOnPostgres(ColumnModel old, ColumnModel column)
    {
        string Type(ColumnModel c) => PostgresDialect.Instance.ColumnType(c).Replace(" GENERATED BY DEFAULT AS IDENTITY", string.Empty);
        if (Type(old) == Type(column))
        {
            return false;
        }

        return !(old.Kind == ColumnKind.Decimal && column.Kind == ColumnKind.Decimal && old.Scale == column.Scale && column.Precision >= old.Precision);
    }
}
