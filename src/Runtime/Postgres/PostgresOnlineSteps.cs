using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using AgentHive.Runtime.Deployment;
using Npgsql;

namespace AgentHive.Runtime.Postgres;

/// <summary>One online step of an applied version that has not completed yet.</summary>
/// <param name="Version">The version the step belongs to.</param>
/// <param name="Step">Its number within the version, from 1.</param>
/// <param name="Count">How many online steps the version has.</param>
/// <param name="Statement">The step's SQL.</param>
public sealed record PendingOnlineStep(long Version, int Step, int Count, string Statement)
{
    /// <summary>The step in a few words, for progress and verify: its first line, shortened.</summary>
    public string Summary => PostgresOnlineSteps.Summary(Statement);
}

/// <summary>
/// Runs and records the online steps of PostgreSQL versions: the steps that run after a version's
/// transaction commits (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, batched backfills, SET NOT NULL
/// through a validated check). Each step is recorded in <see cref="Table"/> when it completes, and each
/// can run again after a crash: an index an interrupted build left INVALID is dropped and built again.
/// </summary>
public static class PostgresOnlineSteps
{
    /// <summary>Completed online steps, one row per (version, step).</summary>
    public const string Table = "agenthive_schema_steps";

    private static readonly Regex ConcurrentIndex = new(@"^CREATE (UNIQUE )?INDEX CONCURRENTLY (""(?:[^""]|"""")+"")", RegexOptions.CultureInvariant);
    private static readonly Regex UpdatedTable = new(@"^UPDATE (""(?:[^""]|"""")+"")", RegexOptions.CultureInvariant);

    /// <summary>The steps of applied versions that are not recorded as done, oldest first.</summary>
    public static IReadOnlyList<PendingOnlineStep> Pending(NpgsqlConnection connection, IReadOnlyList<BuiltMigration> built, IReadOnlyCollection<long> applied)
    {
        var withSteps = built.Where(m => m.PostgresOnlineUp.Count > 0 && applied.Contains(m.Version)).ToList();
        if (withSteps.Count == 0)
        {
            return Array.Empty<PendingOnlineStep>();
        }

        var done = new HashSet<(long, int)>();
        if (TableExists(connection))
        {
            using var command = new NpgsqlCommand($"SELECT version, step FROM \"{Table}\"", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                done.Add((reader.GetInt64(0), reader.GetInt32(1)));
            }
        }

        return withSteps
            .SelectMany(m => m.PostgresOnlineUp.Select((statement, i) => new PendingOnlineStep(m.Version, i + 1, m.PostgresOnlineUp.Count, statement)))
            .Where(s => !done.Contains((s.Version, s.Step)))
            .ToList();
    }

    /// <summary>Indexes of the current schema that PostgreSQL marks INVALID (a concurrent build that did not finish).</summary>
    public static IReadOnlyList<string> InvalidIndexes(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid " +
            "WHERE NOT i.indisvalid AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) ORDER BY c.relname", connection);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// Runs one step outside any transaction and records it. Safe to call for a step that already ran,
    /// wholly or in part.
    /// </summary>
    /// <param name="connection">The migrator's session (it holds the migration lock).</param>
    /// <param name="step">The step.</param>
    /// <param name="batchSize">Rows per transaction of a batched backfill (approximately).</param>
    /// <param name="progress">Told what is happening, e.g. a rebuild of an invalid index or the progress of a backfill.</param>
    public static void Run(NpgsqlConnection connection, PendingOnlineStep step, int batchSize, Action<string>? progress)
    {
        RunUnrecorded(connection, step.Statement, batchSize, progress);
        EnsureTable(connection);
        using var record = new NpgsqlCommand(
            $"INSERT INTO \"{Table}\" (version, step, statement) VALUES (@version, @step, @statement) ON CONFLICT (version, step) DO NOTHING", connection);
        record.Parameters.AddWithValue("version", step.Version);
        record.Parameters.AddWithValue("step", step.Step);
        record.Parameters.AddWithValue("statement", step.Statement);
        record.ExecuteNonQuery();
    }

    /// <summary>Runs one step outside any transaction without recording it; safe to run again.</summary>
    public static void RunUnrecorded(NpgsqlConnection connection, string statement, int batchSize, Action<string>? progress)
    {
        if (ConcurrentIndex.Match(statement) is { Success: true } index)
        {
            switch (IndexValidity(connection, index.Groups[2].Value))
            {
                case true:
                    break;
                case false:
                    progress?.Invoke($"Index {index.Groups[2].Value} is INVALID (an earlier build did not finish): dropping it to build it again.");
                    Execute(connection, null, $"DROP INDEX CONCURRENTLY IF EXISTS {index.Groups[2].Value}");
                    Execute(connection, null, statement);
                    break;
                default:
                    Execute(connection, null, statement);
                    break;
            }
        }
        else if (IsBatched(statement))
        {
            Backfill(connection, statement, batchSize, progress);
        }
        else
        {
            Execute(connection, null, statement);
        }
    }

    /// <summary>
    /// Runs a step inside <paramref name="transaction"/>, as a fresh install would have it: indexes built
    /// plainly, backfills over the whole table at once. For scratch schemas (verify) and tests.
    /// </summary>
    public static void RunInTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, string statement)
    {
        if (IsBatched(statement))
        {
            using var command = new NpgsqlCommand(statement, connection, transaction);
            command.Parameters.AddWithValue("first_page", 0L);
            command.Parameters.AddWithValue("end_page", (long)uint.MaxValue);
            command.ExecuteNonQuery();
            return;
        }

        Execute(connection, transaction, statement.Replace("INDEX CONCURRENTLY ", "INDEX "));
    }

    /// <summary>Forgets the recorded steps of a version that is being applied afresh or was reverted.</summary>
    public static void Forget(NpgsqlConnection connection, long version)
    {
        if (TableExists(connection))
        {
            using var command = new NpgsqlCommand($"DELETE FROM \"{Table}\" WHERE version = @version", connection);
            command.Parameters.AddWithValue("version", version);
            command.ExecuteNonQuery();
        }
    }

    internal static string Summary(string statement)
    {
        var line = statement.Split('\n')[0];
        return line.Length > 120 ? line.Substring(0, 117) + "..." : line;
    }

    // Page ranges, each in its own transaction, to the end of the table as it is then: a table that grows
    // while the backfill runs is followed to its new end.
    private static void Backfill(NpgsqlConnection connection, string statement, int batchSize, Action<string>? progress)
    {
        var table = UpdatedTable.Match(statement).Groups[1].Value;
        var (pages, rows) = Size(connection, table);
        var pagesPerBatch = Math.Max(1L, rows <= 0 || pages == 0 ? 16 : (long)(batchSize / Math.Max(1.0, rows / (double)pages)));
        var watch = Stopwatch.StartNew();
        var report = TimeSpan.FromSeconds(10);
        long updated = 0, first = 0;
        while (first < pages)
        {
            using var command = new NpgsqlCommand(statement, connection);
            command.Parameters.AddWithValue("first_page", first);
            command.Parameters.AddWithValue("end_page", first + pagesPerBatch);
            updated += command.ExecuteNonQuery();
            first += pagesPerBatch;
            if (first >= pages)
            {
                pages = Size(connection, table).Pages;
            }

            if (watch.Elapsed >= report)
            {
                progress?.Invoke($"Backfilling {table}: {updated} rows so far, page {first} of {pages}.");
                report = watch.Elapsed + TimeSpan.FromSeconds(10);
            }
        }
    }

    private static (long Pages, double Rows) Size(NpgsqlConnection connection, string table)
    {
        using var command = new NpgsqlCommand(
            $"SELECT pg_relation_size(@table::regclass) / current_setting('block_size')::bigint, c.reltuples::float8, c.relpages FROM pg_class c WHERE c.oid = @table::regclass",
            connection);
        command.Parameters.AddWithValue("table", table);
        using var reader = command.ExecuteReader();
        reader.Read();
        var relpages = reader.GetInt32(2);
        // reltuples is per relpages (as of the last ANALYZE or VACUUM); -1 when never counted.
        var rows = reader.GetDouble(1) < 0 || relpages == 0 ? -1 : reader.GetDouble(1) / relpages * reader.GetInt64(0);
        return (reader.GetInt64(0), rows);
    }

    private static bool? IndexValidity(NpgsqlConnection connection, string quotedName)
    {
        using var command = new NpgsqlCommand(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = @name AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
            connection);
        command.Parameters.AddWithValue("name", quotedName.Substring(1, quotedName.Length - 2).Replace("\"\"", "\""));
        return command.ExecuteScalar() is bool valid ? valid : null;
    }

    /// <summary>Creates <see cref="Table"/> when it does not exist.</summary>
    public static string CreateTableSql { get; } =
        $"CREATE TABLE IF NOT EXISTS \"{Table}\" (version bigint NOT NULL, step integer NOT NULL, statement text NOT NULL, " +
        "done_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (version, step))";

    /// <summary>The statement that records a step as done, as a script writes it.</summary>
    public static string RecordSql(long version, int step, string statement) =>
        $"INSERT INTO \"{Table}\" (version, step, statement) VALUES ({version.ToString(System.Globalization.CultureInfo.InvariantCulture)}, " +
        $"{step.ToString(System.Globalization.CultureInfo.InvariantCulture)}, '{statement.Replace("'", "''")}') ON CONFLICT (version, step) DO NOTHING";

    /// <summary>A batched backfill as one statement over the whole table (for a script); any other step unchanged.</summary>
    public static string WholeTable(string statement) =>
        statement.Replace("@first_page::bigint", "0").Replace("@end_page::bigint", uint.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Whether the step is a backfill the migrator runs in batches.</summary>
    public static bool IsBatched(string statement) => statement.Contains("@first_page", StringComparison.Ordinal);

    private static void EnsureTable(NpgsqlConnection connection) => Execute(connection, null, CreateTableSql);

    private static bool TableExists(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{Table}')", connection);
        return (bool)command.ExecuteScalar()!;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
