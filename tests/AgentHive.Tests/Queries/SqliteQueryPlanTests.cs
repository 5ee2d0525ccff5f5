using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Migrations;
using AgentHive.Tests.Database;
using AgentHive.Tests.Deployment;
using Xunit;
using Xunit.Abstractions;

namespace AgentHive.Tests.Queries;

public sealed class SqliteQueryPlanTests : QueryPlanContract
{
    public SqliteQueryPlanTests(ITestOutputHelper output)
        : base(new SqliteTestDatabase(), output)
    {
    }

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    [Fact]
    public void Periodic_maintenance_after_a_bulk_load_refreshes_the_planner_statistics_and_opening_a_connection_does_not_write()
    {
        new SchemaMigrator(Database.Options, AgentHiveBuild.Assembly).Up();
        using (var connection = Database.Open())
        {
            AgentHiveFill.Run(connection, postgres: false);
        }

        var before = TaskStatistics();
        using (Database.Open())
        {
        }

        var afterOpen = TaskStatistics();
        RunStatisticsMaintenance();
        var after = TaskStatistics();

        // Up analyzed the empty tables; the bulk load made that stale; opening a connection leaves it (ANALYZE
        // writes, and would queue behind the hive's writers); the periodic optimize analyzed again.
        Assert.Equal(0, before);
        Assert.Equal(0, afterOpen);
        Assert.True(after > 0, "no statistics of the 20,000 tasks after a connection opened");
    }

    // Read through a bare driver connection: one of the runtime's would refresh the statistics it reads.
    private long TaskStatistics()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(Database.Options.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tasks' AND stat LIKE '20000 %'";
        return (long)command.ExecuteScalar()!;
    }
}
