using System;
using System.Data.Common;
using System.Linq;
using AgentHive.Entities;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Migrations;
using Xunit;

namespace AgentHive.Tests.Database;

/// <summary>
/// What every backend must do with the Agent Hive schema. Expectations here are written out by hand
/// and checked against each database's own catalog, never against the generated constants.
/// </summary>
public abstract class MigrationContract : IDisposable
{
    private static readonly string[] AgentHiveTables =
    {
        "agents", "agent_messages", "projects", "tasks", "project_tasks", "context_sessions", "memory_snapshots",
        "performance_metrics", "checkpoints", "git_state", "pull_requests", "configurations", "events", "task_dependencies",
    };

    private static readonly string[] AgentHiveIndexes =
    {
        "ix_agents_status_type", "ix_agent_messages_routing", "ix_agent_messages_from_agent_id", "ix_agent_messages_correlation_id",
        "ix_projects_status", "ix_tasks_queue", "ix_tasks_agent_id_status", "ix_tasks_parent_task_id", "ix_project_tasks_task_id",
        "ix_context_sessions_agent_id_status", "ix_context_sessions_task_id", "ix_memory_snapshots_agent_id_importance",
        "ix_memory_snapshots_agent_id_content_hash", "ix_memory_snapshots_session_id", "ix_performance_metrics_agent_metric_time",
        "ix_performance_metrics_task_id", "ix_checkpoints_agent_id_created_at", "ix_checkpoints_task_id", "ix_checkpoints_session_id",
        "ix_pull_requests_status", "ix_pull_requests_project_id", "ix_pull_requests_task_id", "ix_pull_requests_agent_id",
        "ix_events_created_at", "ix_events_severity_created_at", "ix_events_agent_id_created_at", "ix_events_task_id",
        "ix_events_correlation_id", "ix_agents_heartbeat", "ix_task_dependencies_depends_on",
    };

    protected MigrationContract(TestDatabase database)
    {
        Database = database;
        Migrator = new SchemaMigrator(database.Options, AgentHiveBuild.Assembly);
    }

    protected TestDatabase Database { get; }

    protected SchemaMigrator Migrator { get; }

    public void Dispose() => Database.Dispose();

    [Fact]
    public void Up_creates_every_table_index_and_constraint()
    {
        var steps = Migrator.Up();

        Assert.Equal(new long[] { 1, 2 }, steps.Select(s => s.Version));
        var bookkeeping = new[] { AgentHiveVersionTable.Table, "agenthive_schema_history" }
            .Concat(Database is PostgresTestDatabase ? new[] { AgentHive.Runtime.Postgres.PostgresOnlineSteps.Table } : Array.Empty<string>()); // version 2 has online steps
        Assert.Equal(AgentHiveTables.Concat(bookkeeping).OrderBy(t => t), Database.Tables().OrderBy(t => t));
        var indexes = Database.Indexes();
        Assert.All(AgentHiveIndexes, index => Assert.Contains(index, indexes));
        var foreignKeys = Database.ForeignKeys();
        Assert.Contains(("tasks", "parent_task_id", "tasks", "CASCADE"), foreignKeys);
        Assert.Contains(("tasks", "agent_id", "agents", "SET NULL"), foreignKeys);
        Assert.Contains(("agent_messages", "from_agent_id", "agents", "SET NULL"), foreignKeys);
        Assert.Contains(("agent_messages", "to_agent_id", "agents", "CASCADE"), foreignKeys);
        Assert.Contains(("project_tasks", "project_id", "projects", "CASCADE"), foreignKeys);
        Assert.Contains(("project_tasks", "task_id", "tasks", "CASCADE"), foreignKeys);
        Assert.Contains(("memory_snapshots", "session_id", "context_sessions", "CASCADE"), foreignKeys);
        var checks = Database.Checks();
        Assert.Contains(("tasks", "ck_tasks_status"), checks);
        Assert.Contains(("tasks", "ck_tasks_priority_range"), checks);
        Assert.Contains(("agents", "ck_agents_status"), checks);
        Assert.Contains(("events", "ck_events_severity"), checks);
        Assert.Contains(("agent_messages", "ck_agent_messages_priority_range"), checks);
        Assert.All(Migrator.Status(), s => Assert.True(s.Applied));
    }

    [Fact]
    public void A_row_written_through_each_generated_entity_goes_in()
    {
        Migrator.Up();
        using var connection = Database.Open();

        var graph = WriteOneRowPerTable(connection);

        foreach (var table in AgentHiveTables)
        {
            Assert.True(Database.Scalar($"SELECT COUNT(*) FROM \"{table}\"") >= 1, $"{table} has no row");
        }

        Assert.Equal(5, Database.Scalar($"SELECT priority FROM tasks WHERE id = {graph.ChildTaskId}"));
        Assert.Equal(1, Database.Scalar($"SELECT COUNT(*) FROM tasks WHERE id = {graph.ChildTaskId} AND status = 'pending'"));
        Assert.Equal(1, Database.Scalar("SELECT COUNT(*) FROM agents WHERE status = 'busy' AND agent_type = 'orchestrator'"));
    }

    [Fact]
    public void Database_rejects_a_status_outside_the_enum()
    {
        Migrator.Up();
        using var connection = Database.Open();
        var graph = WriteOneRowPerTable(connection);

        Assert.ThrowsAny<DbException>(() => Database.Execute($"UPDATE tasks SET status = 'done-ish' WHERE id = {graph.ChildTaskId}"));
        Assert.ThrowsAny<DbException>(() => Database.Execute($"UPDATE tasks SET priority = 11 WHERE id = {graph.ChildTaskId}"));
        Assert.ThrowsAny<DbException>(() => Database.Execute("UPDATE events SET severity = 'apocalyptic'"));
    }

    [Fact]
    public void Database_rejects_an_orphan_foreign_key()
    {
        Migrator.Up();
        using var connection = Database.Open();

        var orphan = new AgentHive.Entities.AgentTask { Title = "orphan", AgentId = 999_999 };

        Assert.ThrowsAny<DbException>(() => Insert(connection, AgentHive.Entities.AgentTask.SqliteInsertSql, AgentHive.Entities.AgentTask.PostgresInsertSql, orphan.AddInsertParameters));
        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM tasks"));
    }

    [Fact]
    public void Database_rejects_a_duplicate_natural_key()
    {
        Migrator.Up();
        using var connection = Database.Open();
        var graph = WriteOneRowPerTable(connection);

        var samePrNumber = new PullRequest { PrNumber = graph.PrNumber, Title = "again", Branch = "feature/again" };
        var sameConfiguration = new Configuration { AgentId = graph.AgentId, Category = "llm", Key = "model", Value = "\"other\"" };

        Assert.ThrowsAny<DbException>(() => Insert(connection, PullRequest.SqliteInsertSql, PullRequest.PostgresInsertSql, samePrNumber.AddInsertParameters));
        Assert.ThrowsAny<DbException>(() => Insert(connection, Configuration.SqliteInsertSql, Configuration.PostgresInsertSql, sameConfiguration.AddInsertParameters));
    }

    [Fact]
    public void Database_rejects_malformed_json()
    {
        Migrator.Up();
        using var connection = Database.Open();

        var agent = new Agent { Name = "bad-json", AgentType = AgentType.Worker, Configuration = "{not json" };

        Assert.ThrowsAny<DbException>(() => Insert(connection, Agent.SqliteInsertSql, Agent.PostgresInsertSql, agent.AddInsertParameters));
    }

    [Fact]
    public void Deleting_a_task_cascades_to_its_children_and_junction_rows()
    {
        Migrator.Up();
        using var connection = Database.Open();
        var graph = WriteOneRowPerTable(connection);

        Database.Execute($"DELETE FROM tasks WHERE id = {graph.ParentTaskId}");

        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM tasks"));
        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM project_tasks"));
        Assert.Equal(1, Database.Scalar("SELECT COUNT(*) FROM pull_requests WHERE task_id IS NULL"));
    }

    [Fact]
    public void Down_to_zero_leaves_no_table_of_ours_and_up_works_again()
    {
        Migrator.Up();
        using (var connection = Database.Open())
        {
            WriteOneRowPerTable(connection);
        }

        var reverted = Migrator.Down(0);

        Assert.Equal(new long[] { 2, 1 }, reverted.Select(s => s.Version));
        Assert.Empty(Database.Tables().Intersect(AgentHiveTables));
        Assert.Empty(Database.Triggers());
        Assert.All(Migrator.Status(), s => Assert.False(s.Applied));

        Migrator.Up();

        Assert.Equal(AgentHiveTables.Length, Database.Tables().Intersect(AgentHiveTables).Count());
        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM agents"));
    }

    [Fact]
    public void Status_lists_pending_then_applied_versions()
    {
        var (before, _, _) = Cli("status");
        var (up, _, code) = Cli("up");
        var (after, _, _) = Cli("status");

        Assert.Matches(@"\n\s+1\s+pending\s+Agent Hive core schema", before);
        Assert.Matches(@"\n\s+2\s+pending\s+Task review and dependencies", before);
        Assert.Contains("Current version: 0; pending: 1, 2", before);
        Assert.Equal(SchemaCommandLine.Success, code);
        Assert.Contains("Applying 1: Agent Hive core schema ... done in", up);
        Assert.Contains("Applying 2: Task review and dependencies, delivery attempts, wider PR numbers ... done in", up);
        Assert.Matches(@"\n\s+1\s+applied\s+Agent Hive core schema", after);
        Assert.Contains("Current version: 2; pending: none", after);
    }

    [Fact]
    public void Script_prints_the_sql_without_running_it()
    {
        var (script, _, code) = Cli("script");

        Assert.Equal(SchemaCommandLine.Success, code);
        Assert.Contains("CREATE TABLE \"agents\" (", script);
        Assert.Contains("CREATE INDEX \"ix_agent_messages_routing\"", script);
        Assert.Contains(AgentHiveVersionTable.Table, script);
        Assert.Empty(Database.Tables().Intersect(AgentHiveTables));
        Assert.All(Migrator.Status(), s => Assert.False(s.Applied));
    }

    [Fact]
    public void Up_to_a_version_and_down_to_zero_through_the_command_line()
    {
        var (upToOne, _, upCode) = Cli("up", "--to", "1");
        var (down, _, downCode) = Cli("down", "--to", "0");

        Assert.Equal(SchemaCommandLine.Success, upCode);
        Assert.Contains("Current version: 1; pending: 2", upToOne);
        Assert.DoesNotContain("task_dependencies", string.Join(",", Database.Tables()));
        Assert.Equal(SchemaCommandLine.Success, downCode);
        Assert.Contains("Reverting 1: Agent Hive core schema ... done in", down);
        Assert.Empty(Database.Tables().Intersect(AgentHiveTables));
    }

    protected (string Output, string Error, int Code) Cli(params string[] args)
    {
        var result = Deployment.DeployCli.Run(Database.Options, args);
        return (result.Output, result.Error, result.Code);
    }

    protected long? Insert(DbConnection connection, string sqliteSql, string postgresSql, Action<DbCommand> bind)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Database.InsertSql(sqliteSql, postgresSql);
        bind(command);
        var result = command.ExecuteScalar();
        return result is null or DBNull ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    private Graph WriteOneRowPerTable(DbConnection c)
    {
        long Id(string sqlite, string postgres, Action<DbCommand> bind) => Insert(c, sqlite, postgres, bind) ?? throw new InvalidOperationException("no id returned");

        var orchestrator = new Agent { Name = "orchestrator-1", AgentType = AgentType.Orchestrator, Configuration = "{\"model\":\"large\"}", WorktreePath = "/work/orchestrator" };
        var agentId = Id(Agent.SqliteInsertSql, Agent.PostgresInsertSql, orchestrator.AddInsertParameters);
        Database.Execute($"UPDATE agents SET status = 'busy' WHERE id = {agentId}");
        var worker = new Agent { Name = "worker-1", AgentType = AgentType.Worker };
        var workerId = Id(Agent.SqliteInsertSql, Agent.PostgresInsertSql, worker.AddInsertParameters);

        var message = new AgentMessage { FromAgentId = agentId, ToAgentId = workerId, MessageType = MessageType.TaskAssignment, Priority = 2, Payload = "{\"task\":1}", CorrelationId = "c-1" };
        Id(AgentMessage.SqliteInsertSql, AgentMessage.PostgresInsertSql, message.AddInsertParameters);

        var project = new Project { Name = "hive", Description = "The hive itself", RepositoryUrl = "https://example.invalid/hive.git" };
        var projectId = Id(Project.SqliteInsertSql, Project.PostgresInsertSql, project.AddInsertParameters);

        var parent = new AgentHive.Entities.AgentTask { Title = "Build the schema", AgentId = agentId, Priority = 1 };
        var parentId = Id(AgentHive.Entities.AgentTask.SqliteInsertSql, AgentHive.Entities.AgentTask.PostgresInsertSql, parent.AddInsertParameters);
        Database.Execute($"UPDATE tasks SET status = 'assigned' WHERE id = {parentId}");
        Database.Execute($"UPDATE tasks SET status = 'in_progress' WHERE id = {parentId}");
        var child = new AgentHive.Entities.AgentTask { Title = "Write the generator", ParentTaskId = parentId, AgentId = workerId };
        var childId = Id(AgentHive.Entities.AgentTask.SqliteInsertSql, AgentHive.Entities.AgentTask.PostgresInsertSql, child.AddInsertParameters);

        var dependency = new TaskDependency { TaskId = childId, DependsOnTaskId = parentId };
        Insert(c, TaskDependency.SqliteInsertSql, TaskDependency.PostgresInsertSql, dependency.AddInsertParameters);

        var link = new ProjectTask { ProjectId = projectId, TaskId = childId };
        Insert(c, ProjectTask.SqliteInsertSql, ProjectTask.PostgresInsertSql, link.AddInsertParameters);

        var session = new ContextSession { AgentId = workerId, TaskId = childId, InputTokens = 1200, OutputTokens = 300, ContextWindowTokens = 200_000, UsagePercent = 0.75 };
        var sessionId = Id(ContextSession.SqliteInsertSql, ContextSession.PostgresInsertSql, session.AddInsertParameters);

        var snapshot = new MemorySnapshot { SessionId = sessionId, AgentId = workerId, MemoryType = MemoryType.Episodic, Content = "Learned the schema", ContentHash = "abc123", ImportanceScore = 0.9 };
        Id(MemorySnapshot.SqliteInsertSql, MemorySnapshot.PostgresInsertSql, snapshot.AddInsertParameters);

        var metric = new PerformanceMetric { AgentId = workerId, TaskId = childId, MetricName = "latency_ms", MetricValue = 8.5, Unit = "ms" };
        Id(PerformanceMetric.SqliteInsertSql, PerformanceMetric.PostgresInsertSql, metric.AddInsertParameters);

        var checkpoint = new Checkpoint { AgentId = workerId, TaskId = childId, SessionId = sessionId, Label = "before refactor", State = "{\"step\":3}" };
        Id(Checkpoint.SqliteInsertSql, Checkpoint.PostgresInsertSql, checkpoint.AddInsertParameters);

        var git = new GitState { AgentId = workerId, WorktreePath = "/work/worker-1", Branch = "feature/schema", CommitSha = "0123abcd", IsDirty = true, AheadBy = 2 };
        Id(GitState.SqliteInsertSql, GitState.PostgresInsertSql, git.AddInsertParameters);

        var pr = new PullRequest { PrNumber = 42, ProjectId = projectId, TaskId = childId, AgentId = workerId, Title = "Schema generator", Branch = "feature/schema" };
        Id(PullRequest.SqliteInsertSql, PullRequest.PostgresInsertSql, pr.AddInsertParameters);

        var configuration = new Configuration { AgentId = agentId, Category = "llm", Key = "model", Value = "\"large\"" };
        Id(Configuration.SqliteInsertSql, Configuration.PostgresInsertSql, configuration.AddInsertParameters);

        var hiveEvent = new Event { EventType = "task.started", Severity = EventSeverity.Warning, AgentId = workerId, TaskId = childId, Message = "Started", Details = "{\"attempt\":1}", CorrelationId = "c-1" };
        Id(Event.SqliteInsertSql, Event.PostgresInsertSql, hiveEvent.AddInsertParameters);

        return new Graph(agentId, parentId, childId, pr.PrNumber);
    }

    private sealed record Graph(long AgentId, long ParentTaskId, long ChildTaskId, long PrNumber);
}
