using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Text.RegularExpressions;

namespace AgentHive.Tests.Evolution;

/// <summary>
/// The schema objects of a database as its own catalog describes them, as comparable lines.
/// Column order is not compared: PostgreSQL appends added columns, which no query can observe.
/// </summary>
public static class CatalogSnapshot
{
    private const string VersionTable = "agenthive_schema_versions";

    // Which online steps completed: bookkeeping of the migrator, like the version table, not the schema.
    private const string StepsTable = AgentHive.Runtime.Postgres.PostgresOnlineSteps.Table;

    public static IReadOnlyList<string> Sqlite(DbConnection connection) => Lines(connection,
        $"SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || coalesce(sql, '') FROM sqlite_schema " +
        $"WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> '{VersionTable}'")
        .Select(line => Regex.Replace(line, @"\s+", " "))
        .OrderBy(l => l, StringComparer.Ordinal)
        .ToList();

    public static IReadOnlyList<string> Postgres(DbConnection connection) => new[]
        {
            $"SELECT 'column ' || table_name || '.' || column_name || ' ' || CASE WHEN data_type = 'numeric' THEN format('numeric(%s,%s)', numeric_precision, numeric_scale) ELSE data_type END || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') || ' identity=' || is_identity " +
            $"FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN ('{VersionTable}', '{StepsTable}')",
            $"SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint " +
            $"WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('{VersionTable}', '{StepsTable}')",
            $"SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT IN ('{VersionTable}', '{StepsTable}')",
            "SELECT 'trigger ' || tgname || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
            "SELECT 'function ' || proname || ' ' || prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
            "SELECT 'sequence ' || sequencename FROM pg_sequences WHERE schemaname = 'public'",
        }
        .SelectMany(sql => Lines(connection, sql))
        .OrderBy(l => l, StringComparer.Ordinal)
        .ToList();

    private static IEnumerable<string> Lines(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
