using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Diff;

/// <summary>
/// PostgreSQL statements for a version change: ALTER statements in the migration's transaction, in an
/// order where each step is valid: rules that change are dropped first (so data can move), columns
/// and data change, then the rules of the target version are added back.
/// </summary>
/// <remarks>
/// The online form (upgrades) keeps the transaction to catalog changes that take their locks only
/// briefly, and moves what scans or rewrites a populated table into <see cref="PostgresPlan.Online"/>:
/// steps run one by one after the transaction commits, each in its own transaction or none
/// (<c>CREATE INDEX CONCURRENTLY</c>), each safe to run again. The classic form is what versions
/// frozen before the online form existed were checksummed with.
/// </remarks>
public static class PostgresPlanner
{
    private static readonly ISqlDialect Dialect = PostgresDialect.Instance;

    /// <summary>Placeholders of a batched backfill: the runtime binds a page range of the table to them.</summary>
    public const string FirstPage = "@first_page", EndPage = "@end_page";

    /// <summary>The classic form: every statement in the version's transaction.</summary>
    public static IReadOnlyList<string> Plan(VersionChanges changes) => Plan(changes, online: false).Transaction;

    /// <summary>The classic form (every statement in the transaction) or the online form of an upgrade.</summary>
    /// <param name="changes">The version change.</param>
    /// <param name="online">Whether to move scans and rewrites of populated tables into online steps (upgrades only).</param>
    /// <param name="onlineTypeChanges">
    /// Whether the online form changes rewriting column types through a shadow column; false gives the online
    /// form versions were frozen with before it did.
    /// </param>
    public static PostgresPlan Plan(VersionChanges changes, bool online, bool onlineTypeChanges = true)
    {
        online = online && changes.IsUpgrade;
        var kept = changes.KeptTables.Select(p => new Pair(p.Source, p.Target, changes.InTargetNames(p.Source, p.Target))).ToList();
        var statements = new List<string>();
        var steps = new OnlineSteps { TypeChanges = onlineTypeChanges };
        // Names a dropped index must give up inside the transaction, because something of the target takes them.
        var takenNames = new HashSet<string>(changes.Target.Tables.SelectMany(t => t.Indexes.Select(i => i.Name).Concat(DdlBuilder.Constraints(t, Dialect).Select(c => c.Name))));
        statements.AddRange(changes.Steps(before: true).Select(s => s.Postgres));

        // 1. Drop what no longer holds: triggers that change, indexes and constraints that go or change.
        foreach (var pair in kept)
        {
            var table = SqlText.Quote(pair.Source.Name);
            // Data changes below must not trip state machines or move updated_at: their triggers go first.
            var restores = pair.Target.Columns.Select(c => changes.RestrictionOn(pair.Target, c)).Where(r => r?.Column.DownBackfill is not null).ToList();
            var dataChanges = restores.Count > 0 ||
                pair.Target.Columns.Any(c => changes.ValueMap(c).Count > 0 || changes.Backfill(c) is not null || CutTo(changes, pair, c) is not null);
            if (dataChanges || !Dialect.Triggers(pair.Renamed).SequenceEqual(Dialect.Triggers(pair.Target)))
            {
                statements.AddRange(Dialect.TriggerNames(pair.Source).Select(n => $"DROP TRIGGER {SqlText.Quote(n)} ON {table}"));
                statements.AddRange(Dialect.DropLeftovers(pair.Source));
                pair.TriggersChanged = true;
            }

            foreach (var index in pair.Renamed.Indexes.Where(i => Match(pair.Target, i, pair.Renamed) is null))
            {
                // A unique index may stand in the way of the data changes below; it goes in the transaction.
                if (Online(online, pair) && !index.Unique && !takenNames.Contains(index.Name))
                {
                    steps.Drops.Add($"DROP INDEX CONCURRENTLY IF EXISTS {SqlText.Quote(index.Name)}");
                }
                else
                {
                    statements.Add($"DROP INDEX {SqlText.Quote(index.Name)}");
                }
            }

            var targetClauses = DdlBuilder.Constraints(pair.Target, Dialect).Select(c => c.Clause).ToList();
            foreach (var constraint in DdlBuilder.Constraints(pair.Renamed, Dialect).Where(c => !targetClauses.Contains(c.Clause)))
            {
                statements.Add($"ALTER TABLE {table} DROP CONSTRAINT {SqlText.Quote(constraint.Name)}");
            }

            // Going down, rows the older rules refuse take their downBackfill before types and rules tighten.
            statements.AddRange(restores.Select(r => $"UPDATE {table} SET {SqlText.Quote(r!.Column.Name)} = {r.Column.DownBackfill} WHERE {r.Breaks(r.Value)}"));
        }

        statements.AddRange(changes.DroppedTables.SelectMany(t => new[] { $"DROP TABLE {SqlText.Quote(t.Name)}" }.Concat(Dialect.DropLeftovers(t))));

        // 2. Renames: tables, columns, then the names derived from them.
        foreach (var pair in kept)
        {
            var table = SqlText.Quote(pair.Target.Name);
            if (pair.Source.Name != pair.Target.Name)
            {
                statements.Add($"ALTER TABLE {SqlText.Quote(pair.Source.Name)} RENAME TO {table}");
                if (pair.Source.Partition is { } from && pair.Target.Partition is { } to && from.DefaultPartition != to.DefaultPartition)
                {
                    // Dated partitions are found by their bounds and may keep their names; the DEFAULT one is found by name.
                    statements.Add($"ALTER TABLE {SqlText.Quote(from.DefaultPartition)} RENAME TO {SqlText.Quote(to.DefaultPartition)}");
                }
            }

            foreach (var column in pair.Source.Columns)
            {
                if (changes.Mapping.TargetColumn(pair.Target.Name, column.Name) is { } newName && newName != column.Name)
                {
                    statements.Add($"ALTER TABLE {table} RENAME COLUMN {SqlText.Quote(column.Name)} TO {SqlText.Quote(newName)}");
                }
            }

            if (pair.Target.PrimaryKey.IsIdentity)
            {
                var oldSequence = $"{pair.Source.Name}_{changes.Mapping.SourceColumn(pair.Target.Name, pair.Target.PrimaryKey.Columns[0])}_seq";
                var newSequence = $"{pair.Target.Name}_{pair.Target.PrimaryKey.Columns[0]}_seq";
                if (oldSequence != newSequence)
                {
                    statements.Add($"ALTER SEQUENCE {SqlText.Quote(oldSequence)} RENAME TO {SqlText.Quote(newSequence)}");
                }
            }

            var targetConstraints = DdlBuilder.Constraints(pair.Target, Dialect);
            foreach (var constraint in DdlBuilder.Constraints(pair.Renamed, Dialect))
            {
                if (targetConstraints.FirstOrDefault(c => c.Clause == constraint.Clause) is { } same && same.Name != constraint.Name)
                {
                    statements.Add($"ALTER TABLE {table} RENAME CONSTRAINT {SqlText.Quote(constraint.Name)} TO {SqlText.Quote(same.Name)}");
                }
            }

            foreach (var index in pair.Renamed.Indexes)
            {
                if (Match(pair.Target, index, pair.Renamed) is { } same && same.Name != index.Name)
                {
                    statements.Add($"ALTER INDEX {SqlText.Quote(index.Name)} RENAME TO {SqlText.Quote(same.Name)}");
                }
            }
        }

        // 3. New tables, complete with their indexes and triggers.
        foreach (var table in changes.NewTables)
        {
            statements.AddRange(DdlBuilder.CreateTableComplete(table, Dialect));
        }

        // 4. Columns and data of kept tables, then their rules.
        var batched = online && !changes.Steps(before: false).Any();
        foreach (var pair in kept)
        {
            statements.AddRange(AlterColumns(changes, pair, Online(online, pair) ? steps : null, batched && !pair.Target.AutoUpdateColumns.Any()));
        }

        foreach (var pair in kept)
        {
            var table = SqlText.Quote(pair.Target.Name);
            var sourceClauses = DdlBuilder.Constraints(pair.Renamed, Dialect).Select(c => c.Clause).ToList();
            foreach (var constraint in DdlBuilder.Constraints(pair.Target, Dialect).Where(c => !sourceClauses.Contains(c.Clause)))
            {
                var name = SqlText.Quote(constraint.Name);
                if (Online(online, pair) && (constraint.Clause.StartsWith("FOREIGN KEY", System.StringComparison.Ordinal) || constraint.Clause.StartsWith("CHECK", System.StringComparison.Ordinal)))
                {
                    // NOT VALID checks new rows only: no scan under the lock. VALIDATE scans later without blocking writes.
                    statements.Add($"ALTER TABLE {table} ADD CONSTRAINT {name} {constraint.Clause} NOT VALID");
                    steps.Validations.Add($"ALTER TABLE {table} VALIDATE CONSTRAINT {name}");
                }
                else if (Online(online, pair) && constraint.Clause.StartsWith("UNIQUE ", System.StringComparison.Ordinal))
                {
                    // The index is built without blocking writes; the constraint then only adopts it.
                    steps.Indexes.Add($"CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} {constraint.Clause.Substring("UNIQUE ".Length)}");
                    steps.Indexes.Add(
                        $"DO $step$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = {SqlText.Literal(constraint.Name)} AND conrelid = {SqlText.Literal(table)}::regclass) " +
                        $"THEN ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}; END IF; END $step$");
                }
                else
                {
                    statements.Add($"ALTER TABLE {table} ADD CONSTRAINT {name} {constraint.Clause}");
                }
            }

            foreach (var index in pair.Target.Indexes.Where(i => Match(pair.Renamed, i, pair.Target) is null))
            {
                var create = DdlBuilder.CreateIndex(pair.Target, index, Dialect);
                if (Online(online, pair))
                {
                    steps.Indexes.Add(Concurrently(create));
                }
                else
                {
                    statements.Add(create);
                }
            }

            statements.AddRange(StorageChanges(pair.Renamed, pair.Target));

            if (pair.TriggersChanged)
            {
                statements.AddRange(Dialect.Triggers(pair.Target));
            }
        }

        statements.AddRange(changes.Steps(before: false).Select(s => s.Postgres));
        return new PostgresPlan(statements, steps.All());
    }

    // A partitioned table takes no CONCURRENTLY index builds, NOT VALID constraints or page-range backfills:
    // its changes stay in the transaction (each partition's share of the work is catalog plus its own rows).
    private static bool Online(bool online, Pair pair) => online && pair.Target.Partition is null;

    /// <summary>CREATE [UNIQUE] INDEX as CREATE [UNIQUE] INDEX CONCURRENTLY.</summary>
    private static string Concurrently(string createIndex)
    {
        var at = createIndex.IndexOf("INDEX ", System.StringComparison.Ordinal) + "INDEX ".Length;
        return createIndex.Substring(0, at) + "CONCURRENTLY " + createIndex.Substring(at);
    }

    /// <summary>
    /// A backfill as batches over page ranges (each its own transaction): only rows still without a value,
    /// and only to a value, so a batch run twice, or a row moved by an update, is harmless.
    /// </summary>
    private static string BatchedBackfill(string table, string name, string backfill) =>
        $"UPDATE {table} SET {name} = {backfill} WHERE {name} IS NULL AND ({backfill}) IS NOT NULL AND {InPageRange}";

    /// <summary>The condition that limits a batched UPDATE to the page range the runtime binds.</summary>
    internal static string InPageRange { get; } =
        $"ctid >= format('(%s,0)', {FirstPage}::bigint)::tid AND ctid < format('(%s,0)', {EndPage}::bigint)::tid";

    /// <summary>
    /// SET NOT NULL without scanning under ACCESS EXCLUSIVE: a validated CHECK (col IS NOT NULL) lets
    /// PostgreSQL 12+ skip the scan; the helper check goes afterwards. Each step can run again.
    /// </summary>
    private static IEnumerable<string> SetNotNull(TableModel target, string table, ColumnModel column)
    {
        var name = SqlText.Quote(column.Name);
        var check = NotNullCheck(target, column);
        yield return $"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {check}; ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({name} IS NOT NULL) NOT VALID";
        yield return $"ALTER TABLE {table} VALIDATE CONSTRAINT {check}";
        yield return $"ALTER TABLE {table} ALTER COLUMN {name} SET NOT NULL";
        yield return $"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {check}";
    }

    /// <summary>The quoted name of the helper CHECK through which a column becomes NOT NULL without a scan under lock.</summary>
    internal static string NotNullCheck(TableModel table, ColumnModel column) =>
        SqlText.Quote(Validation.Names.Fit($"ck_{table.Name}_{column.Name}_not_null"));

    /// <summary>ALTER TABLE SET / RESET for storage parameters (autovacuum, fillfactor) that differ between the versions.</summary>
    private static IEnumerable<string> StorageChanges(TableModel source, TableModel target)
    {
        var before = Dialect.StorageParameters(source);
        var after = Dialect.StorageParameters(target);
        var set = after.Where(p => !before.Contains(p)).ToList();
        var reset = before.Where(p => after.All(a => a.Key != p.Key)).ToList();
        if (set.Count > 0)
        {
            yield return $"ALTER TABLE {SqlText.Quote(target.Name)} SET ({string.Join(", ", set.Select(p => $"{p.Key} = {p.Value}"))})";
        }

        if (reset.Count > 0)
        {
            yield return $"ALTER TABLE {SqlText.Quote(target.Name)} RESET ({string.Join(", ", reset.Select(p => p.Key))})";
        }
    }

    // steps: where online steps go (null: classic form). batch: backfills of this table may run in batches
    // (no trigger of the table fires on them, and no data step of the version reads them).
    private static IEnumerable<string> AlterColumns(VersionChanges changes, Pair pair, OnlineSteps? steps, bool batch)
    {
        var table = SqlText.Quote(pair.Target.Name);
        foreach (var column in pair.Target.Columns)
        {
            var name = SqlText.Quote(column.Name);
            var backfill = changes.Backfill(column);
            var old = KeptColumn(changes, pair, column);
            var batchable = steps is not null && batch && backfill is not null && column.Default is null &&
                            pair.Target.StateMachines.All(m => m.Column != column.Name);
            if (old is null && batchable)
            {
                yield return $"ALTER TABLE {table} ADD COLUMN {DdlBuilder.ColumnDefinition(pair.Target, column with { Nullable = true }, Dialect)}";
                steps!.Backfills.Add(BatchedBackfill(table, name, backfill!));
                if (!column.Nullable)
                {
                    steps.NotNull.AddRange(SetNotNull(pair.Target, table, column));
                }

                continue;
            }

            if (old is null)
            {
                if (column.Nullable || column.Default is not null || backfill is null)
                {
                    yield return $"ALTER TABLE {table} ADD COLUMN {DdlBuilder.ColumnDefinition(pair.Target, column, Dialect)}";
                    if (backfill is not null)
                    {
                        yield return $"UPDATE {table} SET {name} = {backfill}";
                    }

                    continue;
                }

                yield return $"ALTER TABLE {table} ADD COLUMN {DdlBuilder.ColumnDefinition(pair.Target, column with { Nullable = true }, Dialect)}";
                yield return $"UPDATE {table} SET {name} = {backfill}";
                if (steps is not null)
                {
                    steps.NotNull.AddRange(SetNotNull(pair.Target, table, column));
                }
                else
                {
                    yield return $"ALTER TABLE {table} ALTER COLUMN {name} SET NOT NULL";
                }

                continue;
            }

            var newType = Dialect.ColumnType(column);
            if (steps is not null && steps.TypeChanges && PostgresOnlineTypeChange.Applies(changes, pair.Renamed, pair.Target, column))
            {
                // The type, default and nullability change with the swap step; the old column serves until then.
                var change = PostgresOnlineTypeChange.Plan(pair.Target, column, quoted => Converted(old, column, quoted, newType));
                foreach (var statement in change.Transaction)
                {
                    yield return statement;
                }

                steps.Backfills.Add(change.Backfill);
                steps.Validations.AddRange(change.Validations);
                steps.Indexes.AddRange(change.Indexes);
                steps.Swaps.Add(change.Swap);
                continue;
            }

            if (Dialect.ColumnType(old) != newType)
            {
                var type = newType.Replace(" GENERATED BY DEFAULT AS IDENTITY", string.Empty);
                yield return $"ALTER TABLE {table} ALTER COLUMN {name} TYPE {type} USING {Converted(old, column, name, type)}";
            }

            if (CutTo(changes, pair, column) is { } limit)
            {
                yield return $"UPDATE {table} SET {name} = substr({name}, 1, {limit}) WHERE length({name}) > {limit}";
            }

            var map = changes.ValueMap(column);
            if (map.Count > 0)
            {
                yield return $"UPDATE {table} SET {name} = CASE {name} {string.Join(" ", map.Select(m => $"WHEN {SqlText.Literal(m.Old)} THEN {SqlText.Literal(m.New)}"))} END " +
                             $"WHERE {name} IN ({string.Join(", ", map.Select(m => SqlText.Literal(m.Old)))})";
            }

            var oldDefault = old.Default is null ? null : Dialect.Default(old.Default);
            var newDefault = column.Default is null ? null : Dialect.Default(column.Default);
            if (oldDefault != newDefault)
            {
                yield return newDefault is null
                    ? $"ALTER TABLE {table} ALTER COLUMN {name} DROP DEFAULT"
                    : $"ALTER TABLE {table} ALTER COLUMN {name} SET DEFAULT {newDefault}";
            }

            if (backfill is not null && batchable)
            {
                steps!.Backfills.Add(BatchedBackfill(table, name, backfill));
            }
            else if (backfill is not null)
            {
                yield return $"UPDATE {table} SET {name} = {backfill} WHERE {name} IS NULL";
            }

            if (old.Nullable != column.Nullable && !pair.Target.PrimaryKey.Columns.Contains(column.Name))
            {
                if (steps is not null && !column.Nullable)
                {
                    steps.NotNull.AddRange(SetNotNull(pair.Target, table, column));
                }
                else
                {
                    yield return $"ALTER TABLE {table} ALTER COLUMN {name} {(column.Nullable ? "DROP" : "SET")} NOT NULL";
                }
            }
        }

        foreach (var column in pair.Source.Columns.Where(c => changes.Mapping.TargetColumn(pair.Target.Name, c.Name) is null))
        {
            yield return $"ALTER TABLE {table} DROP COLUMN {SqlText.Quote(column.Name)}";
        }
    }

    /// <summary>
    /// The value in its new type. Dates and times become the text SQLite stores for them, whatever the
    /// session's DateStyle; anything else is PostgreSQL's own cast.
    /// </summary>
    internal static string Converted(ColumnModel old, ColumnModel column, string name, string type) => (old.Kind, column.Kind) switch
    {
        (ColumnKind.Date, ColumnKind.Text) => $"to_char({name}, 'YYYY-MM-DD')",
        (ColumnKind.Time, ColumnKind.Text) => $"to_char({name}::interval, 'HH24:MI:SS.US')",
        _ => $"{name}::{type}",
    };

    /// <summary>The source column (in target names) a kept column comes from, or null for a new column.</summary>
    private static ColumnModel? KeptColumn(VersionChanges changes, Pair pair, ColumnModel column) =>
        pair.Renamed.Columns.FirstOrDefault(c => c.Name == column.Name && changes.Mapping.SourceColumn(pair.Target.Name, column.Name) is not null);

    /// <summary>
    /// The length an upgrade cuts a column's text to when its maxLength narrows (allowDataLoss accepted it);
    /// a downgrade does not cut, so its CHECK fails instead of losing text.
    /// </summary>
    private static int? CutTo(VersionChanges changes, Pair pair, ColumnModel column)
    {
        var old = KeptColumn(changes, pair, column);
        return changes.IsUpgrade && old is not null && column.MaxLength is { } limit && VersionChanges.Narrows(old, column) ? limit : null;
    }

    /// <summary>The index of <paramref name="table"/> that is the same index as <paramref name="index"/> (any name).</summary>
    private static IndexModel? Match(TableModel table, IndexModel index, TableModel owner)
    {
        var signature = DdlBuilder.IndexSignature(owner, index, Dialect);
        return table.Indexes.FirstOrDefault(i => DdlBuilder.IndexSignature(table, i, Dialect) == signature);
    }


    /// <summary>Online steps by kind, in the order they run: a step may rely on those before it.</summary>
    private sealed class OnlineSteps
    {
        public List<string> Drops { get; } = new();
        public List<string> Backfills { get; } = new();
        public List<string> NotNull { get; } = new();
        public List<string> Validations { get; } = new();
        public List<string> Indexes { get; } = new();

        /// <summary>Online type changes put their shadow columns in place last, once everything they need is built.</summary>
        public List<string> Swaps { get; } = new();

        /// <summary>Whether rewriting type changes go online (false: the online form as it was before they could).</summary>
        public bool TypeChanges { get; init; } = true;

        public IReadOnlyList<string> All() => Drops.Concat(Backfills).Concat(NotNull).Concat(Validations).Concat(Indexes).Concat(Swaps).ToList();
    }

    private sealed class Pair
    {
        public Pair(TableModel source, TableModel target, TableModel renamed)
        {
            Source = source;
            Target = target;
            Renamed = renamed;
        }

        public TableModel Source { get; }
        public TableModel Target { get; }

        /// <summary>The source table in target names, keeping its own constraint and index names.</summary>
        public TableModel Renamed { get; }

        public bool TriggersChanged { get; set; }
    }
}

/// <summary>
/// A version's PostgreSQL Up: <see cref="Transaction"/> commits with the version's history row;
/// <see cref="Online"/> runs after it, one step at a time, each recorded when done.
/// </summary>
public sealed record PostgresPlan(IReadOnlyList<string> Transaction, IReadOnlyList<string> Online);
