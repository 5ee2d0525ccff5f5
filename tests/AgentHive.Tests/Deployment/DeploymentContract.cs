using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading.Tasks;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Migrations;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>Deployment safety on one backend: lock, history checksums, drift, baseline, concurrent and killed deployers.</summary>
public abstract class DeploymentContract : IDisposable
{
    private readonly List<TestDatabase> _databases = new();

    protected abstract TestDatabase NewDatabase();

    /// <summary>Changes the schema by hand, the way an operator might, for one kind of drift.</summary>
    protected abstract void Tamper(TestDatabase database, string kind);


    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public void Verify_reports_a_clean_database_as_clean()
    {
        var (database, migrator) = Migrated();

        var report = migrator.Verify();

        Assert.True(report.Clean, string.Join("\n", report.Problems));
        Assert.Equal(2, report.AppliedVersion);
        var (code, output) = MigratorProcess.Run(database.Options, "verify");
        Assert.True(code == SchemaCommandLine.Success, output);
        Assert.Contains("Clean: the database matches version 2", output);
    }

    [Theory]
    [InlineData("column added", "column tasks.hack is in the database but not in version 2")]
    [InlineData("index dropped", "index ix_tasks_queue is missing")]
    [InlineData("default changed", "column tasks.priority differs")]
    [InlineData("check removed", "constraint git_state.ck_git_state_branch_not_empty is missing")]
    [InlineData("checksum edited", "version 1 was applied with SQL checksum")]
    [InlineData("history row deleted", "version 2 is applied but has no checksum")]
    public void Verify_names_each_hand_made_change(string kind, string expected)
    {
        var (database, migrator) = Migrated();

        Tamper(database, kind);

        var report = migrator.Verify();
        Assert.False(report.Clean, $"{kind}: verify found nothing");
        Assert.Contains(report.Problems, p => p.Contains(expected, StringComparison.Ordinal));
        var (code, output) = MigratorProcess.Run(database.Options, "verify", "--json");
        Assert.Equal(SchemaCommandLine.Drift, code);
        Assert.Contains("\"clean\":false", output);
    }

    [Fact]
    public void Dry_run_prints_lock_schema_and_history_statements_and_changes_nothing()
    {
        var database = Track(NewDatabase());

        var (code, output) = MigratorProcess.Run(database.Options, "up", "--dry-run");

        Assert.True(code == SchemaCommandLine.Success, output);
        Assert.Contains(database.Options.ParsedProvider == DatabaseProvider.Postgres ? "SELECT pg_try_advisory_lock(" : "-- exclusive OS lock on", output);
        Assert.Contains("CREATE TABLE \"agents\"", output);
        Assert.Contains("INSERT INTO \"agenthive_schema_history\"", output);
        Assert.Contains("ALTER TABLE", output);
        if (database is SqliteTestDatabase sqlite)
        {
            Assert.False(System.IO.File.Exists(sqlite.FilePath), "the dry run created the database file");
        }
        else
        {
            Assert.Empty(database.Tables());
        }
    }

    [Fact]
    public void Baseline_adopts_a_matching_database_without_running_it()
    {
        var database = Track(NewDatabase());
        var migrator = new SchemaMigrator(database.Options, AgentHiveBuild.Assembly);
        CreateWithoutHistory(database, migrator);

        migrator.Baseline(2);

        Assert.All(migrator.Status(), s => Assert.True(s.Applied));
        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
        Assert.Empty(migrator.Up());
        Assert.Equal(2, database.Scalar($"SELECT COUNT(*) FROM {SchemaVerifier.HistoryTable}"));
    }

    [Fact]
    public void Baseline_refuses_a_database_that_does_not_match_and_says_why()
    {
        var database = Track(NewDatabase());
        var migrator = new SchemaMigrator(database.Options, AgentHiveBuild.Assembly);
        CreateWithoutHistory(database, migrator);
        database.Execute("DROP INDEX ix_tasks_queue");

        var error = Assert.Throws<InvalidOperationException>(() => migrator.Baseline(2));

        Assert.Contains("does not match version 2", error.Message);
        Assert.Contains("index ix_tasks_queue is missing", error.Message);
        Assert.All(migrator.Status(), s => Assert.False(s.Applied));
    }

    [Fact]
    public void A_waiting_deployer_says_so_and_gives_up_after_the_timeout()
    {
        var database = Track(NewDatabase());
        using var held = MigrationLock.Acquire(database.Options, BuiltMigrations.SchemaIdentity(AgentHiveBuild.Assembly), TimeSpan.FromSeconds(5));

        using var waiter = MigratorProcess.Start(database.Options, new Dictionary<string, string> { ["AgentHive__Database__LockTimeoutSeconds"] = "2" }, "up");
        var code = waiter.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.Equal(SchemaCommandLine.LockTimeout, code);
        Assert.Contains("Waiting for the migration", waiter.Output);
        Assert.Contains("Gave up after 2 s", waiter.Output);
    }

    [Fact]
    public void A_killed_lock_holder_does_not_block_the_next_deployer()
    {
        var database = Track(NewDatabase());
        using (var holder = MigratorProcess.Start(database.Options, "up", "--verbose"))
        {
            Assert.True(holder.WaitForLine("SQL:", 1, TimeSpan.FromSeconds(60)), holder.Output);
            holder.Kill();
        }

        var migrator = new SchemaMigrator(new DatabaseOptions
        {
            Provider = database.Options.Provider,
            ConnectionString = database.Options.ConnectionString,
            LockTimeoutSeconds = 10,
        }, AgentHiveBuild.Assembly);
        migrator.Up();

        Assert.All(migrator.Status(), s => Assert.True(s.Applied));
    }

    [Fact]
    public void Eight_deployers_at_once_apply_every_version_exactly_once()
    {
        var database = Track(NewDatabase());

        var deployers = Enumerable.Range(0, 8).Select(_ => MigratorProcess.Start(database.Options, "up")).ToList();
        var codes = deployers.Select(d => d.WaitForExit(TimeSpan.FromSeconds(180))).ToList();

        Assert.True(codes.All(c => c == SchemaCommandLine.Success), string.Join("\n---\n", deployers.Select(d => d.Output)));
        var outputs = string.Join("\n", deployers.Select(d => d.Output));
        Assert.Equal(1, outputs.Split("Applying 1:").Length - 1);
        Assert.Equal(1, outputs.Split("Applying 2:").Length - 1);
        Assert.Equal(new long[] { 1, 2 }, database.Longs($"SELECT \"version\" FROM {SchemaVerifier.VersionTable} ORDER BY \"version\""));
        Assert.Equal(new long[] { 1, 2 }, database.Longs($"SELECT \"version\" FROM {SchemaVerifier.HistoryTable} ORDER BY \"version\""));
        foreach (var deployer in deployers)
        {
            deployer.Dispose();
        }

        var report = new SchemaMigrator(database.Options, AgentHiveBuild.Assembly).Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
    }

    [Fact]
    public void Killed_at_fifty_points_the_database_stays_at_a_recorded_version_and_up_finishes()
    {
        var statements = CountStatementsOfAFullRun();
        Assert.True(statements >= 50, $"a full run executes {statements} statements, too few for 50 distinct kill points");
        var killPoints = Enumerable.Range(0, 50).Select(i => 1 + (int)((long)i * (statements - 1) / 49)).Distinct().ToList();
        Assert.Equal(50, killPoints.Count);

        var versionsSeen = new HashSet<long>();
        var onlineKills = 0;
        var postgres = false;
        foreach (var point in killPoints)
        {
            var database = NewDatabase();
            postgres = database is PostgresTestDatabase;
            try
            {
                using (var deployer = MigratorProcess.Start(database.Options, "up", "--verbose"))
                {
                    Assert.True(deployer.WaitForLine("SQL:", point, TimeSpan.FromSeconds(60)), $"kill point {point}: the run ended first (exit {deployer.ExitCode})\n{deployer.Output}");
                    deployer.Kill();
                }

                var migrator = new SchemaMigrator(new DatabaseOptions
                {
                    Provider = database.Options.Provider,
                    ConnectionString = database.Options.ConnectionString,
                    LockTimeoutSeconds = 10,
                }, AgentHiveBuild.Assembly);
                var afterKill = migrator.Verify();
                if (PendingOnlineSteps(database, migrator) is { Count: > 0 } pending)
                {
                    // Killed during a version's online steps (PostgreSQL): the version is recorded and verify names
                    // the intermediate state; the next up finishes it.
                    Assert.Contains(afterKill.Problems, p => p.Contains("online steps have not completed", StringComparison.Ordinal));
                    onlineKills++;
                }
                else
                {
                    Assert.True(afterKill.Clean, $"kill point {point}: not at a recorded version\n" + string.Join("\n", afterKill.Problems));
                    database.AssertIntegrity();
                }

                versionsSeen.Add(afterKill.AppliedVersion);

                migrator.Up();

                var finished = migrator.Verify();
                Assert.True(finished.Clean && finished.AppliedVersion == 2, $"kill point {point}: the next up did not finish cleanly\n" + string.Join("\n", finished.Problems));
            }
            finally
            {
                database.Dispose();
            }
        }

        // The kill points span the whole run: some before version 1 committed, some between, some after
        // (on PostgreSQL some during version 2's online steps).
        Assert.Contains(0L, versionsSeen);
        Assert.Contains(1L, versionsSeen);
        if (postgres)
        {
            Assert.True(onlineKills > 0, "no kill point fell into version 2's online steps");
        }
    }

    private static IReadOnlyList<AgentHive.Runtime.Postgres.PendingOnlineStep> PendingOnlineSteps(TestDatabase database, SchemaMigrator migrator)
    {
        if (database is not PostgresTestDatabase)
        {
            return Array.Empty<AgentHive.Runtime.Postgres.PendingOnlineStep>();
        }

        using var connection = (Npgsql.NpgsqlConnection)database.Open();
        return AgentHive.Runtime.Postgres.PostgresOnlineSteps.Pending(connection, migrator.Built, SchemaVerifier.AppliedVersions(connection, DatabaseProvider.Postgres));
    }

    private int CountStatementsOfAFullRun()
    {
        var database = Track(NewDatabase());
        var (code, output) = MigratorProcess.Run(database.Options, "up", "--verbose");
        Assert.True(code == SchemaCommandLine.Success, output);
        return output.Split('\n').Count(l => l.StartsWith("SQL:", StringComparison.Ordinal));
    }

    private (TestDatabase Database, SchemaMigrator Migrator) Migrated()
    {
        var database = Track(NewDatabase());
        var migrator = new SchemaMigrator(database.Options, AgentHiveBuild.Assembly);
        migrator.Up();
        return (database, migrator);
    }

    /// <summary>The latest schema built by hand from the build's SQL, with no record of any migration.</summary>
    private static void CreateWithoutHistory(TestDatabase database, SchemaMigrator migrator)
    {
        var provider = database.Options.ParsedProvider;
        using var connection = database.Open();
        if (provider == DatabaseProvider.Sqlite)
        {
            Execute(connection, "PRAGMA foreign_keys = OFF");
        }

        foreach (var migration in migrator.Built)
        {
            foreach (var statement in migration.Up[provider])
            {
                Execute(connection, statement);
            }

            // What a complete up builds after each version's transaction, as a DBA would have run it.
            foreach (var step in provider == DatabaseProvider.Postgres ? migration.PostgresOnlineUp : Array.Empty<string>())
            {
                AgentHive.Runtime.Postgres.PostgresOnlineSteps.RunUnrecorded((Npgsql.NpgsqlConnection)connection, step, 10_000, null);
            }
        }
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private TestDatabase Track(TestDatabase database)
    {
        _databases.Add(database);
        return database;
    }
}
