using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentHive.Runtime.Deployment;

/// <summary>One object of a database schema as its catalog describes it.</summary>
/// <param name="Kind">table, column, constraint, index, trigger or function.</param>
/// <param name="Name">The object's name; columns are <c>table.column</c>.</param>
/// <param name="Definition">What the catalog says it is, normalized for comparison.</param>
public sealed record SchemaObject(string Kind, string Name, string Definition);

/// <summary>The schema objects of a database, read from its own catalog (the bookkeeping tables left out).</summary>
public sealed class SchemaSnapshot
{
    private SchemaSnapshot(IReadOnlyList<SchemaObject> objects) => Objects = objects;

    /// <summary>Every object, in a stable order.</summary>
    public IReadOnlyList<SchemaObject> Objects { get; }

    /// <summary>Reads a SQLite database's catalog: sqlite_schema and the table PRAGMAs.</summary>
    public static SchemaSnapshot Read(SqliteConnection connection)
    {
        var objects = new List<SchemaObject>();
        var schema = Rows(connection, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'");
        foreach (var row in schema.Where(r => !IsBookkeeping(r[2])))
        {
            switch (row[0])
            {
                case "table":
                    objects.Add(new SchemaObject("table", row[1], string.Empty));
                    foreach (var column in Rows(connection, $"SELECT name, type, \"notnull\", coalesce(dflt_value, ''), pk FROM pragma_table_xinfo('{row[1].Replace("'", "''")}')"))
                    {
                        objects.Add(new SchemaObject("column", $"{row[1]}.{column[0]}",
                            $"{column[1]}{(column[2] == "1" ? " NOT NULL" : string.Empty)}{(column[3].Length > 0 ? " DEFAULT " + column[3] : string.Empty)}{(column[4] != "0" ? " PRIMARY KEY" : string.Empty)}"));
                    }

                    objects.AddRange(TableConstraints(row[3]).Select(c => new SchemaObject("constraint", $"{row[1]}.{c.Name}", c.Clause)));
                    break;
                case "index" when row[3].Length > 0:
                    objects.Add(new SchemaObject("index", row[1], Normalize(row[3])));
                    break;
                case "trigger":
                    objects.Add(new SchemaObject("trigger", row[1], Normalize(row[3])));
                    break;
            }
        }

        return new SchemaSnapshot(objects.OrderBy(o => o.Kind, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ToList());
    }

    /// <summary>Reads one PostgreSQL schema (namespace) of a database: information_schema and pg_catalog.</summary>
    public static SchemaSnapshot Read(NpgsqlConnection connection, string schemaName)
    {
        var objects = new List<SchemaObject>();
        var s = schemaName.Replace("'", "''");
        var ns = $"(SELECT oid FROM pg_namespace WHERE nspname = '{s}')";
        string Clean(string text) => Normalize(text.Replace($"\"{schemaName}\".", string.Empty).Replace($"{schemaName}.", string.Empty));
        // The partitions of a partitioned table come and go with its retention: the table stands for them all.
        var partitions = new HashSet<string>(Rows(connection, $"SELECT relname FROM pg_class WHERE relnamespace = {ns} AND relispartition AND relkind IN ('r', 'p')").Select(r => r[0]));
        bool Skipped(string table) => IsBookkeeping(table) || partitions.Contains(table);
        // A table's definition is its storage parameters (autovacuum, fillfactor), which the schema sets on queue tables,
        // and for a partitioned table its partition key and DEFAULT partition.
        foreach (var row in Rows(connection,
                     $"SELECT t.table_name, coalesce((SELECT array_to_string(array(SELECT o FROM unnest(c.reloptions) o ORDER BY o), ', ') FROM pg_class c WHERE c.relname = t.table_name AND c.relnamespace = {ns}), ''), " +
                     $"coalesce((SELECT 'PARTITION BY ' || pg_get_partkeydef(c.oid) || coalesce(' DEFAULT ' || (SELECT d.relname FROM pg_partitioned_table p JOIN pg_class d ON d.oid = p.partdefid WHERE p.partrelid = c.oid), '') " +
                     $"FROM pg_class c WHERE c.relname = t.table_name AND c.relnamespace = {ns} AND c.relkind = 'p'), '') " +
                     $"FROM information_schema.tables t WHERE t.table_schema = '{s}' AND t.table_type = 'BASE TABLE'"))
        {
            if (!Skipped(row[0]))
            {
                var definition = string.Join(" ", new[] { row[1].Length == 0 ? string.Empty : $"WITH ({row[1]})", row[2] }.Where(d => d.Length > 0));
                objects.Add(new SchemaObject("table", row[0], definition));
            }
        }

        foreach (var row in Rows(connection,
                     $"SELECT table_name, column_name, {TypeWithSize}, is_nullable, coalesce(column_default, ''), is_identity FROM information_schema.columns WHERE table_schema = '{s}'"))
        {
            if (!Skipped(row[0]))
            {
                objects.Add(new SchemaObject("column", $"{row[0]}.{row[1]}",
                    $"{row[2]}{(row[3] == "NO" ? " NOT NULL" : string.Empty)}{(row[4].Length > 0 ? " DEFAULT " + Clean(row[4]) : string.Empty)}{(row[5] == "YES" ? " IDENTITY" : string.Empty)}"));
            }
        }

        foreach (var row in Rows(connection,
                     $"SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = {ns}"))
        {
            if (!Skipped(row[0]))
            {
                objects.Add(new SchemaObject("constraint", $"{row[0]}.{row[1]}", Clean(row[2])));
            }
        }

        foreach (var row in Rows(connection, $"SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = '{s}'"))
        {
            if (!Skipped(row[0]))
            {
                objects.Add(new SchemaObject("index", row[1], Clean(row[2])));
            }
        }

        foreach (var row in Rows(connection,
                     $"SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = {ns} AND NOT t.tgisinternal"))
        {
            if (!Skipped(row[0]))
            {
                objects.Add(new SchemaObject("trigger", row[1], Clean(row[2])));
            }
        }

        foreach (var row in Rows(connection, $"SELECT proname, prosrc FROM pg_proc WHERE pronamespace = {ns}"))
        {
            objects.Add(new SchemaObject("function", row[0], Clean(row[1])));
        }

        return new SchemaSnapshot(objects.OrderBy(o => o.Kind, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ToList());
    }

    /// <summary>Each difference in plain words: what is missing, what is extra, what differs.</summary>
    public IReadOnlyList<string> DifferencesFrom(SchemaSnapshot expected, string expectedLabel)
    {
        var actual = Objects.ToDictionary(o => (o.Kind, o.Name));
        var wanted = expected.Objects.ToDictionary(o => (o.Kind, o.Name));
        var differences = new List<string>();
        foreach (var item in expected.Objects.Where(o => !actual.ContainsKey((o.Kind, o.Name))))
        {
            differences.Add($"{item.Kind} {item.Name} is missing ({expectedLabel} has it{Show(item.Definition)})");
        }

        foreach (var item in Objects.Where(o => !wanted.ContainsKey((o.Kind, o.Name))))
        {
            differences.Add($"{item.Kind} {item.Name} is in the database but not in {expectedLabel}{Show(item.Definition)}");
        }

        foreach (var item in Objects.Where(o => wanted.TryGetValue((o.Kind, o.Name), out var w) && w.Definition != o.Definition))
        {
            differences.Add($"{item.Kind} {item.Name} differs: the database has `{item.Definition}`, {expectedLabel} has `{wanted[(item.Kind, item.Name)].Definition}`");
        }

        return differences;
    }

    private static string Show(string definition) => definition.Length == 0 ? string.Empty : $": `{definition}`";

    // data_type alone says "numeric": a precision or scale change would go unseen.
    private const string TypeWithSize = "CASE WHEN data_type = 'numeric' THEN format('numeric(%s,%s)', numeric_precision, numeric_scale) ELSE data_type END";

    private static bool IsBookkeeping(string table) => table.StartsWith("agenthive_", StringComparison.Ordinal);

    private static string Normalize(string sql) => Regex.Replace(sql, @"\s+", " ").Trim();

    /// <summary>
    /// The named constraints of a CREATE TABLE statement (SQLite keeps them only there). A column added by
    /// ALTER TABLE ADD COLUMN carries its CHECK and REFERENCES as column constraints, where a fresh CREATE
    /// TABLE has table constraints: both read as the same table constraint, so an upgraded table and a fresh
    /// one compare equal. Column order is not part of the snapshot either (an added column comes last).
    /// </summary>
    private static IEnumerable<(string Name, string Clause)> TableConstraints(string createTable)
    {
        var open = createTable.IndexOf('(');
        var close = createTable.LastIndexOf(')');
        if (open < 0 || close <= open)
        {
            yield break;
        }

        foreach (var item in SplitTopLevel(createTable.Substring(open + 1, close - open - 1), ','))
        {
            var match = Regex.Match(item, "^\\s*CONSTRAINT\\s+\"([^\"]+)\"\\s+(.*)$", RegexOptions.Singleline);
            if (match.Success)
            {
                yield return (match.Groups[1].Value, Normalize(match.Groups[2].Value));
                continue;
            }

            var column = Regex.Match(item, "^\\s*(\"[^\"]+\")").Groups[1].Value;
            foreach (var constraint in ColumnConstraints(item))
            {
                if (constraint.Clause.StartsWith("CHECK", StringComparison.OrdinalIgnoreCase))
                {
                    yield return constraint;
                }
                else if (constraint.Clause.StartsWith("REFERENCES", StringComparison.OrdinalIgnoreCase))
                {
                    yield return (constraint.Name, $"FOREIGN KEY ({column}) {constraint.Clause}");
                }
            }
        }
    }

    /// <summary>The named constraints written on one column definition.</summary>
    private static IEnumerable<(string Name, string Clause)> ColumnConstraints(string columnDefinition)
    {
        var parts = SplitTopLevel(columnDefinition, ' ').ToList();
        for (var i = 0; i < parts.Count; i++)
        {
            if (!parts[i].Trim().Equals("CONSTRAINT", StringComparison.OrdinalIgnoreCase) || i + 1 >= parts.Count)
            {
                continue;
            }

            var name = parts[i + 1].Trim().Trim('"');
            var end = i + 2;
            while (end < parts.Count && !parts[end].Trim().Equals("CONSTRAINT", StringComparison.OrdinalIgnoreCase))
            {
                end++;
            }

            yield return (name, Normalize(string.Join(" ", parts.Skip(i + 2).Take(end - i - 2))));
            i = end - 1;
        }
    }

    private static IEnumerable<string> SplitTopLevel(string body, char separator)
    {
        var depth = 0;
        var quote = '\0';
        var current = new StringBuilder();
        foreach (var c in body)
        {
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == separator && depth == 0)
            {
                yield return current.ToString();
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        yield return current.ToString();
    }

    private static List<string[]> Rows(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }

            rows.Add(row);
        }

        return rows;
    }
}
