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
}
