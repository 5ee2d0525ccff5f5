using System;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Workload;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.Workload;

/// <summary>SQLite has no partitions: the same declaration makes a plain table whose retention deletes in batches.</summary>
public sealed class SqlitePartitionedRetentionTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public void A_partitioned_retention_prunes_in_batches_on_sqlite_and_verify_is_clean()
    {
        var migrator = new SchemaMigrator(_database.Options, PartitionedRetentionTests.App);
        migrator.Up();
        var source = _database.Scalar("INSERT INTO sources (name) VALUES ('s') RETURNING id");
        for (var day = 0; day < 20; day++)
        {
            _database.Execute($"INSERT INTO events (source_id, kind, created_at) VALUES ({source}, 'day-{day}', '{WorkloadTime.Ago(TimeSpan.FromDays(day) + TimeSpan.FromHours(1))}')");
        }

        using var connection = _database.Open();
        var result = WorkloadMaintenance.Prune(connection, PartitionedRetentionTests.Retention, batchSize: 3);

        // Exactly the rows older than the 10 days kept, row by row: no partition rounds the horizon here.
        Assert.Equal((10L, 4), (result.Rows, result.Batches));
        Assert.Equal((0, 0), (result.PartitionsCreated, result.PartitionsDropped));
        Assert.Equal(10, _database.Scalar("SELECT count(*) FROM events"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'events_%' AND type = 'table'"));
        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
    }
}
