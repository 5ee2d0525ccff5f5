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
/// PostgreSQL: ANALYZE of the schema's tables). Afterwards <see cref="Optimize"/> refreshes what went stale:
/// the maintenance service runs it on its schedule and <c>maintain statistics</c> runs it once. Opening a
/// connection never analyzes: ANALYZE writes, so it would wait behind (and block) the hive's writers.
/// </remarks>
public static class PlannerStatistics
{
    /// <summary>
    /// SQLite's periodic refresh: re-analyze every table whose size changed a lot since its statistics
    /// (the 0x10000 bit checks all tables, not only those this connection queried), within SQLite's
    /// analysis limit (the 0x02 bit), so it stays fast on big tables.
    /// </summary>
    public const string SqliteOptimize = "PRAGMA optimize = 0x10002;";

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
            Execute(connection, SqliteOptimize);
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
