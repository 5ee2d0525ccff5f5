using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Diff;

/// <summary>How a version changes the kept tables of a SQLite database.</summary>
public enum SqliteAlterMode
{
    /// <summary>Every table whose CREATE TABLE changes is rebuilt: the SQL of versions frozen before in-place changes.</summary>
    RebuildOnly,

    /// <summary>ALTER TABLE in place wherever SQLite allows it (sqlite.org/lang_altertable.html); a rebuild only where it does not.</summary>
    InPlace,
}

/// <summary>What forces a rebuild; the kinds a more specific lint warning covers are told apart.</summary>
public enum SqliteRebuildKind
{
    Other,
    UniqueConstraintAdded,
    NonConstantDefault,
}

/// <summary>One change SQLite's ALTER TABLE cannot make in place.</summary>
public sealed record SqliteRebuildReason(string Text, SqliteRebuildKind Kind = SqliteRebuildKind.Other);

/// <summary>
/// Whether one kept table can reach its target by ALTER TABLE in place, and the statements that do it.
/// SQLite's limits decide: ADD COLUMN takes no PRIMARY KEY or UNIQUE, a NOT NULL column needs a constant
/// default, a REFERENCES column a NULL default, and no default in parentheses (now, random); its CHECKs
/// are tested against the rows already there. DROP COLUMN refuses a column any constraint, index or
/// trigger still uses. Constraints cannot be added, dropped or renamed in place, so a table whose
/// existing constraints or column definitions change is rebuilt. Column order is not kept: an added
/// column comes last, whatever its place in schema.yaml (nothing generated reads columns by position).
/// </summary>
public sealed class SqliteInPlace
{
    private readonly VersionChanges _changes;
    private readonly TableModel _source;
    private readonly TableModel _renamed;
    private readonly TableModel _target;
    private readonly SqliteDialect _from;
    private readonly SqliteDialect _to;

    private SqliteInPlace(VersionChanges changes, TableModel source, TableModel target, SqliteDialect from, SqliteDialect to)
    {
        _changes = changes;
        _source = source;
        _target = target;
        _renamed = changes.InTargetNames(source, target);
        _from = from;
        _to = to;
        RebuildReasons = FindRebuildReasons();
    }

    /// <summary>Why the table must be rebuilt, one reason per change SQLite cannot make in place; empty when none.</summary>
    public IReadOnlyList<SqliteRebuildReason> RebuildReasons { get; }

    public static SqliteInPlace For(VersionChanges changes, TableModel source, TableModel target, SqliteDialect from, SqliteDialect to) =>
        new(changes, source, target, from, to);

    private IEnumerable<ColumnModel> AddedColumns => _target.Columns.Where(c => _changes.Mapping.SourceColumn(_target.Name, c.Name) is null);

    private IEnumerable<ColumnModel> DroppedColumns => _source.Columns.Where(c => _changes.Mapping.TargetColumn(_target.Name, c.Name) is null);

    /// <summary>The statements that move the table in place, in an order where each is valid. Only when <see cref="RebuildReasons"/> is empty.</summary>
    public IEnumerable<string> Statements()
    {
        var table = SqlText.Quote(_target.Name);
        var backfills = Backfills().ToList();
        // A backfill must neither trip a state machine nor move updated_at: triggers go first, as on PostgreSQL.
        var triggersChange = backfills.Count > 0 || !_from.Triggers(_renamed).SequenceEqual(_to.Triggers(_target));
        if (triggersChange)
        {
            // The names the triggers have in the database: a renamed table keeps its triggers' names.
            foreach (var name in _from.TriggerNames(_source))
            {
                yield return $"DROP TRIGGER {SqlText.Quote(name)}";
            }
        }

        var oldIndexes = _renamed.Indexes.Select(i => DdlBuilder.CreateIndex(_renamed, i, _from)).ToList();
        var newIndexes = _target.Indexes.Select(i => DdlBuilder.CreateIndex(_target, i, _to)).ToList();
        foreach (var index in _renamed.Indexes.Where((_, i) => !newIndexes.Contains(oldIndexes[i])))
        {
            yield return $"DROP INDEX {SqlText.Quote(index.Name)}";
        }

        foreach (var column in _source.Columns)
        {
            if (_changes.Mapping.TargetColumn(_target.Name, column.Name) is { } newName && newName != column.Name)
            {
                yield return $"ALTER TABLE {table} RENAME COLUMN {SqlText.Quote(column.Name)} TO {SqlText.Quote(newName)}";
            }
        }

        foreach (var column in DroppedColumns)
        {
            yield return $"ALTER TABLE {table} DROP COLUMN {SqlText.Quote(column.Name)}";
        }

        foreach (var column in AddedColumns)
        {
            yield return $"ALTER TABLE {table} ADD COLUMN {ColumnWithConstraints(column)}";
        }

        foreach (var backfill in backfills)
        {
            yield return backfill;
        }

        foreach (var index in newIndexes.Where(i => !oldIndexes.Contains(i)))
        {
            yield return index;
        }

        if (triggersChange)
        {
            foreach (var trigger in _to.Triggers(_target))
            {
                yield return trigger;
            }
        }
    }

    private IEnumerable<string> Backfills()
    {
        var table = SqlText.Quote(_target.Name);
        foreach (var column in _target.Columns)
        {
            if (_changes.Backfill(column) is not { } backfill)
            {
                continue;
            }

            var name = SqlText.Quote(column.Name);
            yield return _changes.Mapping.SourceColumn(_target.Name, column.Name) is null
                ? $"UPDATE {table} SET {name} = {backfill}"
                : $"UPDATE {table} SET {name} = {backfill} WHERE {name} IS NULL";
        }
    }

    /// <summary>The added column with the constraints that belong to it alone, as column constraints (ADD COLUMN takes no table constraint).</summary>
    private string ColumnWithConstraints(ColumnModel column)
    {
        var text = DdlBuilder.ColumnDefinition(_target, column, _to);
        foreach (var constraint in AddedConstraints().Where(c => OwnerOf(c) == column.Name))
        {
            var clause = constraint.Clause.StartsWith("FOREIGN KEY", System.StringComparison.Ordinal)
                ? constraint.Clause.Substring(constraint.Clause.IndexOf("REFERENCES", System.StringComparison.Ordinal))
                : constraint.Clause;
            text += $" CONSTRAINT {SqlText.Quote(constraint.Name)} {clause}";
        }

        return text;
    }

    private IEnumerable<TableConstraint> SourceConstraints => DdlBuilder.Constraints(_renamed, _from);

    private IEnumerable<TableConstraint> TargetConstraints => DdlBuilder.Constraints(_target, _to);

    private IEnumerable<TableConstraint> AddedConstraints() =>
        TargetConstraints.Where(t => !SourceConstraints.Any(s => s.Name == t.Name && s.Clause == t.Clause));

    /// <summary>The added column a new constraint belongs to, when it can be written on that column; otherwise null.</summary>
    private string? OwnerOf(TableConstraint constraint)
    {
        var added = AddedColumns.Select(c => c.Name).ToList();
        if (_target.Checks.FirstOrDefault(c => c.Name == constraint.Name) is { Column: { } column } && added.Contains(column))
        {
            return column;
        }

        // With foreign keys on, SQLite adds a REFERENCES column only with a NULL default.
        if (_target.ForeignKeys.FirstOrDefault(f => f.Name == constraint.Name) is { Columns.Count: 1 } fk && added.Contains(fk.Columns[0]) &&
            _target.Columns.First(c => c.Name == fk.Columns[0]) is { Nullable: true, Default: null })
        {
            return fk.Columns[0];
        }

        return null;
    }

    private IReadOnlyList<SqliteRebuildReason> FindRebuildReasons()
    {
        var reasons = new List<SqliteRebuildReason>();
        foreach (var column in _target.Columns)
        {
            if (_changes.ValueMap(column).Count > 0)
            {
                reasons.Add(new($"the stored values of column '{column.Name}' are mapped to new enum values"));
            }

            if (_changes.RestrictionOn(_target, column)?.Column.DownBackfill is not null)
            {
                reasons.Add(new($"rows of column '{column.Name}' take its downBackfill"));
            }

            var sourceName = _changes.Mapping.SourceColumn(_target.Name, column.Name);
            if (sourceName is null)
            {
                if (AddReason(column) is { } reason)
                {
                    reasons.Add(reason);
                }

                continue;
            }

            var old = _renamed.Columns.First(c => c.Name == column.Name);
            if (ChangeReason(old, column) is { } change)
            {
                reasons.Add(new(change));
            }
        }

        var target = TargetConstraints.ToList();
        foreach (var constraint in SourceConstraints.Where(s => !target.Any(t => t.Name == s.Name && t.Clause == s.Clause)))
        {
            var renamed = target.FirstOrDefault(t => t.Clause == constraint.Clause);
            reasons.Add(new(renamed is not null
                ? $"constraint '{constraint.Name}' is renamed to '{renamed.Name}' (SQLite cannot rename a constraint)"
                : target.Any(t => t.Name == constraint.Name)
                    ? $"constraint '{constraint.Name}' changes (SQLite cannot alter a constraint)"
                    : $"constraint '{constraint.Name}' is dropped (SQLite cannot drop a constraint)"));
        }

        var source = SourceConstraints.ToList();
        foreach (var constraint in AddedConstraints().Where(c => OwnerOf(c) is null && !source.Any(s => s.Clause == c.Clause || s.Name == c.Name)))
        {
            reasons.Add(_target.Uniques.Any(u => u.Name == constraint.Name)
                ? new($"UNIQUE constraint '{constraint.Name}' is added (SQLite cannot add a constraint to a table)", SqliteRebuildKind.UniqueConstraintAdded)
                : new(constraint.Name == _target.PrimaryKey.Name
                    ? "the primary key changes"
                    : $"constraint '{constraint.Name}' is added to existing columns (SQLite cannot add a constraint to a table)"));
        }

        return reasons;
    }

    private SqliteRebuildReason? AddReason(ColumnModel column)
    {
        if (_target.PrimaryKey.Columns.Contains(column.Name))
        {
            return new($"column '{column.Name}' is added to the primary key");
        }

        if (column.Default?.Kind is DefaultKind.Now or DefaultKind.RandomUuid)
        {
            return new($"column '{column.Name}' is added with a default that is not a constant ({(column.Default.Kind == DefaultKind.Now ? "now" : "random")})",
                SqliteRebuildKind.NonConstantDefault);
        }

        if (!column.Nullable && column.Default is null)
        {
            return new($"column '{column.Name}' is added as NOT NULL without a default");
        }

        if (!column.Nullable && _target.ForeignKeys.Any(f => f.Columns.Contains(column.Name)))
        {
            return new($"column '{column.Name}' is added as a NOT NULL foreign key (ADD COLUMN takes a REFERENCES column only with a NULL default)");
        }

        return null;
    }

    /// <summary>What differs between a kept column's definitions, or null when it reads the same.</summary>
    private string? ChangeReason(ColumnModel old, ColumnModel column)
    {
        var before = DdlBuilder.ColumnDefinition(_renamed, old, _from);
        var after = DdlBuilder.ColumnDefinition(_target, column, _to);
        if (before == after)
        {
            return null;
        }

        var name = column.Name;
        if (_from.ColumnType(old) != _to.ColumnType(column))
        {
            return $"column '{name}' changes type from {_from.ColumnType(old)} to {_to.ColumnType(column)}";
        }

        if (NotNull(before) != NotNull(after))
        {
            return NotNull(after) ? $"column '{name}' becomes NOT NULL" : $"column '{name}' becomes nullable";
        }

        return old.Default == column.Default
            ? $"the default of column '{name}' is written in a new form"
            : $"the default of column '{name}' changes";
    }

    private static bool NotNull(string definition) => Regex.IsMatch(definition, @"\bNOT NULL\b");
}
