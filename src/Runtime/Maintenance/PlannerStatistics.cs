using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using AgentHive.Runtime.Configuration;

namespace AgentHive.Runtime.Maintenance;

/// <summary>
/// Keeps the query planners' statistics fresh, so plans stay on the indexes the declared queries expect.
/// SQLite keeps none until ANALYZE runs: without them it planned "claim the next pending task" on the wrong
/// index with a sort of every pending row (62× slower). PostgreSQL's autovacuum analyzes on its own, but only
/// after a share of a table changed.
/// </summary>
/// <remarks>
/// What the runtime does: after <c>up</c> applies a version, <see cref="AfterMigration"/> (SQLite: ANALYZE;
/// PostgreSQL: ANALYZE of the schema's tables). Every SQLite connection it opens for the application runs
/// <c>PRAGMA optimize=0x10002</c> (re-analyze any table whose size changed a lot since its statistics, with
/// SQLite's built-in analysis limit, so it stays fast). Long-lived applications call <see cref="Optimize"/>
/// every few hours and before closing a connection, as sqlite.org/pragma.html#pragma_optimize recommends.
/// </remarks>
public static class PlannerStatistics
{
    /// <summary>The pragma every application connection runs when it opens (see the remarks).</summary>
    public const string SqliteOnOpen = "PRAGMA optimize = 0x10002;";

    /// <summary>Statistics for every table, after a migration created or reshaped them.</summary>
    public static void AfterMigration(DbConnection connection, DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            Execute(connection, "ANALYZE;");
            return;
        }

        AnalyzePostgresSchema(connection);
    }

    /// <summary>
    /// The periodic refresh: SQLite's <c>PRAGMA optimize</c> (analyzes only tables whose statistics are stale);
    /// on PostgreSQL <c>VACUUM (ANALYZE)</c> of the schema's tables, what autovacuum does on its own schedule:
    /// run it after bulk loads. (The vacuum also marks pages all-visible, which index-only scans need.)
    /// Outside any transaction.
    /// </summary>
    public static void Optimize(DbConnection connection, DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            Execute(connection, SqliteOnOpen);
            return;
        }

        AnalyzePostgresSchema(connection, "VACUUM (ANALYZE) ");
    }

    private static void AnalyzePostgresSchema(DbConnection connection, string statement = "ANALYZE ")
    {
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count > 0)
        {
            Execute(connection, statement + string.Join(", ", tables));
        }
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
