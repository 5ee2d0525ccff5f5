using System.Data.Common;
using AgentHive.Runtime.Sqlite;
using AgentHive.Tests.Database;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Workload;

public sealed class SqliteQueueTests : QueueContract
{
    public SqliteQueueTests()
        : base(new SqliteTestDatabase())
    {
    }

    // 50 writers on one file queue for its lock: give each the time the whole test may take.
    protected override DbConnection OpenConsumer() => SqliteConnectionSetup.Open(Database.Options.ConnectionString, busyTimeoutSeconds: 60);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresQueueTests : QueueContract
{
    public PostgresQueueTests(PostgresServer server)
        : base(new PostgresTestDatabase(server))
    {
    }

    protected override DbConnection OpenConsumer()
    {
        var connection = new NpgsqlConnection(((PostgresTestDatabase)Database).ConnectionString);
        connection.Open();
        return connection;
    }
}
