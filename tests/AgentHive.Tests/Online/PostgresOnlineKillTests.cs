using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Postgres;
using AgentHive.Tests.Database;
using AgentHive.Tests.Deployment;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Online;

/// <summary>A deployer killed in the middle of a CREATE INDEX CONCURRENTLY leaves a database the next up completes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOnlineKillTests : IDisposable
{
    private readonly PostgresTestDatabase _database;

    public PostgresOnlineKillTests(PostgresServer server) => _database = new PostgresTestDatabase(server);

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        _database.Dispose();
    }

    [Fact]
    public void SIGKILL_during_a_concurrent_index_build_leaves_an_invalid_index_that_verify_reports_and_the_next_up_rebuilds()
    {
        Assert.Equal(SchemaCommandLine.Success, MigratorProcess.Run(_database.Options, "up", "--to", "1").Code);
        var online = AgentHive.Runtime.Deployment.BuiltMigrations.Load(AgentHiveBuild.Assembly).Single(m => m.Version == 2).PostgresOnlineUp;
        Assert.Contains(online, s => s.StartsWith("CREATE INDEX CONCURRENTLY", StringComparison.Ordinal));

        // An application transaction with an old snapshot: a concurrent build waits for it after building,
        // with its index in the catalog, INVALID, the whole time.
        using var application = (NpgsqlConnection)_database.Open();
        var transaction = application.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        new NpgsqlCommand("SELECT 1", application, transaction).ExecuteScalar();
        var environment = new Dictionary<string, string>
        {
            ["AgentHive__Migrations__LockTimeout"] = "00:00:01",
            ["AgentHive__Migrations__LockRetryTotal"] = "00:10:00",
        };
        using (var deployer = MigratorProcess.Start(_database.Options, environment, "up"))
        {
            Assert.True(SpinWait.SpinUntil(() => InvalidIndexes().Count > 0 || deployer.ExitCode is not null, TimeSpan.FromSeconds(90)),
                $"no index build started: {deployer.Output}");
            Assert.True(deployer.ExitCode is null, $"the deployer ended before it could be killed: {deployer.Output}");
            deployer.Kill();
            Assert.Contains("CREATE INDEX CONCURRENTLY", deployer.Output);
        }

        // The killed deployer's server session keeps waiting until it notices the lost client; end it the way
        // a lost connection, a failover or a restart does. (Left alone it would finish the build: a valid index
        // with no record of the step, which the next up simply records.)
        _database.Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%'");
        Assert.True(SpinWait.SpinUntil(() => _database.Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%'") == 0,
            TimeSpan.FromSeconds(30)));
        transaction.Rollback();
        var invalid = InvalidIndexes();
        Assert.NotEmpty(invalid);
        var (verifyCode, verify) = MigratorProcess.Run(_database.Options, "verify");
        Assert.True(verifyCode == SchemaCommandLine.Drift, $"exit {verifyCode}\n{verify}");
        Assert.Contains("online steps have not completed", verify);
        Assert.Contains($"index {invalid[0]} is INVALID", verify);

        var (upCode, up) = MigratorProcess.Run(_database.Options, "up");
        Assert.True(upCode == SchemaCommandLine.Success, $"exit {upCode}\n{up}");
        Assert.Contains("build it again", up);
        Assert.Empty(InvalidIndexes());
        Assert.Equal(online.Count, _database.Scalar($"SELECT count(*) FROM {PostgresOnlineSteps.Table} WHERE version = 2"));
        var (cleanCode, clean) = MigratorProcess.Run(_database.Options, "verify");
        Assert.True(cleanCode == SchemaCommandLine.Success, $"exit {cleanCode}\n{clean}");
    }

    private IReadOnlyList<string> InvalidIndexes()
    {
        using var connection = (NpgsqlConnection)_database.Open();
        return PostgresOnlineSteps.InvalidIndexes(connection);
    }
}
