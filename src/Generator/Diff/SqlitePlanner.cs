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
/// key before it commits. <c>from</c> is the SQL form the source version was written in, <c>to</c> the
/// target's: a table whose DDL or triggers read differently between the two is rebuilt or re-triggered.
/// With <see cref="SqliteAlterMode.InPlace"/> a table is changed by ALTER TABLE wherever SQLite allows it
/// (see <see cref="SqliteInPlace"/>) and rebuilt only where it does not; versions frozen before that keep
/// their rebuilds (<see cref="SqliteAlterMode.RebuildOnly"/>), so their SQL and checksums stay as released.
/// </summary>
public static class SqlitePlanner
{
    public static IReadOnlyList<string> Plan(VersionChanges changes, SqliteDialect from, SqliteDialect to, SqliteAlterMode mode = SqliteAlterMode.RebuildOnly)
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
                statements.Add(DdlBuilder.CreateTable(target, to));
                statements.AddRange(IndexesAndTriggers(target, to));
                continue;
            }

            var source = changes.Source.Tables.First(t => t.Name == changes.Mapping.SourceTable(target.Name));
            if (mode == SqliteAlterMode.InPlace)
            {
                var inPlace = SqliteInPlace.For(changes, source, target, from, to);
                statements.AddRange(inPlace.RebuildReasons.Count > 0 ? Rebuild(changes, target, from, to) : inPlace.Statements());
                continue;
            }

            var renamedSource = changes.InTargetNames(source, target);
            if (NeedsRebuild(changes, source, target, renamedSource, from, to))
            {
                statements.AddRange(Rebuild(changes, target, from, to));
                continue;
            }

            var oldIndexes = renamedSource.Indexes.Select(i => DdlBuilder.CreateIndex(renamedSource, i, from)).ToList();
            var newIndexes = target.Indexes.Select(i => DdlBuilder.CreateIndex(target, i, to)).ToList();
            statements.AddRange(renamedSource.Indexes.Where((_, i) => !newIndexes.Contains(oldIndexes[i])).Select(i => $"DROP INDEX {SqlText.Quote(i.Name)}"));
            statements.AddRange(newIndexes.Where(i => !oldIndexes.Contains(i)));
            if (!from.Triggers(renamedSource).SequenceEqual(to.Triggers(target)))
            {
                statements.AddRange(from.TriggerNames(renamedSource).Select(n => $"DROP TRIGGER {SqlText.Quote(n)}"));
                statements.AddRange(to.Triggers(target));
            }
        }

        statements.AddRange(changes.Steps(before: false).Select(s => s.Sqlite));
        return statements;
    }

    /// <summary>The kept tables an upgrade in place still rebuilds, each with why.</summary>
    public static IEnumerable<(TableModel Table, IReadOnlyList<SqliteRebuildReason> Reasons)> Rebuilds(VersionChanges changes, SqliteDialect from, SqliteDialect to) =>
        changes.KeptTables
            .Select(p => (p.Target, SqliteInPlace.For(changes, p.Source, p.Target, from, to).RebuildReasons))
            .Where(p => p.RebuildReasons.Count > 0);

    private static bool NeedsRebuild(VersionChanges changes, TableModel source, TableModel target, TableModel renamedSource,
        SqliteDialect from, SqliteDialect to) =>
        source.Name != target.Name ||
        source.Columns.Any(c => changes.Mapping.TargetColumn(target.Name, c.Name) != c.Name) ||
        DdlBuilder.CreateTable(renamedSource, from) != DdlBuilder.CreateTable(target, to) ||
        target.Columns.Any(c => changes.ValueMap(c).Count > 0 || changes.Backfill(c) is not null || changes.RestrictionOn(target, c)?.Column.DownBackfill is not null);

    private static IEnumerable<string> Rebuild(VersionChanges changes, TableModel target, SqliteDialect from, SqliteDialect to)
    {
        var source = changes.Source.Tables.First(t => t.Name == changes.Mapping.SourceTable(target.Name));
        var temporary = Validation.Names.Fit("agenthive_new_" + target.Name);
        var columns = new List<string>();
        var values = new List<string>();
        foreach (var column in target.Columns)
        {
            var sourceColumn = changes.Mapping.SourceColumn(target.Name, column.Name);
            var backfill = changes.Backfill(column) is { } sql ? InSourceNames(sql, changes, target) : null;
            string? value = null;
            if (sourceColumn is not null)
            {
                value = StoredValue.Convert(source.Columns.First(c => c.Name == sourceColumn), column, SqlText.Quote(sourceColumn), changes.IsUpgrade);
                if (column.Kind == ColumnKind.Timestamp && from != to)
                {
                    value = to.RewriteTimestamp(value);
                }

                value = changes.RestrictionOn(target, column)?.Restored ?? VersionChanges.Mapped(value, changes.ValueMap(column));
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

        yield return DdlBuilder.CreateTable(target, to, temporary);
        yield return $"INSERT INTO {SqlText.Quote(temporary)} ({string.Join(", ", columns)}) SELECT {string.Join(", ", values)} FROM {SqlText.Quote(target.Name)}";
        yield return $"DROP TABLE {SqlText.Quote(target.Name)}";
        yield return $"ALTER TABLE {SqlText.Quote(temporary)} RENAME TO {SqlText.Quote(target.Name)}";
        foreach (var statement in IndexesAndTriggers(target, to))
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

    private static IEnumerable<string> IndexesAndTriggers(TableModel table, SqliteDialect dialect) =>
        table.Indexes.Select(i => DdlBuilder.CreateIndex(table, i, dialect)).Concat(dialect.Triggers(table));
}
