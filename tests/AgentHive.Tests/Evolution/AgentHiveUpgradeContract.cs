using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Migrations;
using AgentHive.Tests.Database;
using AgentHive.Tests.Deployment;
using Xunit;

namespace AgentHive.Tests.Evolution;

/// <summary>
/// The real deployment path: a populated Agent Hive v1 database upgraded to v2 by the migrator (the
/// generated FluentMigrator migrations), compared with fresh installs, then down to v1 and up again.
/// </summary>
public abstract class AgentHiveUpgradeContract : IDisposable
{
    private static readonly string[] Tables =
    {
        "agents", "agent_messages", "projects", "tasks", "project_tasks", "context_sessions", "memory_snapshots",
        "performance_metrics", "checkpoints", "git_state", "pull_requests", "configurations", "events",
    };

    private readonly List<TestDatabase> _databases = new();

    protected abstract TestDatabase NewDatabase();

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public void Populated_v1_upgrades_to_v2_without_losing_a_row_and_equals_a_fresh_v2()
    {
        var (database, migrator) = PopulatedAtVersion1();
        var counts = Counts(database);

        var applied = migrator.Up();

        Assert.Equal(new long[] { 2 }, applied.Select(s => s.Version));
        Assert.Equal(counts, Counts(database));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM context_sessions WHERE context_window_tokens = 200000"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM pull_requests WHERE pr_number = 42"));
        Assert.Equal(2, database.Scalar("SELECT COUNT(*) FROM agent_messages WHERE attempts = 0"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM tasks WHERE parent_task_id = 1"));
        database.AssertIntegrity();
        Assert.Equal(FreshCatalog(null), database.Catalog());

        database.Execute("UPDATE tasks SET status = 'review' WHERE id = 1");
        database.Execute("INSERT INTO task_dependencies (task_id, depends_on_task_id) VALUES (2, 1)");
        database.Execute("INSERT INTO events (event_type, message) VALUES ('heartbeat', NULL)");
        database.Execute("UPDATE pull_requests SET pr_number = 5000000000 WHERE pr_number = 42");
        database.Execute("DELETE FROM tasks WHERE id = 1");
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM tasks"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM task_dependencies"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM project_tasks"));
    }

    [Fact]
    public void v2_goes_down_to_an_exact_v1_and_up_again()
    {
        var (database, migrator) = PopulatedAtVersion1();
        var counts = Counts(database);
        var v1 = database.Catalog();
        migrator.Up();

        var reverted = migrator.Down(1);

        Assert.Equal(new long[] { 2 }, reverted.Select(s => s.Version));
        Assert.Equal(counts, Counts(database));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM context_sessions WHERE max_tokens = 200000"));
        database.AssertIntegrity();
        Assert.Equal(v1, database.Catalog());
        Assert.Equal(FreshCatalog(1), v1);

        migrator.Up();
        Assert.Equal(counts, Counts(database));
        Assert.Equal(FreshCatalog(null), database.Catalog());
    }

    [Fact]
    public void Rows_version_1_refuses_take_the_declared_way_back_down_to_1_and_0_and_up_again()
    {
        var (database, migrator) = PopulatedAtVersion1();
        var v1 = database.Catalog();
        migrator.Up();
        database.Execute("INSERT INTO events (event_type, message) VALUES ('heartbeat', NULL)");
        database.Execute("UPDATE tasks SET status = 'review' WHERE id = 1");
        var counts = Counts(database);

        migrator.Down(1);

        Assert.Equal(counts, Counts(database));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM events WHERE event_type = 'heartbeat' AND message = 'heartbeat'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM tasks WHERE id = 1 AND status = 'in_progress'"));
        database.AssertIntegrity();
        Assert.Equal(v1, database.Catalog());

        migrator.Up();
        database.Execute("INSERT INTO events (event_type, message) VALUES ('heartbeat', NULL)");
        migrator.Down(0);

        Assert.DoesNotContain(database.Tables(), t => Tables.Contains(t));
        migrator.Up();
        Assert.Equal(FreshCatalog(null), database.Catalog());
    }

    [Fact]
    public void A_downgrade_blocked_by_rows_version_1_cannot_hold_names_them_and_changes_nothing()
    {
        var (database, migrator) = PopulatedAtVersion1();
        migrator.Up();
        database.Execute("INSERT INTO events (event_type, message) VALUES ('heartbeat', NULL)");
        database.Execute("UPDATE pull_requests SET pr_number = 5000000000 WHERE pr_number = 42");
        var v2 = database.Catalog();

        var (code, output) = MigratorProcess.Run(database.Options, "down", "--to", "1");

        Assert.Equal(SchemaCommandLine.Failed, code);
        Assert.Contains("Cannot go down from version 2 to 1: column 'pr_number' of table 'pull_requests' would hold a value outside the integer range in 1 row, " +
                        "which version 1 does not allow.", output);
        Assert.Contains("'downBackfill: refuse' for column 'pull_requests.pr_number': change or delete these rows first.", output);
        Assert.DoesNotContain("agenthive_new_", output);
        Assert.Equal(new[] { true, true }, migrator.Status().Select(s => s.Applied));
        Assert.Equal(v2, database.Catalog());
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM events WHERE message IS NULL"));

        database.Execute("UPDATE pull_requests SET pr_number = 42 WHERE pr_number = 5000000000");
        migrator.Down(0);
        Assert.Equal(new[] { false, false }, migrator.Status().Select(s => s.Applied));
    }

    private (TestDatabase Database, SchemaMigrator Migrator) PopulatedAtVersion1()
    {
        var database = Track(NewDatabase());
        var migrator = new SchemaMigrator(database.Options, AgentHiveBuild.Assembly);
        migrator.Up(1);
        foreach (var sql in Version1Rows)
        {
            database.Execute(sql);
        }

        database.AssertIntegrity();
        return (database, migrator);
    }

    // Written against version 1 as it shipped, so plain SQL rather than today's entities.
    private static readonly string[] Version1Rows =
    {
        "INSERT INTO agents (name, agent_type, configuration) VALUES ('orchestrator-1', 'orchestrator', '{\"model\":\"large\"}')",
        "INSERT INTO agents (name, agent_type, worktree_path) VALUES ('worker-1', 'worker', '/work/w1')",
        "INSERT INTO agent_messages (from_agent_id, to_agent_id, message_type, priority, payload) VALUES (1, 2, 'task_assignment', 2, '{\"task_id\":1}')",
        "INSERT INTO agent_messages (to_agent_id, message_type) VALUES (2, 'heartbeat')",
        "INSERT INTO projects (name) VALUES ('hive')",
        "INSERT INTO tasks (title, agent_id) VALUES ('parent', 1)",
        "INSERT INTO tasks (title, parent_task_id, agent_id) VALUES ('child', 1, 2)",
        "INSERT INTO project_tasks (project_id, task_id) VALUES (1, 1), (1, 2)",
        "INSERT INTO context_sessions (agent_id, task_id, input_tokens, max_tokens, usage_percent) VALUES (2, 2, 1000, 200000, 0.5)",
        "INSERT INTO memory_snapshots (session_id, agent_id, memory_type, content, content_hash) VALUES (1, 2, 'episodic', 'learned', 'h1')",
        "INSERT INTO performance_metrics (agent_id, task_id, metric_name, metric_value) VALUES (2, 2, 'latency_ms', 8.5)",
        "INSERT INTO checkpoints (agent_id, task_id, session_id, state) VALUES (2, 2, 1, '{\"step\":3}')",
        "INSERT INTO git_state (agent_id, worktree_path, branch) VALUES (2, '/work/w1', 'feature/x')",
        "INSERT INTO pull_requests (pr_number, task_id, agent_id, project_id, title, branch) VALUES (42, 2, 2, 1, 'Feature', 'feature/x')",
        "INSERT INTO configurations (agent_id, category, key, value) VALUES (1, 'llm', 'model', '\"large\"')",
        "INSERT INTO events (event_type, severity, agent_id, task_id, message, correlation_id) VALUES ('task.started', 'info', 2, 2, 'Started', 'c-1')",
        "UPDATE tasks SET status = 'assigned' WHERE id = 1",
        "UPDATE tasks SET status = 'in_progress' WHERE id = 1",
    };

    private static IReadOnlyList<long> Counts(TestDatabase database) =>
        Tables.Select(t => database.Scalar($"SELECT COUNT(*) FROM \"{t}\"")).ToList();

    private IReadOnlyList<string> FreshCatalog(long? version)
    {
        var fresh = Track(NewDatabase());
        new SchemaMigrator(fresh.Options, AgentHiveBuild.Assembly).Up(version);
        return fresh.Catalog();
    }

    private TestDatabase Track(TestDatabase database)
    {
        _databases.Add(database);
        return database;
    }
}

public sealed class SqliteAgentHiveUpgradeTests : AgentHiveUpgradeContract
{
    protected override TestDatabase NewDatabase() => new SqliteTestDatabase();

    [Fact]
    public void An_upgrade_that_would_leave_an_orphan_is_rolled_back_by_the_foreign_key_check()
    {
        using var database = new SqliteTestDatabase();
        var migrator = new SchemaMigrator(database.Options, AgentHiveBuild.Assembly);
        migrator.Up(1);
        using (var connection = database.Open())
        {
            // An orphan slipped in while foreign keys were off: the rebuild of tasks in version 2 must not bless it.
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA foreign_keys = OFF; INSERT INTO tasks (title, agent_id) VALUES ('orphan', 999);";
            command.ExecuteNonQuery();
        }

        var error = Assert.ThrowsAny<Exception>(() => migrator.Up());

        Assert.Contains("Version 2 would leave a row of 'tasks'", error.ToString());
        Assert.Equal(new[] { true, false }, migrator.Status().Select(s => s.Applied));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM pragma_table_info('context_sessions') WHERE name = 'max_tokens'"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM tasks WHERE title = 'orphan'"));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAgentHiveUpgradeTests : AgentHiveUpgradeContract
{
    private readonly PostgresServer _server;

    public PostgresAgentHiveUpgradeTests(PostgresServer server) => _server = server;

    protected override TestDatabase NewDatabase() => new PostgresTestDatabase(_server);
}
