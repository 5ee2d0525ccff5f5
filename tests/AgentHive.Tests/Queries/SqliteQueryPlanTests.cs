using AgentHive.Runtime.Configuration;
using AgentHive.Tests.Database;
using Xunit.Abstractions;

namespace AgentHive.Tests.Queries;

public sealed class SqliteQueryPlanTests : QueryPlanContract
{
    public SqliteQueryPlanTests(ITestOutputHelper output)
        : base(new SqliteTestDatabase(), output)
    {
    }

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    // The runtime's maintenance is the PRAGMA optimize=0x10002 every application connection runs when it opens.
    protected override void RunStatisticsMaintenance()
    {
        using var connection = Database.Open();
    }
}
