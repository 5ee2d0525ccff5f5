using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Migrations;
using AgentHive.Tests.Database;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Online;

/// <summary>
/// Generated PostgreSQL changes run on a populated table while the application keeps writing to it:
/// no application statement waits for the migrator longer than about a second, and a migrator that
/// meets an open application transaction backs off instead of holding locks while it waits.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOnlineMigrationTests : IDisposable
{
    private const int Rows = 40_000;
    private static readonly TimeSpan AboutASecond = TimeSpan.FromSeconds(1);
    private readonly PostgresTestDatabase _database;

    public PostgresOnlineMigrationTests(PostgresServer server) => _database = new PostgresTestDatabase(server);

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        _database.Dispose();
    }

    public static TheoryData<string> Kinds => new(PostgresOnlineSchemas.Changes.Select(c => c.Kind));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_change_runs_on_a_populated_table_while_the_application_inserts_and_updates_it(string kind)
    {
        Populate();
        var migrator = new SchemaMigrator(_database.Options, PostgresOnlineSchemas.BuildVersion2(PostgresOnlineSchemas.Version2(kind)));
        using var writer = new ConcurrentWriter(_database.ConnectionString,
            "INSERT INTO items (account_id, name, qty, note) VALUES (1, 'writer', 5, 'w')",
            "UPDATE items SET qty = qty + 1, note = 'u' WHERE id = @n");
        var before = writer.Statements;
        var applied = migrator.Up();
        var during = writer.Statements - before;
        writer.Stop();

        Assert.Null(writer.Failure);
        Assert.Equal(new long[] { 2 }, applied.Select(s => s.Version));
        Assert.True(during > 0, "the writer ran no statement while the migrator worked");
        Assert.True(writer.LongestWait < AboutASecond, $"{kind}: the writer waited {writer.LongestWait.TotalMilliseconds:F0} ms on {writer.LongestStatement}");
        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM pg_constraint WHERE NOT convalidated"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM pg_index WHERE NOT indisvalid"));
        var online = migrator.Built.Single(m => m.Version == 2).PostgresOnlineUp;
        switch (kind)
        {
            case "add column":
                Assert.Contains(online, s => s.Contains("@first_page", StringComparison.Ordinal));
                Assert.Equal(0, _database.Scalar($"SELECT count(*) FROM items WHERE id <= {Rows} AND label IS DISTINCT FROM 'item-' || name"));
                break;
            case "add index":
                Assert.Contains(online, s => s.StartsWith("CREATE INDEX CONCURRENTLY \"ix_items_qty\"", StringComparison.Ordinal));
                Assert.Equal(1, _database.Scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_items_qty'"));
                break;
            case "add foreign key":
                Assert.Contains(online, s => s.Contains("VALIDATE CONSTRAINT \"fk_items_account_id\"", StringComparison.Ordinal));
                Assert.Equal(1, _database.Scalar("SELECT count(*) FROM pg_constraint WHERE conname = 'fk_items_account_id' AND convalidated"));
                break;
            case "add check":
                Assert.Contains(online, s => s.Contains("VALIDATE CONSTRAINT", StringComparison.Ordinal));
                Assert.Equal(1, _database.Scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype = 'c' AND convalidated"));
                break;
            case "set not null":
                Assert.Contains(online, s => s.EndsWith("SET NOT NULL", StringComparison.Ordinal));
                Assert.Equal(1, _database.Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note' AND is_nullable = 'NO'"));
                Assert.Equal(0, _database.Scalar("SELECT count(*) FROM pg_constraint WHERE conname LIKE '%not_null'"));
                Assert.True(_database.Scalar("SELECT count(*) FROM items WHERE note = 'none'") > 0);
                break;
            case "widen type":
                // A shadow column copied in batches, then swapped in (PostgresOnlineTypeChangeTests covers it in depth).
                Assert.Contains(online, s => s.Contains("@first_page", StringComparison.Ordinal));
                Assert.Contains(online, s => s.StartsWith("DO $step$", StringComparison.Ordinal) && s.Contains("LOCK TABLE \"items\"", StringComparison.Ordinal));
                Assert.Equal(1, _database.Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'qty' AND data_type = 'bigint' AND is_nullable = 'NO'"));
                Assert.Equal(0, _database.Scalar($"SELECT count(*) FROM items WHERE id > 20000 AND id <= {Rows} AND qty <> id % 100"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    [Fact]
    public async Task An_open_application_transaction_on_one_table_blocks_no_reader_of_another_and_the_migrator_finishes_after_it_commits()
    {
        Populate();
        var migrator = new SchemaMigrator(Options(retryFor: TimeSpan.FromMinutes(2)), PostgresOnlineSchemas.BuildVersion2(BothTablesChange));
        var waits = new ConcurrentQueue<string>();
        migrator.Waiting = waits.Enqueue;
        using var application = (NpgsqlConnection)_database.Open();
        var pid = Convert.ToInt64(new NpgsqlCommand("SELECT pg_backend_pid()", application).ExecuteScalar());
        var transaction = application.BeginTransaction();
        new NpgsqlCommand("SELECT count(*) FROM items", application, transaction).ExecuteScalar();
        using var reader = new ConcurrentWriter(_database.ConnectionString, "SELECT count(*) FROM accounts", "UPDATE accounts SET name = 'r' WHERE id = 1");

        var up = Task.Run(() => migrator.Up());
        Assert.True(SpinWait.SpinUntil(() => waits.Count >= 3 || up.IsCompleted, TimeSpan.FromSeconds(60)), "the migrator never reported waiting");
        Assert.False(up.IsCompleted, up.IsFaulted ? up.Exception!.ToString() : "the migrator finished while the application transaction was open");
        transaction.Commit();
        var applied = await up.WaitAsync(TimeSpan.FromSeconds(60));
        reader.Stop();

        Assert.Null(reader.Failure);
        Assert.Equal(new long[] { 2 }, applied.Select(s => s.Version));
        Assert.True(reader.LongestWait < AboutASecond, $"a reader of accounts waited {reader.LongestWait.TotalMilliseconds:F0} ms on {reader.LongestStatement}");
        Assert.Contains(waits, w => w.Contains($"pid {pid}", StringComparison.Ordinal) && w.Contains("items", StringComparison.Ordinal) && w.Contains("retrying", StringComparison.Ordinal));
        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
    }

    [Fact]
    public void A_migrator_that_keeps_meeting_an_open_transaction_gives_up_after_the_retry_time_leaving_the_previous_version()
    {
        Populate();
        var migrator = new SchemaMigrator(Options(retryFor: TimeSpan.FromSeconds(3)), PostgresOnlineSchemas.BuildVersion2(BothTablesChange));
        using var application = (NpgsqlConnection)_database.Open();
        using var transaction = application.BeginTransaction();
        new NpgsqlCommand("SELECT count(*) FROM items", application, transaction).ExecuteScalar();

        var failure = Assert.Throws<DeploymentException>(() => migrator.Up());

        Assert.Equal(DeploymentFailureKind.LockTimeout, failure.Kind);
        Assert.Contains("items", failure.Message);
        Assert.Contains("the database is still at version 1", failure.Message);
        Assert.Contains("AgentHive:Migrations:LockRetryTotal", failure.Message);
        transaction.Rollback();
        Assert.Equal(new long[] { 1 }, _database.Longs($"SELECT \"version\" FROM {SchemaVerifier.VersionTable}"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'region'"));
    }

    [Fact]
    public void Migration_timeouts_are_read_from_configuration_and_bad_values_are_refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new System.Collections.Generic.Dictionary<string, string?>
        {
            ["AgentHive:Migrations:LockTimeout"] = "00:00:00.250",
            ["AgentHive:Migrations:LockRetryTotal"] = "00:01:00",
            ["AgentHive:Migrations:StatementTimeout"] = "00:10:00",
            ["AgentHive:Migrations:BackfillBatchSize"] = "500",
        }).Build();

        var options = DatabaseOptions.From(configuration);

        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Migrations.LockTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Migrations.LockRetryTotal);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Migrations.StatementTimeout);
        Assert.Equal(500, options.Migrations.BackfillBatchSize);
        options.Migrations.LockTimeout = TimeSpan.Zero;
        var refused = Assert.Throws<DeploymentException>(() => options.Validate());
        Assert.Equal(DeploymentFailureKind.Usage, refused.Kind);
        Assert.Contains("AgentHive:Migrations:LockTimeout", refused.Message);
    }

    [Fact]
    public void A_statement_longer_than_the_statement_timeout_fails_its_version_clearly()
    {
        Populate();
        var options = Options(retryFor: TimeSpan.FromSeconds(10));
        options.Migrations.StatementTimeout = TimeSpan.FromSeconds(1);
        var slowStep = PostgresOnlineSchemas.Version2("widen type").Replace("tables:", "steps:\n  - name: slow\n    phase: after\n    sql: SELECT pg_sleep(5)\ntables:");
        var migrator = new SchemaMigrator(options, PostgresOnlineSchemas.BuildVersion2(slowStep));

        var failure = Assert.Throws<DeploymentException>(() => migrator.Up());

        Assert.Equal(DeploymentFailureKind.Failed, failure.Kind);
        Assert.Contains("AgentHive:Migrations:StatementTimeout", failure.Message);
        Assert.Equal(new long[] { 1 }, _database.Longs($"SELECT \"version\" FROM {SchemaVerifier.VersionTable}"));
    }

    /// <summary>Version 2 adds a column to accounts, then to items (in that order, in one transaction).</summary>
    private static string BothTablesChange => PostgresOnlineSchemas.Version1.Replace("version: 1", "version: 2")
        .Replace("      name: text\n  items:", "      name: text\n      region: { type: text, nullable: true }\n  items:")
        .Replace("note: { type: text, nullable: true }", "note: { type: text, nullable: true }\n      label: { type: text, nullable: true }");

    private DatabaseOptions Options(TimeSpan retryFor) => new()
    {
        Provider = "postgres",
        ConnectionString = _database.ConnectionString,
        Migrations = { LockTimeout = TimeSpan.FromMilliseconds(300), LockRetryTotal = retryFor },
    };

    /// <summary>Version 1, applied by the build that shipped it, with <see cref="Rows"/> items.</summary>
    private void Populate()
    {
        new SchemaMigrator(_database.Options, PostgresOnlineSchemas.BuildVersion1()).Up();
        _database.Execute(
            "INSERT INTO accounts (name) VALUES ('first'), ('second'); " +
            $"INSERT INTO items (account_id, name, qty, note) SELECT 1 + g % 2, 'item ' || g, g % 100, CASE WHEN g % 2 = 0 THEN NULL ELSE 'x' END FROM generate_series(1, {Rows}) g; " +
            "ANALYZE items");
    }
}
