using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Maintenance;
using AgentHive.Tests.Database;
using Xunit;
using Xunit.Abstractions;

namespace AgentHive.Tests.Queries;

[Collection(PostgresCollection.Name)]
public sealed class PostgresQueryPlanTests : QueryPlanContract
{
    public PostgresQueryPlanTests(PostgresServer server, ITestOutputHelper output)
        : base(new PostgresTestDatabase(server), output)
    {
    }

    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;

    // What autovacuum's analyze does on its own schedule, run at once after the bulk load.
    protected override void RunStatisticsMaintenance()
    {
        using var connection = Database.Open();
        PlannerStatistics.Optimize(connection, DatabaseProvider.Postgres);
    }
}
