using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Deployment;
using AgentHive.Tests.Database;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>The PostgreSQL migration lock lives on the session that migrates: if that session dies, its deployer stops.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLockTests : IDisposable
{
    private readonly PostgresTestDatabase _database;

    public PostgresLockTests(PostgresServer server) => _database = new PostgresTestDatabase(server);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void A_deployer_whose_lock_session_is_terminated_stops_and_the_next_one_runs_alone()
    {
        Assert.Equal(SchemaCommandLine.Success, MigratorProcess.Run(_database.Options, "up", "--to", "1").Code);

        // Hold every table of version 1, so that the deployer stops inside version 2, holding the lock.
        using var blocker = (NpgsqlConnection)_database.Open();
        using var transaction = blocker.BeginTransaction();
        var tables = string.Join(", ", Strings(blocker, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'agenthive%'").Select(t => $"\"{t}\""));
        Execute(blocker, $"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE");
        using var first = MigratorProcess.Start(_database.Options, "up");
        WaitUntil(() => LockHolders().Length == 1 && WaitingOnTables() >= 1, first);

        foreach (var pid in LockHolders())
        {
            Execute($"SELECT pg_terminate_backend({pid})");
        }

        using var second = MigratorProcess.Start(_database.Options, "up");
        WaitUntil(() => LockHolders().Length == 1 && WaitingOnTables() >= 1, second);
        transaction.Rollback();
        var firstCode = first.WaitForExit(TimeSpan.FromSeconds(120));
        var secondCode = second.WaitForExit(TimeSpan.FromSeconds(120));

        Assert.True(firstCode == SchemaCommandLine.Failed, $"exit {firstCode}\n{first.Output}");
        Assert.True(first.Output.Contains("The session holding the migration lock"), first.Output);
        Assert.True(secondCode == SchemaCommandLine.Success, $"exit {secondCode}\n{second.Output}");
        Assert.Contains("Applying 2:", second.Output);
        Assert.Equal(new long[] { 1, 2 }, _database.Longs($"SELECT \"version\" FROM {SchemaVerifier.VersionTable} ORDER BY \"version\""));
        Assert.Equal(new long[] { 1, 2 }, _database.Longs($"SELECT \"version\" FROM {SchemaVerifier.HistoryTable} ORDER BY \"version\""));
        var (verifyCode, verify) = MigratorProcess.Run(_database.Options, "verify");
        Assert.True(verifyCode == SchemaCommandLine.Success, verify);
    }

    [Fact]
    public void A_deployer_busy_migrating_keeps_its_lock_under_idle_session_timeout()
    {
        Assert.Equal(SchemaCommandLine.Success, MigratorProcess.Run(_database.Options, "up", "--to", "1").Code);
        var name = new NpgsqlConnectionStringBuilder(_database.ConnectionString).Database;
        Execute($"ALTER DATABASE \"{name}\" SET idle_session_timeout = '1s'");
        using var blocker = (NpgsqlConnection)_database.Open();
        using var transaction = blocker.BeginTransaction();
        var tables = string.Join(", ", Strings(blocker, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'agenthive%'").Select(t => $"\"{t}\""));
        Execute(blocker, $"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE");
        using var first = MigratorProcess.Start(_database.Options, "up");
        WaitUntil(() => LockHolders().Length == 1 && WaitingOnTables() >= 1, first);

        // A lock held on an idle side session would be gone after 1 s, and the second deployer would start version 2.
        using var second = MigratorProcess.Start(_database.Options, "up");
        Thread.Sleep(TimeSpan.FromSeconds(4));
        Assert.Equal(1, WaitingOnTables());
        transaction.Rollback();
        var firstCode = first.WaitForExit(TimeSpan.FromSeconds(120));
        var secondCode = second.WaitForExit(TimeSpan.FromSeconds(120));

        Assert.True(firstCode == SchemaCommandLine.Success, $"exit {firstCode}\n{first.Output}");
        Assert.Contains("Applying 2:", first.Output);
        Assert.True(secondCode == SchemaCommandLine.Success, $"exit {secondCode}\n{second.Output}");
        Assert.Contains("Nothing to apply.", second.Output);
        Assert.Equal(new long[] { 1, 2 }, _database.Longs($"SELECT \"version\" FROM {SchemaVerifier.VersionTable} ORDER BY \"version\""));
    }

    [Fact]
    public void A_session_without_the_lock_is_refused_before_a_version_runs()
    {
        var key = MigrationLock.AdvisoryKey("Some.Schema", "public");
        using var connection = (NpgsqlConnection)_database.Open();

        Assert.Throws<MigrationLockLostException>(() => MigrationLock.EnsureHeld(connection, key));
        using (MigrationLock.AcquireOn(connection, key, TimeSpan.FromSeconds(5)))
        {
            MigrationLock.EnsureHeld(connection, key);
            using var other = (NpgsqlConnection)_database.Open();
            Assert.Throws<MigrationLockLostException>(() => MigrationLock.EnsureHeld(other, key));
        }

        Assert.Throws<MigrationLockLostException>(() => MigrationLock.EnsureHeld(connection, key));
    }

    private string[] LockHolders()
    {
        using var connection = (NpgsqlConnection)_database.Open();
        return Strings(connection,
            "SELECT pid::text FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
    }

    private long WaitingOnTables() =>
        _database.Scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");

    private static void WaitUntil(Func<bool> condition, MigratorProcess process)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(process.ExitCode is null, $"the deployer ended first (exit {process.ExitCode}):\n{process.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"the deployer did not reach the blocked table within 60 s:\n{process.Output}");
            Thread.Sleep(100);
        }
    }

    private void Execute(string sql) => _database.Execute(sql);

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static string[] Strings(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var result = new System.Collections.Generic.List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }

        return result.ToArray();
    }
}
