using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>The SQL statements of a schema for one dialect. The only place SQL text is assembled.</summary>
public static class DdlBuilder
{
    /// <summary>CREATE TABLE for every table, parents first, each followed by its indexes.</summary>
    public static IReadOnlyList<string> Create(SchemaModel schema, ISqlDialect dialect)
    {
        var statements = new List<string>();
        foreach (var table in schema.Tables)
        {
            statements.AddRange(CreateTableComplete(table, dialect));
        }

        return statements;
    }

    /// <summary>A new table with its partitions, indexes and triggers.</summary>
    public static IEnumerable<string> CreateTableComplete(TableModel table, ISqlDialect dialect) =>
        new[] { CreateTable(table, dialect) }
            .Concat(dialect.Partitions(table))
            .Concat(table.Indexes.Select(index => CreateIndex(table, index, dialect)))
            .Concat(dialect.Triggers(table));

    /// <summary>DROP TABLE for every table, children first; indexes and triggers go with their tables.</summary>
    public static IReadOnlyList<string> Drop(SchemaModel schema, ISqlDialect dialect) =>
        schema.Tables.Reverse()
            .SelectMany(t => new[] { $"DROP TABLE {SqlText.Quote(t.Name)}" }.Concat(dialect.DropLeftovers(t)))
            .ToList();

    public static string CreateTable(TableModel table, ISqlDialect dialect, string? nameOverride = null)
    {
        var lines = table.Columns.Select(column => ColumnDefinition(table, column, dialect)).ToList();
        lines.AddRange(Constraints(table, dialect).Where(c => !c.Inline).Select(c => $"CONSTRAINT {SqlText.Quote(c.Name)} {c.Clause}"));
        return $"CREATE TABLE {SqlText.Quote(nameOverride ?? table.Name)} (\n    {string.Join(",\n    ", lines)}\n){dialect.TableOptions}{dialect.PartitionClause(table)}{StorageClause(dialect.StorageParameters(table))}";
    }

    /// <summary>The WITH clause of CREATE TABLE for storage parameters; empty for none.</summary>
    public static string StorageClause(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        parameters.Count == 0 ? string.Empty : $" WITH ({string.Join(", ", parameters.Select(p => $"{p.Key} = {p.Value}"))})";

    /// <summary>A column as CREATE TABLE and ADD COLUMN write it.</summary>
    public static string ColumnDefinition(TableModel table, ColumnModel column, ISqlDialect dialect)
    {
        var line = $"{SqlText.Quote(column.Name)} {dialect.ColumnType(column)}";
        if (column.Kind == ColumnKind.Id && dialect.KeyColumns(table).Count == 1)
        {
            // Inline, so that on SQLite the column is the rowid.
            line += $" CONSTRAINT {SqlText.Quote(table.PrimaryKey.Name)} PRIMARY KEY";
        }

        if (column.Kind != ColumnKind.Id && (!column.Nullable || table.PrimaryKey.Columns.Contains(column.Name)))
        {
            line += " NOT NULL";
        }

        if (column.Default is { } value)
        {
            line += " DEFAULT " + dialect.Default(value);
        }

        return line;
    }

    /// <summary>
    /// Every named table constraint with its clause (the text after <c>CONSTRAINT "name"</c>). The clause
    /// identifies the constraint: two with the same clause are the same rule whatever their names.
    /// </summary>
    public static IReadOnlyList<TableConstraint> Constraints(TableModel table, ISqlDialect dialect)
    {
        var result = new List<TableConstraint>
        {
            new(table.PrimaryKey.Name, $"PRIMARY KEY ({ColumnList(dialect.KeyColumns(table))})", table.PrimaryKey.IsIdentity && dialect.KeyColumns(table).Count == 1),
        };
        result.AddRange(table.Uniques.Select(unique => new TableConstraint(unique.Name, $"UNIQUE ({ColumnList(unique.Columns)})", false)));
        foreach (var fk in table.ForeignKeys)
        {
            var clause = $"FOREIGN KEY ({ColumnList(fk.Columns)}) REFERENCES {SqlText.Quote(fk.ReferencedTable)} ({ColumnList(fk.ReferencedColumns)})";
            if (fk.OnDelete != ReferentialAction.NoAction)
            {
                clause += " ON DELETE " + SqlText.Action(fk.OnDelete);
            }

            if (fk.OnUpdate != ReferentialAction.NoAction)
            {
                clause += " ON UPDATE " + SqlText.Action(fk.OnUpdate);
            }

            result.Add(new TableConstraint(fk.Name, clause, false));
        }

        foreach (var check in table.Checks)
        {
            if (dialect.Check(check.Column is null ? null : SqlText.Quote(check.Column), check.Rule) is { } expression)
            {
                result.Add(new TableConstraint(check.Name, $"CHECK ({expression})", false));
            }
        }

        return result;
    }

    public static string CreateIndex(TableModel table, IndexModel index, ISqlDialect dialect)
    {
        var keys = index.Keys.Select(k => Key(k, dialect) + (k.Descending ? " DESC" : string.Empty)).ToList();
        var include = string.Empty;
        if (index.Include.Count > 0)
        {
            if (dialect.SupportsInclude)
            {
                include = $" INCLUDE ({ColumnList(index.Include)})";
            }
            else if (!index.Unique)
            {
                // No INCLUDE: trailing key columns make the index covering too. Not for a unique index,
                // where extra keys would weaken what must be unique.
                keys.AddRange(index.Include.Select(SqlText.Quote));
            }
        }

        var unique = index.Unique ? "UNIQUE " : string.Empty;
        var where = index.Where is null ? string.Empty : " WHERE " + index.Where;
        return $"CREATE {unique}INDEX {SqlText.Quote(index.Name)} ON {SqlText.Quote(table.Name)} ({string.Join(", ", keys)}){include}{where}";
    }

    private static string Key(IndexKeyModel key, ISqlDialect dialect) => key.Kind switch
    {
        IndexKeyKind.JsonPath => dialect.JsonPath(SqlText.Quote(key.Value), key.Path),
        IndexKeyKind.Expression => $"({key.Value})",
        _ => SqlText.Quote(key.Value),
    };

    /// <summary>INSERT of every column, with @column parameters; an identity table's returns the id.</summary>
    public static string Insert(TableModel table, ISqlDialect dialect)
    {
        var columns = InsertColumns(table).ToList();
        var sql = $"INSERT INTO {SqlText.Quote(table.Name)} ({ColumnList(columns.Select(c => c.Name))}) " +
                  $"VALUES ({string.Join(", ", columns.Select(c => c.Kind == ColumnKind.Id ? dialect.IdentityValue(table, "@" + c.Name) : dialect.InsertValue(c, "@" + c.Name)))})";
        if (table.PrimaryKey.IsIdentity)
        {
            sql = dialect.IdentityInsert(table, sql + " RETURNING " + SqlText.Quote(table.PrimaryKey.Columns[0]));
        }

        return sql;
    }

    /// <summary>Every column: an id is sent too, as null unless the caller sets it (imports, fixtures).</summary>
    public static IEnumerable<ColumnModel> InsertColumns(TableModel table) => table.Columns;

    /// <summary>CREATE INDEX with the name left out: what the index is, for comparing two versions.</summary>
    public static string IndexSignature(TableModel table, IndexModel index, ISqlDialect dialect) =>
        CreateIndex(table, index with { Name = string.Empty }, dialect);

    /// <summary>Statements as one script, each ending in a semicolon.</summary>
    public static string Script(IEnumerable<string> statements) => string.Join("\n\n", statements.Select(s => s + ";")) + "\n";

    public static string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(SqlText.Quote));
}

/// <summary>A named table constraint; <see cref="Inline"/> when CREATE TABLE writes it on its column (an id key).</summary>
public sealed record TableConstraint(string Name, string Clause, bool Inline);
