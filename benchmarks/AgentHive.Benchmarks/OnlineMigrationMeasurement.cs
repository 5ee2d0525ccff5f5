using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using AgentHive.Generator;
using AgentHive.Generator.Diff;
using AgentHive.Generator.Model;
using AgentHive.Runtime.Postgres;
using Npgsql;

namespace AgentHive.Benchmarks;

/// <summary>
/// Each kind of generated change (add column with backfill, add index, add foreign key, add CHECK, set NOT NULL,
/// widen a type) on a table of N rows while an application session keeps inserting and updating rows of it:
/// the longest single writer statement, with the online form (short transaction under lock_timeout, then the
/// online steps) and with the classic form (every statement in one transaction, no lock_timeout).
/// PostgreSQL from <c>AGENTHIVE_TEST_POSTGRES</c> (a role that may create databases).
/// </summary>
public static class OnlineMigrationMeasurement
{
    private const string Version1 = """
        schema: online
        namespace: OnlineShop
        version: 1
        tables:
          accounts:
            columns:
              id: id
              name: text
          items:
            columns:
              id: id
              account_id: bigint
              name: text
              qty: integer
              note: { type: text, nullable: true }
        """;

    private static readonly (string Kind, string Find, string Replace)[] Changes =
    {
        ("add column (backfilled)", "note: { type: text, nullable: true }", "note: { type: text, nullable: true }\n      label: { type: text, nullable: true, backfill: \"'item-' || name\" }"),
        ("add index", "note: { type: text, nullable: true }", "note: { type: text, nullable: true }\n    indexes:\n      - name: ix_items_qty\n        columns: [qty]"),
        ("add foreign key", "account_id: bigint", "account_id: { type: bigint, references: accounts, onDelete: cascade }"),
        ("add check", "qty: integer", "qty: { type: integer, min: 0 }"),
        ("set not null (backfilled)", "note: { type: text, nullable: true }", "note: { type: text, backfill: \"'none'\" }"),
        ("widen type", "qty: integer", "qty: bigint"),
    };

    public static int Run(int rows, TextWriter output)
    {
        var admin = Environment.GetEnvironmentVariable("AGENTHIVE_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set AGENTHIVE_TEST_POSTGRES to a connection string of a role that may create databases (source scripts/local-postgres.sh).");
        var template = "agenthive_bench_" + Guid.NewGuid().ToString("N").Substring(0, 12);
        var v1 = Model(Version1);
        Admin(admin, $"CREATE DATABASE \"{template}\"");
        try
        {
            var watch = Stopwatch.StartNew();
            using (var connection = Open(admin, template))
            {
                foreach (var statement in Generator.Emit.DdlBuilder.Create(v1, Generator.Dialects.PostgresDialect.Instance))
                {
                    Execute(connection, statement);
                }

                Execute(connection, "INSERT INTO accounts (name) VALUES ('first'), ('second')");
                Execute(connection, $"INSERT INTO items (account_id, name, qty, note) SELECT 1 + g % 2, 'item ' || g, g % 100, CASE WHEN g % 2 = 0 THEN NULL ELSE 'x' END FROM generate_series(1, {rows}) g");
                Execute(connection, "VACUUM ANALYZE items");
            }

            NpgsqlConnection.ClearAllPools();
            output.WriteLine($"{rows:N0} rows in items ({watch.Elapsed.TotalSeconds:F1} s to load). Longest writer statement while the change runs, and the change's duration:");
            output.WriteLine();
            output.WriteLine("| change | online: longest writer wait | online: duration | classic: longest writer wait | classic: duration |");
            output.WriteLine("|---|---|---|---|---|");
            foreach (var (kind, find, replace) in Changes)
            {
                var v2 = Model(Version1.Replace("version: 1", "version: 2").Replace(find, replace));
                var changes = VersionChanges.Upgrade(v1, v2, TableMapping.ForUpgrade(v1, v2, new List<string>()));
                var online = Measure(admin, template, PostgresPlanner.Plan(changes, online: true), lockTimeout: true);
                var classic = Measure(admin, template, PostgresPlanner.Plan(changes, online: false), lockTimeout: false);
                output.WriteLine($"| {kind} | {online.Wait.TotalMilliseconds:F0} ms | {online.Duration.TotalSeconds:F2} s{online.Note} | {classic.Wait.TotalMilliseconds:F0} ms | {classic.Duration.TotalSeconds:F2} s{classic.Note} |");
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Admin(admin, $"DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)");
        }

        return 0;
    }

    private static (TimeSpan Wait, TimeSpan Duration, string Note) Measure(string admin, string template, PostgresPlan plan, bool lockTimeout)
    {
        var database = "agenthive_bench_" + Guid.NewGuid().ToString("N").Substring(0, 12);
        Admin(admin, $"CREATE DATABASE \"{database}\" TEMPLATE \"{template}\"");
        try
        {
            using var writer = new Writer(Connection(admin, database));
            Thread.Sleep(500);
            var watch = Stopwatch.StartNew();
            var note = string.Empty;
            using (var migrator = Open(admin, database))
            try
            {
                if (lockTimeout)
                {
                    Execute(migrator, "SET lock_timeout = '2s'");
                }

                RetriedOnLockTimeout(() =>
                {
                    using var transaction = migrator.BeginTransaction();
                    foreach (var statement in plan.Transaction)
                    {
                        using var command = new NpgsqlCommand(statement, migrator, transaction) { CommandTimeout = 0 };
                        command.ExecuteNonQuery();
                    }

                    transaction.Commit();
                });
                foreach (var step in plan.Online)
                {
                    RetriedOnLockTimeout(() => PostgresOnlineSteps.RunUnrecorded(migrator, step, 10_000, null));
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected)
            {
                // The classic form's UPDATE holds row locks the writer waits for, then asks for ACCESS EXCLUSIVE.
                note = " (failed: deadlock with the writer)";
            }

            var duration = watch.Elapsed;
            Thread.Sleep(500);
            writer.Stop();
            return writer.Failure is { } failure ? throw new InvalidOperationException("the writer failed", failure) : (writer.LongestWait, duration, note);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Admin(admin, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    // As the migrator does, without its backoff: the writer's transactions are short.
    private static void RetriedOnLockTimeout(Action action)
    {
        for (var tries = 0; ; tries++)
        {
            try
            {
                action();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable && tries < 20)
            {
                Thread.Sleep(100);
            }
        }
    }

    // Version 2 builds as an app ships it: on top of version 1, frozen with its checksums.
    private static SchemaModel Model(string schema)
    {
        var sources = ImmutableArray.Create(new SchemaSource("/project/schema.yaml", schema));
        if (!schema.Contains("version: 1", StringComparison.Ordinal))
        {
            var first = HistoryPipeline.Run(ImmutableArray.Create(new SchemaSource("/project/schema.yaml", Version1))).Model!.Versions.Single();
            sources = sources.InsertRange(0, new[]
            {
                new SchemaSource("/project/history/schema.v1.yaml", Version1),
                new SchemaSource("/project/history/schema.checksums", $"1 sqlite {first.SqliteChecksum}\n1 postgres {first.PostgresChecksum}\n"),
            });
        }

        var result = HistoryPipeline.Run(sources);
        return result.Model?.Current ?? throw new InvalidOperationException("the measurement's schema does not build: " + string.Join("; ", result.Diagnostics.Select(d => $"{d.Id} {string.Join(", ", d.Arguments)}")));
    }

    private static string Connection(string admin, string database) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = database, Pooling = false }.ConnectionString;

    private static NpgsqlConnection Open(string admin, string database)
    {
        var connection = new NpgsqlConnection(Connection(admin, database));
        connection.Open();
        return connection;
    }

    private static void Admin(string admin, string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
        connection.Open();
        Execute(connection, sql);
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    /// <summary>The application: inserts a row, updates another, in turn, timing each statement.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        public Writer(string connectionString)
        {
            _thread = new Thread(() => Run(connectionString)) { IsBackground = true };
            _thread.Start();
        }

        public TimeSpan LongestWait { get; private set; }

        public Exception? Failure { get; private set; }

        public void Stop()
        {
            _stop = true;
            _thread.Join();
        }

        public void Dispose() => Stop();

        private void Run(string connectionString)
        {
            try
            {
                using var connection = new NpgsqlConnection(connectionString);
                connection.Open();
                var random = new Random(1);
                using var insert = new NpgsqlCommand("INSERT INTO items (account_id, name, qty, note) VALUES (1, 'writer', 5, 'w')", connection) { CommandTimeout = 0 };
                using var update = new NpgsqlCommand("UPDATE items SET qty = qty + 1, note = 'u' WHERE id = @id", connection) { CommandTimeout = 0 };
                var id = new NpgsqlParameter<long>("id", 0L);
                update.Parameters.Add(id);
                while (!_stop)
                {
                    Time(insert);
                    id.TypedValue = random.NextInt64(1, 1_000_000);
                    Time(update);
                }
            }
            catch (Exception ex)
            {
                Failure = ex;
            }
        }

        private void Time(NpgsqlCommand command)
        {
            var watch = Stopwatch.StartNew();
            command.ExecuteNonQuery();
            if (watch.Elapsed > LongestWait)
            {
                LongestWait = watch.Elapsed;
            }
        }
    }
}
