using System;
using System.Collections.Generic;
using System.Globalization;
using AgentHive.Runtime.Configuration;
using Npgsql;

namespace AgentHive.Runtime.Postgres;

/// <summary>How long the migrator's session may wait for locks and run statements, and who it waited for.</summary>
public static class PostgresLockWaits
{
    /// <summary>Sets lock_timeout and statement_timeout for the rest of the session (the versions' transactions included).</summary>
    public static void LimitSession(NpgsqlConnection connection, MigrationOptions options)
    {
        using var command = new NpgsqlCommand(
            $"SET lock_timeout = '{Milliseconds(options.LockTimeout)}ms'; SET statement_timeout = '{Milliseconds(options.StatementTimeout)}ms'", connection);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The sessions most likely to have held up a statement that just timed out: transactions of this
    /// database open longer than lock_timeout, oldest first, with the tables of our schema they hold
    /// locks on and what they are doing. A wait is over by the time this runs, so it is a good guess,
    /// not a proof.
    /// </summary>
    public static string Blockers(NpgsqlConnection connection)
    {
        var found = new List<string>();
        try
        {
            using var command = new NpgsqlCommand(
                "SELECT a.pid, coalesce(a.state, ''), extract(epoch FROM now() - a.xact_start)::bigint, " +
                "coalesce(string_agg(DISTINCT c.relname, ', ' ORDER BY c.relname), '') " +
                "FROM pg_stat_activity a " +
                "LEFT JOIN pg_locks l ON l.pid = a.pid AND l.granted AND l.locktype = 'relation' " +
                "LEFT JOIN pg_class c ON c.oid = l.relation AND c.relkind IN ('r', 'p') AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) " +
                "WHERE a.pid <> pg_backend_pid() AND a.datname = current_database() AND a.xact_start IS NOT NULL " +
                "AND a.xact_start < now() - current_setting('lock_timeout')::interval " +
                "GROUP BY a.pid, a.state, a.xact_start ORDER BY a.xact_start LIMIT 5", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var tables = reader.GetString(3);
                found.Add($"pid {reader.GetInt32(0).ToString(CultureInfo.InvariantCulture)} ({reader.GetString(1)}, transaction open {reader.GetInt64(2).ToString(CultureInfo.InvariantCulture)} s" +
                          (tables.Length > 0 ? $", holding locks on {tables}" : string.Empty) + ")");
            }
        }
        catch (NpgsqlException)
        {
            // Only a description: a session that cannot read pg_stat_activity still retries.
        }

        return found.Count == 0 ? "another session (no long transaction is open any more)" : string.Join("; ", found);
    }

    private static string Milliseconds(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
