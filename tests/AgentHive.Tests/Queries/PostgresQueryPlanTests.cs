using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Maintenance;
using AgentHive.Tests.Database;
using AgentHive.Tests.Deployment;
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

    // The maintenance schedule's statistics job (what autovacuum's analyze does on its own schedule), run at once after the bulk load.
    protected override void RunStatisticsMaintenance()
    {
        var run = DeployCli.Run(Database.Options, "maintain", "statistics");
        Assert.True(run.Code == 0, run.Output + run.Error);
    }
}
