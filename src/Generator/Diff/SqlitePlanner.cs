using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Diff;

/// <summary>
/// SQLite statements for a version change. What ALTER TABLE cannot do safely becomes the rebuild of
/// sqlite.org/lang_altertable.html §7: create the new table under a temporary name, copy the rows,
/// drop the old table, rename the new one, recreate its indexes and triggers. The migrator's connection
/// has foreign keys off (so dropping a parent cascades nothing) and the migration checks every foreign
/// key before it commits.
/// </summary>
public static class SqlitePlanner
{
    private static readonly ISqlDialect Dialect = SqliteDialect.Instance;

    public static IReadOnlyList<string> Plan(VersionChanges changes)
    {
        var statements = new List<string>();
        statements.AddRange(changes.Steps(before: true).Select(s => s.Sqlite));
        statements.AddRange(changes.DroppedTables.Select(t => $"DROP TABLE {SqlText.Quote(t.Name)}"));

        // Renaming rewrites the REFERENCES of child tables to the new name (legacy_alter_table is off).
        foreach (var (source, target) in changes.KeptTables.Where(p => p.Source.Name != p.Target.Name))
        {
            statements.Add($"ALTER TABLE {SqlText.Quote(source.Name)} RENAME TO {SqlText.Quote(target.Name)}");
        }

        foreach (var target in changes.Target.Tables)
        {
            if (changes.Mapping.SourceTable(target.Name) is null)
            {
                statements.Add(DdlBuilder.CreateTable(target, Dialect));
                statements.AddRange(IndexesAndTriggers(target));
                continue;
            }

            var source = changes.Source.Tables.First(t => t.Name == changes.Mapping.SourceTable(target.Name));
            var renamedSource = changes.InTargetNames(source, target);
            if (NeedsRebuild(changes, source, target, renamedSource))
            {
                statements.AddRange(Rebuild(changes, target));
                continue;
            }

            var oldIndexes = renamedSource.Indexes.Select(i => DdlBuilder.CreateIndex(renamedSource, i, Dialect)).ToList();
            var newIndexes = target.Indexes.Select(i => DdlBuilder.CreateIndex(target, i, Dialect)).ToList();
            statements.AddRange(renamedSource.Indexes.Where((_, i) => !newIndexes.Contains(oldIndexes[i])).Select(i => $"DROP INDEX {SqlText.Quote(i.Name)}"));
            statements.AddRange(newIndexes.Where(i => !oldIndexes.Contains(i)));
            if (!Dialect.Triggers(renamedSource).SequenceEqual(Dialect.Triggers(target)))
            {
                statements.AddRange(Dialect.TriggerNames(renamedSource).Select(n => $"DROP TRIGGER {SqlText.Quote(n)}"));
                statements.AddRange(Dialect.Triggers(target));
            }
        }

        statements.AddRange(changes.Steps(before: false).Select(s => s.Sqlite));
        return statements;
    }

    private static bool NeedsRebuild(VersionChanges changes, TableModel source, TableModel target, TableModel renamedSource) =>
        source.Name != target.Name ||
        source.Columns.Any(c => changes.Mapping.TargetColumn(target.Name, c.Name) != c.Name) ||
        DdlBuilder.CreateTable(renamedSource, Dialect) != DdlBuilder.CreateTable(target, Dialect) ||
        target.Columns.Any(c => changes.ValueMap(c).Count > 0 || changes.Backfill(c) is not null);

    private static IEnumerable<string> Rebuild(VersionChanges changes, TableModel target)
    {
        var source = changes.Source.Tables.First(t => t.Name == changes.Mapping.SourceTable(target.Name));
        var temporary = Validation.Names.Fit("agenthive_new_" + target.Name);
        var columns = new List<string>();
        var values = new List<string>();
        foreach (var column in target.Columns)
        {
            var from = changes.Mapping.SourceColumn(target.Name, column.Name);
            var backfill = changes.Backfill(column) is { } sql ? InSourceNames(sql, changes, target) : null;
            string? value = null;
            if (from is not null)
            {
                value = StoredValue.Convert(source.Columns.First(c => c.Name == from), column, SqlText.Quote(from), changes.IsUpgrade);
                var map = changes.ValueMap(column);
                if (map.Count > 0)
                {
                    value = $"CASE {value} {string.Join(" ", map.Select(m => $"WHEN {SqlText.Literal(m.Old)} THEN {SqlText.Literal(m.New)}"))} ELSE {value} END";
                }

                if (backfill is not null)
                {
                    value = $"coalesce({value}, {backfill})";
                }
            }
            else if (backfill is not null)
            {
                value = backfill;
            }

            if (value is not null)
            {
                columns.Add(SqlText.Quote(column.Name));
                values.Add(value);
            }
        }

        yield return DdlBuilder.CreateTable(target, Dialect, temporary);
        yield return $"INSERT INTO {SqlText.Quote(temporary)} ({string.Join(", ", columns)}) SELECT {string.Join(", ", values)} FROM {SqlText.Quote(target.Name)}";
        yield return $"DROP TABLE {SqlText.Quote(target.Name)}";
        yield return $"ALTER TABLE {SqlText.Quote(temporary)} RENAME TO {SqlText.Quote(target.Name)}";
        foreach (var statement in IndexesAndTriggers(target))
        {
            yield return statement;
        }
    }

    /// <summary>A backfill is written with the target's column names; the copy reads the source table.</summary>
    private static string InSourceNames(string sql, VersionChanges changes, TableModel target) =>
        target.Columns.Aggregate(sql, (text, column) =>
            changes.Mapping.SourceColumn(target.Name, column.Name) is { } from && from != column.Name
                ? text.Replace(SqlText.Quote(column.Name), SqlText.Quote(from))
                : text);

    private static IEnumerable<string> IndexesAndTriggers(TableModel table) =>
        table.Indexes.Select(i => DdlBuilder.CreateIndex(table, i, Dialect)).Concat(Dialect.Triggers(table));
}
