using System;
using System.Data.Common;
using System.IO;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Sqlite;
using Npgsql;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// Where the data-access benchmarks run. BenchmarkDotNet starts one process per benchmark, each with its
/// own global setup, so the databases persist between them and setup only tops them up.
/// </summary>
public static class BenchmarkDatabases
{
    /// <summary>A SQLite file path; default: agenthive-bench/agent_hive_bench.db in the temp folder.</summary>
    public const string SqliteVariable = "AGENTHIVE_BENCH_SQLITE";

    /// <summary>A PostgreSQL connection string of a role that may create databases; default: AGENTHIVE_TEST_POSTGRES.</summary>
    public const string PostgresVariable = "AGENTHIVE_BENCH_POSTGRES";

    /// <summary>The name of the benchmark database on that server; default: <see cref="PostgresDatabaseName"/>.</summary>
    public const string PostgresDatabaseVariable = "AGENTHIVE_BENCH_POSTGRES_DATABASE";

    public const string PostgresDatabaseName = "agenthive_bench";

    public static string SqliteConnectionString()
    {
        var path = Environment.GetEnvironmentVariable(SqliteVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Path.Combine(Path.GetTempPath(), "agenthive-bench", "agent_hive_bench.db");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return $"Data Source={path}";
    }

    /// <summary>The benchmark database on the configured server, created when missing.</summary>
    public static string PostgresConnectionString()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            admin = Environment.GetEnvironmentVariable("AGENTHIVE_TEST_POSTGRES");
        }

        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL benchmarks need a server: set {PostgresVariable} (or AGENTHIVE_TEST_POSTGRES, e.g. by " +
                "'source scripts/local-postgres.sh') to a connection string of a role that may create databases.");
        }

        var name = Environment.GetEnvironmentVariable(PostgresDatabaseVariable);
        if (string.IsNullOrWhiteSpace(name))
        {
            name = PostgresDatabaseName;
        }

        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", name);
            if (exists.ExecuteScalar() is null)
            {
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                create.ExecuteNonQuery();
            }
        }

        // A commit does not wait for the WAL flush, like SQLite's synchronous=NORMAL in WAL mode: the flush costs
        // every contender the same and, on a shared disk, varied 4-8 ms per commit, hiding what differs.
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Options = "-c synchronous_commit=off" }.ConnectionString;
    }

    /// <summary>Brings the schema to the latest version with the runtime's migrator, as a deployment would.</summary>
    public static void Deploy(string provider, string connectionString) =>
        new SchemaMigrator(new DatabaseOptions { Provider = provider, ConnectionString = connectionString }, typeof(AgentHiveSchema).Assembly).Up();

    internal static long Scalar(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static void Execute(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    internal static string Text(DbConnection connection, string sql, Action<DbCommand>? bind = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind?.Invoke(command);
        using var reader = command.ExecuteReader();
        var text = new System.Text.StringBuilder();
        while (reader.Read())
        {
            text.AppendLine(reader.GetValue(reader.FieldCount - 1).ToString());
        }

        return text.ToString();
    }

    /// <summary>
    /// Opens a SQLite connection the way the runtime opens every application connection: foreign keys on,
    /// WAL, busy timeout, synchronous=NORMAL.
    /// </summary>
    public static Microsoft.Data.Sqlite.SqliteConnection OpenSqlite(string connectionString) =>
        SqliteConnectionSetup.Open(connectionString);
}
