using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Diff;

/// <summary>
/// A column type change PostgreSQL would make by rewriting the table, done without holding the table:
/// a shadow column of the new type kept equal to the old one by a trigger, backfilled in batches, given
/// the column's checks (NOT VALID, then validated) and indexes (CONCURRENTLY), then swapped in by one
/// short step that drops the old column and gives the shadow its name and the names of its rules.
/// </summary>
public static class PostgresOnlineTypeChange
{
    private static readonly ISqlDialect Dialect = PostgresDialect.Instance;

    /// <summary>
    /// Why the toolkit cannot change <paramref name="column"/>'s type online (a reason that completes
    /// "because ..."), or null when it can. Only asked for a change that rewrites the table.
    /// </summary>
    /// <param name="changes">The upgrade.</param>
    /// <param name="renamed">The source table in target names.</param>
    /// <param name="target">The target table.</param>
    /// <param name="column">The column in the target version.</param>
    public static string? Obstacle(VersionChanges changes, TableModel renamed, TableModel target, ColumnModel column)
    {
        var name = column.Name;
        var old = renamed.Columns.First(c => c.Name == name);
        if (!Widens(old, column))
        {
            return $"converting {VersionChanges.TypeText(old)} to {VersionChanges.TypeText(column)} can fail, round or depend on session settings, " +
                   "and the trigger that converts every row the application writes meanwhile would then refuse or change its writes";
        }

        if (target.PrimaryKey.Columns.Contains(name))
        {
            return "it is part of the primary key: the key's index and every foreign key referencing it would have to move to the new column in the same instant";
        }

        if (target.Uniques.FirstOrDefault(u => u.Columns.Contains(name)) is { } unique)
        {
            return $"it is part of UNIQUE constraint '{unique.Name}', which foreign keys may reference and which cannot move to another column without a moment it is not enforced";
        }

        if (target.ForeignKeys.FirstOrDefault(f => f.Columns.Contains(name)) is { } own)
        {
            return $"it is part of foreign key '{own.Name}': the referenced key's type and the constraint would have to move with it";
        }

        if (changes.Target.Tables.SelectMany(t => t.ForeignKeys.Select(f => (Table: t.Name, Key: f)))
                .FirstOrDefault(f => f.Key.ReferencedTable == target.Name && f.Key.ReferencedColumns.Contains(name)) is { Key: not null } referencing)
        {
            return $"foreign key '{referencing.Key.Name}' of table '{referencing.Table}' references it: it cannot be moved to a new column while referenced";
        }

        if (target.AutoUpdateColumns.FirstOrDefault() is { } touched)
        {
            return $"table '{target.Name}' has autoUpdate column '{touched.Name}': the batched copy's updates would move it on every row";
        }

        if (Dialect.Triggers(target).Any(t => Mentions(t, name)))
        {
            return "a trigger of the table (a state machine) reads it";
        }

        if (changes.Steps(before: false).Any())
        {
            return "the version has 'after' data steps, which expect the column in its new type inside the version's transaction";
        }

        if (changes.Backfill(column) is not null || changes.ValueMap(column).Count > 0 || VersionChanges.Narrows(old, column) || (old.Nullable && !column.Nullable))
        {
            return "the version also changes its values or makes it NOT NULL";
        }

        var sourceClauses = DdlBuilder.Constraints(renamed, Dialect).Select(c => c.Clause).ToList();
        foreach (var constraint in DdlBuilder.Constraints(target, Dialect).Where(c => Mentions(c.Clause, name)))
        {
            if (!sourceClauses.Contains(constraint.Clause))
            {
                return $"its constraint '{constraint.Name}' changes in the same version";
            }

            if (Unquoted(constraint.Clause, name) || OtherOnlineColumn(changes, renamed, target, constraint.Clause, name) is not null)
            {
                return $"constraint '{constraint.Name}' names it in a way the toolkit cannot move, or also names another column whose type changes";
            }
        }

        var sourceIndexes = renamed.Indexes.Select(i => DdlBuilder.IndexSignature(renamed, i, Dialect)).ToList();
        foreach (var index in target.Indexes)
        {
            var create = DdlBuilder.CreateIndex(target, index, Dialect);
            if (!Mentions(create, name))
            {
                continue;
            }

            if (!sourceIndexes.Contains(DdlBuilder.IndexSignature(target, index, Dialect)))
            {
                return $"its index '{index.Name}' is added or changes in the same version";
            }

            if (Unquoted(OnPart(create), name) || OtherOnlineColumn(changes, renamed, target, OnPart(create), name) is not null)
            {
                return $"index '{index.Name}' names it in a way the toolkit cannot move, or also names another column whose type changes";
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="column"/> takes the online type change: it rewrites the table and nothing stands in the way.</summary>
    public static bool Applies(VersionChanges changes, TableModel renamed, TableModel target, ColumnModel column) =>
        changes.IsUpgrade && renamed.Columns.FirstOrDefault(c => c.Name == column.Name) is { } old &&
        BlockingOperations.RewritesOnPostgres(old, column) && Obstacle(changes, renamed, target, column) is null;

    /// <summary>The statements and steps of one online type change.</summary>
    /// <param name="target">The target table.</param>
    /// <param name="column">The column in the target version.</param>
    /// <param name="converted">The old column's value in the new type, given the quoted old column.</param>
    public static OnlineTypeChangePlan Plan(TableModel target, ColumnModel column, System.Func<string, string> converted)
    {
        var table = SqlText.Quote(target.Name);
        var name = SqlText.Quote(column.Name);
        var shadowName = Validation.Names.Fit($"ah_widen_{column.Name}");
        var shadow = SqlText.Quote(shadowName);
        var trigger = SqlText.Quote(Validation.Names.Fit($"tr_{target.Name}_{column.Name}_widen"));
        var type = Dialect.ColumnType(column);
        var transaction = new List<string>
        {
            $"ALTER TABLE {table} ADD COLUMN {shadow} {type}",
            $"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n    NEW.{shadow} := {converted("NEW." + name)};\n    RETURN NEW;\nEND\n$fn$",
            $"CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {trigger}()",
        };
        var validations = new List<string>();
        var indexes = new List<string>();
        var renames = new List<string>();
        foreach (var constraint in DdlBuilder.Constraints(target, Dialect).Where(c => c.Clause.StartsWith("CHECK", System.StringComparison.Ordinal) && Mentions(c.Clause, column.Name)))
        {
            var temporary = SqlText.Quote(Validation.Names.Fit($"{constraint.Name}_widen"));
            transaction.Add($"ALTER TABLE {table} ADD CONSTRAINT {temporary} {constraint.Clause.Replace(name, shadow)} NOT VALID");
            validations.Add($"ALTER TABLE {table} VALIDATE CONSTRAINT {temporary}");
            renames.Add($"ALTER TABLE {table} RENAME CONSTRAINT {temporary} TO {SqlText.Quote(constraint.Name)}");
        }

        var notNull = PostgresPlanner.NotNullCheck(target, column);
        if (!column.Nullable)
        {
            // The trigger fills the shadow on every write, so new rows meet the check from the start.
            transaction.Add($"ALTER TABLE {table} ADD CONSTRAINT {notNull} CHECK ({shadow} IS NOT NULL) NOT VALID");
            validations.Add($"ALTER TABLE {table} VALIDATE CONSTRAINT {notNull}");
        }

        foreach (var index in target.Indexes)
        {
            var create = DdlBuilder.CreateIndex(target, index, Dialect);
            if (!Mentions(create, column.Name))
            {
                continue;
            }

            var temporary = SqlText.Quote(Validation.Names.Fit($"{index.Name}_widen"));
            var on = OnPart(create);
            var head = create.Substring(0, create.Length - on.Length).Replace($"INDEX {SqlText.Quote(index.Name)}", $"INDEX CONCURRENTLY {temporary}");
            indexes.Add(head + on.Replace(name, shadow));
            renames.Add($"ALTER INDEX {temporary} RENAME TO {SqlText.Quote(index.Name)}");
        }

        var value = converted(name);
        var swap = new List<string>
        {
            $"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE",
            // The trigger has kept every written row equal since the version committed; this only proves it.
            $"UPDATE {table} SET {shadow} = {value} WHERE {shadow} IS DISTINCT FROM {value}",
            $"DROP TRIGGER {trigger} ON {table}",
            $"DROP FUNCTION {trigger}()",
            $"ALTER TABLE {table} DROP COLUMN {name}",
            $"ALTER TABLE {table} RENAME COLUMN {shadow} TO {name}",
        };
        swap.AddRange(renames);
        if (column.Default is { } defaultValue)
        {
            swap.Add($"ALTER TABLE {table} ALTER COLUMN {name} SET DEFAULT {Dialect.Default(defaultValue)}");
        }

        if (!column.Nullable)
        {
            // The validated check lets SET NOT NULL skip its scan.
            swap.Add($"ALTER TABLE {table} ALTER COLUMN {name} SET NOT NULL");
            swap.Add($"ALTER TABLE {table} DROP CONSTRAINT {notNull}");
        }

        // One statement, so one transaction; it does nothing once the swap has happened (a crash after its commit).
        var step =
            "DO $step$ BEGIN\n" +
            $"IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {SqlText.Literal(table)}::regclass AND attname = {SqlText.Literal(shadowName)} AND NOT attisdropped) THEN\n" +
            string.Concat(swap.Select(s => "    " + s + ";\n")) +
            "END IF;\nEND $step$";
        var backfill = $"UPDATE {table} SET {shadow} = {value} WHERE {shadow} IS DISTINCT FROM {value} AND {PostgresPlanner.InPageRange}";
        return new OnlineTypeChangePlan(transaction, backfill, validations, indexes, step);
    }

    /// <summary>
    /// Whether every value of the old type converts to the new one exactly, without error, whatever the
    /// session's settings: only then may the trigger convert the application's writes.
    /// </summary>
    private static bool Widens(ColumnModel old, ColumnModel column)
    {
        static int? IntegerDigits(ColumnModel c) => c.Kind switch
        {
            ColumnKind.SmallInt => 5,
            ColumnKind.Integer => 10,
            ColumnKind.BigInt => 19,
            _ => null,
        };

        return (old.Kind, column.Kind) switch
        {
            (ColumnKind.SmallInt, ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real) => true,
            (ColumnKind.Integer, ColumnKind.BigInt or ColumnKind.Real) => true,
            (ColumnKind.Boolean, ColumnKind.Integer) => true,
            (ColumnKind.SmallInt or ColumnKind.Integer or ColumnKind.BigInt, ColumnKind.Decimal) => column.Precision - column.Scale >= IntegerDigits(old),
            (ColumnKind.Decimal, ColumnKind.Decimal) => column.Scale >= old.Scale && column.Precision - column.Scale >= old.Precision - old.Scale,
            (ColumnKind.SmallInt or ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Decimal or ColumnKind.Boolean or ColumnKind.Uuid or ColumnKind.Date or ColumnKind.Time, ColumnKind.Text)
                => column.MaxLength is null,
            _ => false,
        };
    }

    /// <summary>A column, quoted or as a bare word, in SQL text.</summary>
    private static bool Mentions(string sql, string column) => sql.Contains(SqlText.Quote(column)) || Unquoted(sql, column);

    /// <summary>The column as a bare word outside quotes (an expression the toolkit would have to parse to move).</summary>
    private static bool Unquoted(string sql, string column) =>
        Regex.IsMatch(Regex.Replace(sql, "\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'", " "), $@"(?<![\w$]){Regex.Escape(column)}(?![\w$])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The part of a CREATE INDEX from its table on: keys, INCLUDE and WHERE.</summary>
    private static string OnPart(string createIndex) => createIndex.Substring(createIndex.IndexOf(" ON ", System.StringComparison.Ordinal));

    /// <summary>Another column of the table named in <paramref name="sql"/> whose type also changes with a rewrite.</summary>
    private static string? OtherOnlineColumn(VersionChanges changes, TableModel renamed, TableModel target, string sql, string column) =>
        target.Columns
            .Where(c => c.Name != column && sql.Contains(SqlText.Quote(c.Name)))
            .FirstOrDefault(c => renamed.Columns.FirstOrDefault(o => o.Name == c.Name) is { } o && changes.Mapping.SourceColumn(target.Name, c.Name) is not null &&
                                 BlockingOperations.RewritesOnPostgres(o, c))?.Name;
}

/// <summary>One online type change: what goes in the version's transaction, and its online steps by kind.</summary>
/// <param name="Transaction">The shadow column, its trigger and its checks (NOT VALID).</param>
/// <param name="Backfill">The batched copy of existing rows.</param>
/// <param name="Validations">VALIDATE CONSTRAINT of the shadow's checks.</param>
/// <param name="Indexes">The column's indexes built CONCURRENTLY on the shadow.</param>
/// <param name="Swap">The one short step that puts the shadow in the old column's place.</param>
public sealed record OnlineTypeChangePlan(IReadOnlyList<string> Transaction, string Backfill, IReadOnlyList<string> Validations, IReadOnlyList<string> Indexes, string Swap);
