using System;
using System.Collections.Generic;
using System.Data.Common;
using System.IO;
using System.Linq;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Postgres;
using AgentHive.Runtime.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentHive.Runtime.Deployment;

/// <summary>What <c>verify</c> found: the applied version and every problem, in plain words.</summary>
/// <param name="AppliedVersion">The newest applied version (0 when none).</param>
/// <param name="Problems">Edited or missing history and schema drift; empty when the database is clean.</param>
public sealed record VerifyReport(long AppliedVersion, IReadOnlyList<string> Problems)
{
    /// <summary>True when nothing differs from what this build expects.</summary>
    public bool Clean => Problems.Count == 0;
}

/// <summary>
/// Compares a database with what this build says it should be: the recorded checksum of every applied
/// version against the build's, and the live catalog against a fresh install of the applied version
/// (built in a scratch database or schema that is thrown away).
/// </summary>
public static class SchemaVerifier
{
    /// <summary>FluentMigrator's table of applied versions.</summary>
    public const string VersionTable = Migrations.AgentHiveVersionTable.Table;

    /// <summary>Our history table, with the checksum of each applied version's SQL.</summary>
    public const string HistoryTable = "agenthive_schema_history";

    /// <summary>Checks history and catalog, and with <paramref name="checkStorage"/> SQLite's own storage check.</summary>
    /// <param name="options">The database.</param>
    /// <param name="built">The versions this build carries.</param>
    /// <param name="checkStorage">
    /// On SQLite, also run <c>PRAGMA quick_check</c>, which reads every page (O(size of the file)): on for the
    /// deploy tool's verify, off for the startup check and the health check.
    /// </param>
    public static VerifyReport Verify(DatabaseOptions options, IReadOnlyList<BuiltMigration> built, bool checkStorage = false)
    {
        var provider = options.ParsedProvider;
        if (provider == DatabaseProvider.Sqlite && SqliteConnectionSetup.IsMissingFile(options.ConnectionString))
        {
            return new VerifyReport(0, new[] { "the database file does not exist" });
        }

        using var connection = Open(options, readOnly: true);
        if (connection is NpgsqlConnection npgsql && PostgresSchema.Current(npgsql) is null)
        {
            return new VerifyReport(0, new[]
            {
                string.IsNullOrWhiteSpace(options.Schema) ? "the connection's search path names no schema that exists" : $"the schema {options.Schema} does not exist",
            });
        }

        var problems = new List<string>();
        if (checkStorage && connection is SqliteConnection sqlite)
        {
            problems.AddRange(StorageProblems(sqlite));
        }

        var applied = AppliedVersions(connection, provider);
        problems.AddRange(HistoryProblems(connection, provider, built));
        var current = applied.Count == 0 ? 0 : applied.Max();
        if (connection is NpgsqlConnection postgres)
        {
            problems.AddRange(OnlineStepProblems(postgres, built, applied));
        }

        problems.AddRange(Drift(options, connection, built, current));
        return new VerifyReport(current, problems);
    }

    /// <summary>
    /// Where the recorded history disagrees with this build: versions it does not know, checksums that
    /// differ or are missing, history rows of versions not applied. Empty when the history matches.
    /// </summary>
    public static IReadOnlyList<string> HistoryProblems(DbConnection connection, DatabaseProvider provider, IReadOnlyList<BuiltMigration> built)
    {
        var applied = AppliedVersions(connection, provider);
        var history = History(connection, provider);
        var problems = new List<string>();
        var known = built.ToDictionary(m => m.Version);
        foreach (var version in applied)
        {
            if (!known.TryGetValue(version, out var migration))
            {
                problems.Add($"version {version} is applied but this build does not know it (a newer build applied it, or the history was edited)");
            }
            else if (!history.TryGetValue(version, out var checksum))
            {
                problems.Add($"version {version} is applied but has no checksum in {HistoryTable} (applied by another tool, or the history was edited)");
            }
            else if (checksum != migration.Checksums[provider])
            {
                problems.Add($"version {version} was applied with SQL checksum {Short(checksum)} but this build's version {version} has {Short(migration.Checksums[provider])}: the migration changed after it was applied");
            }
        }

        foreach (var version in history.Keys.Where(v => !applied.Contains(v)))
        {
            problems.Add($"version {version} has a history row but is not recorded as applied");
        }

        return problems;
    }

    /// <summary>
    /// Online steps of applied versions that have not completed, and indexes left INVALID by a concurrent
    /// build that did not finish: the intermediate states of an interrupted <c>up</c>, which the next
    /// <c>up</c> completes. The catalog differences they cause are listed too.
    /// </summary>
    public static IReadOnlyList<string> OnlineStepProblems(NpgsqlConnection connection, IReadOnlyList<BuiltMigration> built, IReadOnlyCollection<long> applied)
    {
        var problems = new List<string>();
        foreach (var version in PostgresOnlineSteps.Pending(connection, built, applied).GroupBy(s => s.Version))
        {
            var first = version.First();
            problems.Add($"version {version.Key} is applied but {version.Count()} of its {first.Count} online steps have not completed, from step {first.Step} " +
                         $"({first.Summary}): an up was interrupted; run up to finish them");
        }

        problems.AddRange(PostgresOnlineSteps.InvalidIndexes(connection).Select(name =>
            $"index {name} is INVALID: a CREATE INDEX CONCURRENTLY did not finish; up drops and builds it again"));
        return problems;
    }

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    // quick_check reads every page and checks its structure (not index contents against tables). It lists
    // what it finds, or stops with SQLITE_CORRUPT at a page it cannot read at all.
    private static IEnumerable<string> StorageProblems(SqliteConnection connection)
    {
        var lines = new List<string>();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                lines.Add(reader.GetString(0));
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            lines.Add(ex.Message);
        }

        return lines.Count == 1 && lines[0] == "ok"
            ? Array.Empty<string>()
            : lines.Select(line => $"the database file is corrupt (PRAGMA quick_check: {line}); restore it from a backup");
    }

    /// <summary>Differences between the live schema and a fresh install of <paramref name="version"/>.</summary>
    public static IReadOnlyList<string> Drift(DatabaseOptions options, DbConnection connection, IReadOnlyList<BuiltMigration> built, long version)
    {
        var provider = options.ParsedProvider;
        var statements = built.Where(m => m.Version <= version).SelectMany(m => m.Up[provider]).ToList();
        var label = version == 0 ? "an empty schema" : $"version {version}";
        if (provider == DatabaseProvider.Postgres)
        {
            var npgsql = (NpgsqlConnection)connection;
            var live = SchemaSnapshot.Read(npgsql, PostgresSchema.Of(npgsql, options));
            return live.DifferencesFrom(ExpectedPostgres(npgsql, built.Where(m => m.Version <= version).ToList()), label);
        }

        var sqlite = (SqliteConnection)connection;
        return SchemaSnapshot.Read(sqlite).DifferencesFrom(ExpectedSqlite(statements), label);
    }

    /// <summary>Applied versions, from FluentMigrator's table (empty when it does not exist).</summary>
    public static IReadOnlyList<long> AppliedVersions(DbConnection connection, DatabaseProvider provider) =>
        TableExists(connection, provider, VersionTable)
            ? Longs(connection, $"SELECT \"version\" FROM \"{VersionTable}\" ORDER BY \"version\"")
            : Array.Empty<long>();

    /// <summary>Recorded checksums by version (empty when the history table does not exist).</summary>
    public static IReadOnlyDictionary<long, string> History(DbConnection connection, DatabaseProvider provider)
    {
        var result = new Dictionary<long, string>();
        if (!TableExists(connection, provider, HistoryTable))
        {
            return result;
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"version\", \"checksum\" FROM \"{HistoryTable}\"";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result[Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)] = reader.GetString(1);
        }

        return result;
    }

    /// <summary>Opens a connection for reading the catalog; a read-only one leaves a SQLite file as it is.</summary>
    public static DbConnection Open(DatabaseOptions options, bool readOnly = false)
    {
        if (options.ParsedProvider == DatabaseProvider.Postgres)
        {
            var connection = new NpgsqlConnection(PostgresSchema.ConnectionString(options));
            connection.Open();
            return connection;
        }

        return readOnly
            ? SqliteConnectionSetup.OpenReadOnly(options.ConnectionString, options.SqliteBusyTimeoutSeconds)
            : SqliteConnectionSetup.Open(options.ConnectionString, options.SqliteBusyTimeoutSeconds);
    }

    private static SchemaSnapshot ExpectedSqlite(IReadOnlyList<string> statements)
    {
        var path = Path.Combine(Path.GetTempPath(), $"agenthive-expected-{Guid.NewGuid():N}.db");
        try
        {
            using (var scratch = SqliteConnectionSetup.Open($"Data Source={path};Pooling=False", foreignKeys: false))
            {
                using var transaction = scratch.BeginTransaction();
                foreach (var statement in statements)
                {
                    using var command = scratch.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = statement;
                    command.ExecuteNonQuery();
                }

                transaction.Commit();
                return SchemaSnapshot.Read(scratch);
            }
        }
        finally
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    // Each version with its online steps done, as a fresh install has them.
    private static SchemaSnapshot ExpectedPostgres(NpgsqlConnection connection, IReadOnlyList<BuiltMigration> versions)
    {
        // PostgreSQL DDL is transactional: build the expected schema in a scratch namespace, read it, roll back.
        var scratch = "agenthive_verify_" + Guid.NewGuid().ToString("N").Substring(0, 12);
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"CREATE SCHEMA \"{scratch}\"");
        Execute(connection, transaction, $"SET LOCAL search_path TO \"{scratch}\"");
        foreach (var version in versions)
        {
            foreach (var statement in version.Up[DatabaseProvider.Postgres])
            {
                Execute(connection, transaction, statement);
            }

            foreach (var statement in version.PostgresOnlineUp)
            {
                PostgresOnlineSteps.RunInTransaction(connection, transaction, statement);
            }
        }

        var snapshot = SchemaSnapshot.Read(connection, scratch);
        transaction.Rollback();
        return snapshot;
    }

    private static bool TableExists(DbConnection connection, DatabaseProvider provider, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = provider == DatabaseProvider.Postgres
            // Our schema is the first that exists on the search path, so this is where the unqualified name resolves.
            ? $"SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{table}')"
            : $"SELECT COUNT(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = '{table}'";
        return Convert.ToBoolean(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<long> Longs(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var result = new List<long>();
        while (reader.Read())
        {
            result.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return result;
    }

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Short(string checksum) => checksum.Length > 12 ? checksum.Substring(0, 12) : checksum;
}
