using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using AgentHive.Entities;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.DataAccess;

public sealed class SqliteAgentHiveDataTests : AgentHiveDataContract
{
    public SqliteAgentHiveDataTests()
        : base(new SqliteTestDatabase(), AgentHiveSchema.Sqlite.Create)
    {
    }

    [Fact]
    public void Older_timestamp_forms_in_the_file_still_read()
    {
        var agent = NewAgent();
        Database.Execute($"UPDATE agents SET last_heartbeat_at = '2024-05-06 07:08:09.123+00:00', created_at = '2024-05-06 07:08:09.1234567+00:00' WHERE id = {agent}");

        var read = Db.Agents.Get(agent)!;

        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero), read.LastHeartbeatAt);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1_234_567), read.CreatedAt);
    }

    [Fact]
    public void Columns_are_read_by_name_not_by_physical_position()
    {
        // An upgraded SQLite table has added columns at its end: rebuild agents with its columns in reverse order.
        var agent = Db.Agents.Insert(new Agent { Name = "moved", AgentType = AgentType.Worker, WorktreePath = "/p", CreatedAt = T0, UpdatedAt = T1 });
        Db.Dispose();
        Database.Execute("PRAGMA foreign_keys = OFF");
        using (var connection = Database.Open())
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "PRAGMA foreign_keys = OFF; CREATE TABLE agents_reordered AS SELECT updated_at, created_at, last_heartbeat_at, worktree_path, configuration, status, agent_type, name, id FROM agents; " +
                "DROP TABLE agents; ALTER TABLE agents_reordered RENAME TO agents;";
            command.ExecuteNonQuery();
        }

        using var reopened = new AgentHiveDatabase(Connection);
        Assert.Equal(new Agent { Id = agent, Name = "moved", AgentType = AgentType.Worker, WorktreePath = "/p", CreatedAt = T0, UpdatedAt = T1 }, reopened.Agents.Get(agent));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAgentHiveDataTests : AgentHiveDataContract
{
    public PostgresAgentHiveDataTests(PostgresServer server)
        : base(new PostgresTestDatabase(server), AgentHiveSchema.Postgres.Create)
    {
    }

    [Fact]
    public async System.Threading.Tasks.Task An_async_read_that_fails_at_the_server_reaches_the_caller_and_the_next_read_works()
    {
        var agent = NewAgent();
        Assert.NotNull(await Db.Agents.GetAsync(agent));

        // Another session holds agents exclusively: the read waits at the server until it is cancelled, so it
        // fails after it went asynchronous, through the prepared command's reused reader source.
        using (var holder = Database.Open())
        using (var transaction = holder.BeginTransaction())
        {
            using (var lockTable = holder.CreateCommand())
            {
                lockTable.Transaction = transaction;
                lockTable.CommandText = "LOCK TABLE agents IN ACCESS EXCLUSIVE MODE";
                lockTable.ExecuteNonQuery();
            }

            using var cancel = new System.Threading.CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var read = Db.Agents.GetAsync(agent, cancel.Token);
            var failure = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);
            Assert.True(cancel.IsCancellationRequested, failure.ToString());
            transaction.Rollback();
        }

        // The same prepared command reads again, asynchronously and synchronously.
        Assert.Equal("agent-1", (await Db.Agents.GetAsync(agent))!.Name);
        Assert.Equal("agent-1", Db.Agents.Get(agent)!.Name);
    }

    [Fact]
    public void Batch_load_is_not_one_round_trip_per_row()
    {
        var commands = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity => commands.Add(activity.DisplayName),
        };
        ActivitySource.AddActivityListener(listener);
        var rows = Enumerable.Range(0, 3000).Select(i => new AgentTask { Title = $"t{i}" }).ToList();

        commands.Clear();
        Db.Tasks.InsertMany(rows);
        var copy = commands.ToList();

        commands.Clear();
        var ids = Db.Tasks.InsertManyReturningIds(rows);
        var batches = commands.ToList();

        Assert.Equal(6000, Database.Scalar("SELECT COUNT(*) FROM tasks"));
        Assert.Equal(3000, ids.Distinct().Count());
        Assert.True(copy.Count <= 1, $"COPY took {copy.Count} commands: {string.Join(", ", copy.Take(5))}");
        Assert.Equal(3000 / 500, batches.Count);
    }
}
