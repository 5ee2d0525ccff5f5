using System;
using System.Data.Common;
using System.Linq;
using AgentHive.Entities;
using Xunit;

namespace AgentHive.Tests.Database;

/// <summary>
/// Each integrity rule of the Agent Hive schema, attempted for real: the valid write goes in and the
/// invalid one is refused by the database itself (plain SQL, no C# check in between).
/// </summary>
public abstract class IntegrityContract : MigrationContract
{
    protected IntegrityContract(TestDatabase database)
        : base(database)
    {
    }

    [Fact]
    public void Illegal_status_transition_is_rejected_with_table_and_states_named()
    {
        Migrator.Up();
        var task = InsertTask("Transition me");

        var error = Assert.ThrowsAny<DbException>(() => Database.Execute($"UPDATE tasks SET status = 'completed' WHERE id = {task}"));

        Assert.Contains("tasks.status: illegal transition from 'pending' to 'completed'", error.Message);
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM tasks WHERE id = {task} AND status = 'pending'"));
    }

    [Fact]
    public void Legal_path_is_accepted_and_terminal_state_is_final()
    {
        Migrator.Up();
        var task = InsertTask("Walk the happy path");

        foreach (var state in new[] { "assigned", "in_progress", "blocked", "in_progress", "completed" })
        {
            Database.Execute($"UPDATE tasks SET status = '{state}' WHERE id = {task}");
        }

        Database.Execute($"UPDATE tasks SET status = status, title = 'same state is no transition' WHERE id = {task}");
        var error = Assert.ThrowsAny<DbException>(() => Database.Execute($"UPDATE tasks SET status = 'pending' WHERE id = {task}"));
        Assert.Contains("illegal transition from 'completed' to 'pending'", error.Message);
    }

    [Fact]
    public void Insert_in_a_non_initial_state_is_rejected()
    {
        Migrator.Up();

        var error = Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO tasks (title, status) VALUES ('born done', 'completed')"));

        Assert.Contains("tasks.status: cannot insert in state 'completed'", error.Message);
        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM tasks"));
        Database.Execute("INSERT INTO agents (name, agent_type, status) VALUES ('starts-offline', 'worker', 'offline')");
        Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO agents (name, agent_type, status) VALUES ('starts-busy', 'worker', 'busy')"));
    }

    [Fact]
    public void Generated_transition_rules_match_the_database()
    {
        Migrator.Up();
        var states = Enum.GetValues<AgentTaskStatus>();

        foreach (var from in states)
        {
            foreach (var to in states)
            {
                var task = InsertTask($"{from}->{to}");
                if (!TryWalkTo(task, from))
                {
                    continue;
                }

                var accepted = TryExecute($"UPDATE tasks SET status = '{to.ToDbValue()}' WHERE id = {task}");
                Assert.True(accepted == AgentTaskStatusTransitions.CanTransition(from, to),
                    $"{from} -> {to}: database {(accepted ? "accepted" : "refused")}, C# says {AgentTaskStatusTransitions.CanTransition(from, to)}");
            }
        }

        Assert.True(AgentTaskStatusTransitions.IsInitial(AgentTaskStatus.Pending));
        Assert.False(AgentTaskStatusTransitions.IsInitial(AgentTaskStatus.Completed));
        Assert.True(AgentTaskStatusTransitions.IsTerminal(AgentTaskStatus.Completed));
        Assert.False(AgentTaskStatusTransitions.IsTerminal(AgentTaskStatus.Failed));
    }

    [Fact]
    public void Json_of_the_wrong_shape_is_rejected()
    {
        Migrator.Up();

        Database.Execute("INSERT INTO agents (name, agent_type, configuration) VALUES ('object-config', 'worker', '{\"model\":\"small\"}')");
        var array = Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO agents (name, agent_type, configuration) VALUES ('array-config', 'worker', '[1, 2]')"));
        Assert.Contains("ck_agents_configuration_shape", array.Message);
        Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO agents (name, agent_type, configuration) VALUES ('scalar-config', 'worker', '42')"));
        Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO agents (name, agent_type, configuration) VALUES ('broken-config', 'worker', '{\"model\":')"));
        Assert.Equal(1, Database.Scalar("SELECT COUNT(*) FROM agents"));
    }

    [Fact]
    public void Values_outside_their_ranges_are_rejected()
    {
        Migrator.Up();
        Database.Execute("INSERT INTO agents (name, agent_type) VALUES ('a', 'worker')");
        Database.Execute("INSERT INTO context_sessions (agent_id, context_window_tokens) VALUES (1, 1000)");

        Assert.ThrowsAny<DbException>(() => Database.Execute("UPDATE context_sessions SET usage_percent = 100.5"));
        Assert.ThrowsAny<DbException>(() => Database.Execute("UPDATE context_sessions SET input_tokens = -1"));
        Assert.ThrowsAny<DbException>(() => Database.Execute("UPDATE context_sessions SET context_window_tokens = 0"));
        Assert.ThrowsAny<DbException>(() => Database.Execute(
            "INSERT INTO memory_snapshots (session_id, agent_id, memory_type, content, content_hash, importance_score) VALUES (1, 1, 'semantic', 'x', 'h', 1.5)"));
        Database.Execute("UPDATE context_sessions SET usage_percent = 100, input_tokens = 0");
        Assert.Equal(1, Database.Scalar("SELECT COUNT(*) FROM context_sessions WHERE usage_percent = 100"));
    }

    [Fact]
    public void Declared_checks_are_enforced()
    {
        Migrator.Up();
        Database.Execute("INSERT INTO pull_requests (pr_number, title, branch) VALUES (7, 'A change', 'feature/a')");

        var merged = Assert.ThrowsAny<DbException>(() => Database.Execute("UPDATE pull_requests SET merged_at = created_at WHERE pr_number = 7"));
        Assert.Contains("ck_pull_requests_merged_at", merged.Message);
        Database.Execute("INSERT INTO agents (name, agent_type) VALUES ('git-agent', 'worker')");
        var emptyBranch = Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO git_state (agent_id, worktree_path, branch) VALUES (1, '/w', '')"));
        Assert.Contains("ck_git_state_branch_not_empty", emptyBranch.Message);
        Database.Execute("INSERT INTO git_state (agent_id, worktree_path, branch) VALUES (1, '/w', 'main')");
        Database.Execute("UPDATE pull_requests SET status = 'approved' WHERE pr_number = 7");
        Database.Execute("UPDATE pull_requests SET status = 'merged', merged_at = updated_at WHERE pr_number = 7");
        Assert.Equal(1, Database.Scalar("SELECT COUNT(*) FROM pull_requests WHERE merged_at IS NOT NULL"));
        var early = Assert.ThrowsAny<DbException>(() => Database.Execute(
            "INSERT INTO agent_messages (to_agent_id, message_type, sent_at, delivered_at) VALUES (1, 'request', '2024-01-02 00:00:00+00:00', '2024-01-01 00:00:00+00:00')"));
        Assert.Contains("ck_agent_messages_delivered_after_sent", early.Message);
    }

    [Fact]
    public void Auto_update_timestamp_moves_on_update()
    {
        Migrator.Up();
        using var connection = Database.Open();
        var old = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var task = new AgentHive.Entities.AgentTask { Title = "Old task", CreatedAt = old, UpdatedAt = old };
        var id = Insert(connection, AgentHive.Entities.AgentTask.SqliteInsertSql, AgentHive.Entities.AgentTask.PostgresInsertSql, task.AddInsertParameters);
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM tasks WHERE id = {id} AND updated_at = created_at"));

        Database.Execute($"UPDATE tasks SET title = 'Renamed task' WHERE id = {id}");

        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM tasks WHERE id = {id} AND updated_at > created_at"));
    }

    [Fact]
    public void Catalog_shows_partial_covering_and_expression_indexes_and_triggers()
    {
        Migrator.Up();

        var queue = Database.DescribeIndex("ix_tasks_queue");
        Assert.True(queue.Partial);
        Assert.Equal(new[] { "priority", "created_at" }, queue.Keys);

        var dashboard = Database.DescribeIndex("ix_agents_status_type");
        Assert.False(dashboard.Partial);
        Assert.Equal(new[] { "name", "last_heartbeat_at" }, ExpectedIncluded(dashboard, 2));

        var byTask = Database.DescribeIndex("ix_agent_messages_payload_task_id");
        Assert.Equal(new[] { "(expression)" }, byTask.Keys);
        Assert.False(byTask.Partial); // 'payload IS NOT NULL' on a NOT NULL column made SQLite ignore it

        var triggers = Database.Triggers();
        Assert.Contains("tr_tasks_status_transition", triggers);
        Assert.Contains("tr_tasks_touch", triggers);
        Assert.Contains("tr_pull_requests_status_transition", triggers);
    }

    /// <summary>PostgreSQL lists INCLUDE columns apart; SQLite appends them to the keys.</summary>
    protected abstract string[] ExpectedIncluded(IndexShape shape, int keyCount);

    private long InsertTask(string title)
    {
        using var connection = Database.Open();
        var task = new AgentHive.Entities.AgentTask { Title = title };
        return Insert(connection, AgentHive.Entities.AgentTask.SqliteInsertSql, AgentHive.Entities.AgentTask.PostgresInsertSql, task.AddInsertParameters)!.Value;
    }

    /// <summary>Moves a new task to <paramref name="target"/> along legal transitions; false if none leads there.</summary>
    private bool TryWalkTo(long task, AgentTaskStatus target)
    {
        var path = target switch
        {
            AgentTaskStatus.Pending => Array.Empty<string>(),
            AgentTaskStatus.Assigned => new[] { "assigned" },
            AgentTaskStatus.InProgress => new[] { "assigned", "in_progress" },
            AgentTaskStatus.Blocked => new[] { "assigned", "in_progress", "blocked" },
            AgentTaskStatus.Completed => new[] { "assigned", "in_progress", "completed" },
            AgentTaskStatus.Failed => new[] { "assigned", "in_progress", "failed" },
            AgentTaskStatus.Cancelled => new[] { "cancelled" },
            _ => null,
        };
        if (path is null)
        {
            return false;
        }

        foreach (var state in path)
        {
            Database.Execute($"UPDATE tasks SET status = '{state}' WHERE id = {task}");
        }

        return true;
    }

    private bool TryExecute(string sql)
    {
        try
        {
            Database.Execute(sql);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }
}
