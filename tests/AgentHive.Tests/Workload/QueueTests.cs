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

    protected override bool AsyncCompletesSynchronously => true;

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

    protected override bool AsyncCompletesSynchronously => false;

    [Fact]
    public async System.Threading.Tasks.Task A_cancelled_async_claim_claims_nothing()
    {
        var id = Message(Agent("a"), priority: 1, sentSecondsAgo: 10);
        using var connection = OpenConsumer();
        await using var database = new global::AgentHive.AgentHiveDatabase(connection);
        using var cancelled = new System.Threading.CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<System.OperationCanceledException>(async () => await database.AgentMessageQueue.ClaimAsync("worker", 5, cancellationToken: cancelled.Token));

        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM agent_messages WHERE id = {id} AND status = 'pending' AND attempts = 0"));
    }

    protected override DbConnection OpenConsumer()
    {
        var connection = new NpgsqlConnection(((PostgresTestDatabase)Database).ConnectionString);
        connection.Open();
        return connection;
    }
}
