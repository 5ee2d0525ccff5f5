using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using AgentHive.Entities;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.DataAccess;

/// <summary>
/// Every Agent Hive table through the generated data access, on a real database: insert, read back by
/// key and by each unique key, exists, update, delete, batch loads and the caller's transaction. No SQL
/// and no mapping of the test's own.
/// </summary>
public abstract class AgentHiveDataContract : IDisposable
{
    // Microsecond precision and a non-UTC offset: the stored instant must come back exactly.
    protected static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1_234_560);
    protected static readonly DateTimeOffset T1 = T0.AddMinutes(90).AddTicks(10);

    protected AgentHiveDataContract(TestDatabase database, IReadOnlyList<string> create)
    {
        Database = database;
        foreach (var statement in create)
        {
            Database.Execute(statement);
        }

        Connection = Database.Open();
        Db = new AgentHiveDatabase(Connection);
    }

    protected TestDatabase Database { get; }

    protected DbConnection Connection { get; }

    protected AgentHiveDatabase Db { get; }

    public void Dispose()
    {
        Db.Dispose();
        Connection.Dispose();
        Database.Dispose();
    }

    protected long NewAgent(string name = "agent-1") =>
        Db.Agents.Insert(new Agent { Name = name, AgentType = AgentType.Worker, CreatedAt = T0, UpdatedAt = T0 });

    protected long NewTask(string title = "task", long? parent = null) =>
        Db.Tasks.Insert(new AgentTask { Title = title, ParentTaskId = parent, CreatedAt = T0, UpdatedAt = T0 });

    [Fact]
    public void Agents_round_trip_by_key_and_unique_name()
    {
        var row = new Agent
        {
            Name = "planner-1", AgentType = AgentType.Planner, Status = AgentStatus.Offline, Configuration = "{\"model\": \"large\"}",
            WorktreePath = "/wt/planner-1", LastHeartbeatAt = T1, CreatedAt = T0, UpdatedAt = T0,
        };
        var id = Db.Agents.Insert(row);
        var stored = row with { Id = id };

        Assert.Equal(stored, Db.Agents.Get(id));
        Assert.Equal(stored, Db.Agents.GetByName("planner-1"));
        Assert.Null(Db.Agents.GetByName("nobody"));
        Assert.True(Db.Agents.Exists(id));

        var changed = stored with { Status = AgentStatus.Idle, WorktreePath = null, LastHeartbeatAt = null, Configuration = "{}" };
        Assert.True(Db.Agents.Update(changed));
        var read = Db.Agents.Get(id)!;
        Assert.Equal(changed with { UpdatedAt = read.UpdatedAt }, read);
        Assert.True(read.UpdatedAt > T0, "the database keeps updated_at current");

        Assert.True(Db.Agents.Delete(id));
        Assert.False(Db.Agents.Exists(id));
        Assert.Null(Db.Agents.Get(id));
        Assert.False(Db.Agents.Delete(id));
        Assert.False(Db.Agents.Update(changed));
    }

    [Fact]
    public void Agent_messages_round_trip()
    {
        var from = NewAgent("from");
        var to = NewAgent("to");
        var row = new AgentMessage
        {
            FromAgentId = from, ToAgentId = to, MessageType = MessageType.Request, Priority = 2, Attempts = 1,
            Payload = "{\"task_id\": 42}", CorrelationId = "corr-1", SentAt = T0, DeliveredAt = null,
        };
        var id = Db.AgentMessages.Insert(row);
        Assert.Equal(row with { Id = id }, Db.AgentMessages.Get(id));

        var changed = row with { Id = id, Status = MessageStatus.Delivered, DeliveredAt = T1, FromAgentId = null, Attempts = 2 };
        Assert.True(Db.AgentMessages.Update(changed));
        Assert.Equal(changed, Db.AgentMessages.Get(id));
        Assert.True(Db.AgentMessages.Exists(id));
        Assert.True(Db.AgentMessages.Delete(id));
        Assert.False(Db.AgentMessages.Exists(id));
    }

    [Fact]
    public void Projects_round_trip_by_key_and_unique_name()
    {
        var row = new Project { Name = "hive", Description = "the hive", RepositoryUrl = "https://example.org/hive.git", Metadata = "{\"a\": 1}", CreatedAt = T0, UpdatedAt = T0 };
        var id = Db.Projects.Insert(row);
        Assert.Equal(row with { Id = id }, Db.Projects.Get(id));
        Assert.Equal(row with { Id = id }, Db.Projects.GetByName("hive"));

        var changed = row with { Id = id, Status = ProjectStatus.Paused, Description = null };
        Assert.True(Db.Projects.Update(changed));
        var read = Db.Projects.Get(id)!;
        Assert.Equal(changed with { UpdatedAt = read.UpdatedAt }, read);
        Assert.True(Db.Projects.Delete(id));
        Assert.Null(Db.Projects.GetByName("hive"));
    }

    [Fact]
    public void Tasks_round_trip_with_parent_and_agent()
    {
        var agent = NewAgent();
        var parent = NewTask("parent");
        var row = new AgentTask
        {
            ParentTaskId = parent, AgentId = agent, Title = "child", Description = "does things", Priority = 1,
            Context = "{\"k\": \"v\"}", Result = null, CreatedAt = T0, StartedAt = null, CompletedAt = null, UpdatedAt = T0,
        };
        var id = Db.Tasks.Insert(row);
        Assert.Equal(row with { Id = id }, Db.Tasks.Get(id));

        var changed = row with { Id = id, Status = AgentTaskStatus.Assigned, StartedAt = T1, Result = "[1, 2]", Description = null };
        Assert.True(Db.Tasks.Update(changed));
        var read = Db.Tasks.Get(id)!;
        Assert.Equal(changed with { UpdatedAt = read.UpdatedAt }, read);
        Assert.True(Db.Tasks.Exists(id));
        Assert.True(Db.Tasks.Delete(parent));
        Assert.False(Db.Tasks.Exists(id), "the child went with its parent (ON DELETE CASCADE)");
    }

    [Fact]
    public void Project_tasks_round_trip_by_composite_key()
    {
        var project = Db.Projects.Insert(new Project { Name = "p", CreatedAt = T0, UpdatedAt = T0 });
        var task = NewTask();
        var row = new ProjectTask { ProjectId = project, TaskId = task, AddedAt = T0 };

        Assert.Equal((project, task), Db.ProjectTasks.Insert(row));
        Assert.Equal(row, Db.ProjectTasks.Get(project, task));
        Assert.True(Db.ProjectTasks.Exists(project, task));
        Assert.False(Db.ProjectTasks.Exists(task, project + 1000));

        Assert.True(Db.ProjectTasks.Update(row with { AddedAt = T1 }));
        Assert.Equal(row with { AddedAt = T1 }, Db.ProjectTasks.Get(project, task));
        Assert.True(Db.ProjectTasks.Delete(project, task));
        Assert.Null(Db.ProjectTasks.Get(project, task));
    }

    [Fact]
    public void Task_dependencies_round_trip_by_composite_key()
    {
        var first = NewTask("first");
        var second = NewTask("second");
        var row = new TaskDependency { TaskId = second, DependsOnTaskId = first, CreatedAt = T0 };

        Assert.Equal((second, first), Db.TaskDependencies.Insert(row));
        Assert.Equal(row, Db.TaskDependencies.Get(second, first));
        Assert.True(Db.TaskDependencies.Update(row with { CreatedAt = T1 }));
        Assert.Equal(row with { CreatedAt = T1 }, Db.TaskDependencies.Get(second, first));
        Assert.True(Db.TaskDependencies.Delete(second, first));
        Assert.False(Db.TaskDependencies.Exists(second, first));
    }

    [Fact]
    public void Context_sessions_memory_and_checkpoints_round_trip()
    {
        var agent = NewAgent();
        var task = NewTask();
        var session = new ContextSession
        {
            AgentId = agent, TaskId = task, InputTokens = 10_000_000_000, OutputTokens = 7, ContextWindowTokens = 200_000, UsagePercent = 12.5,
            Summary = "so far", StartedAt = T0, EndedAt = null,
        };
        var sessionId = Db.ContextSessions.Insert(session);
        Assert.Equal(session with { Id = sessionId }, Db.ContextSessions.Get(sessionId));
        var closed = session with { Id = sessionId, Status = SessionStatus.Closed, EndedAt = T1, TaskId = null };
        Assert.True(Db.ContextSessions.Update(closed));
        Assert.Equal(closed, Db.ContextSessions.Get(sessionId));

        var memory = new MemorySnapshot
        {
            SessionId = sessionId, AgentId = agent, MemoryType = MemoryType.Episodic, Content = "remember", ContentHash = "h1",
            ImportanceScore = 0.875, Metadata = "{}", CreatedAt = T0, LastAccessedAt = T1,
        };
        var memoryId = Db.MemorySnapshots.Insert(memory);
        Assert.Equal(memory with { Id = memoryId }, Db.MemorySnapshots.Get(memoryId));
        Assert.True(Db.MemorySnapshots.Update(memory with { Id = memoryId, LastAccessedAt = null, ImportanceScore = 0.25 }));
        Assert.Equal(memory with { Id = memoryId, LastAccessedAt = null, ImportanceScore = 0.25 }, Db.MemorySnapshots.Get(memoryId));

        var checkpoint = new Checkpoint { AgentId = agent, TaskId = task, SessionId = sessionId, Label = "before", State = "{\"step\": 3}", CreatedAt = T0 };
        var checkpointId = Db.Checkpoints.Insert(checkpoint);
        Assert.Equal(checkpoint with { Id = checkpointId }, Db.Checkpoints.Get(checkpointId));
        Assert.True(Db.Checkpoints.Update(checkpoint with { Id = checkpointId, Label = null, SessionId = null }));
        Assert.Equal(checkpoint with { Id = checkpointId, Label = null, SessionId = null }, Db.Checkpoints.Get(checkpointId));

        Assert.True(Db.MemorySnapshots.Delete(memoryId));
        Assert.True(Db.Checkpoints.Delete(checkpointId));
        Assert.True(Db.ContextSessions.Delete(sessionId));
        Assert.False(Db.ContextSessions.Exists(sessionId));
    }

    [Fact]
    public void Metrics_git_state_and_events_round_trip()
    {
        var agent = NewAgent();
        var task = NewTask();
        var metric = new PerformanceMetric { AgentId = agent, TaskId = task, MetricName = "latency", MetricValue = 1.5e-3, Unit = "s", Tags = "{}", RecordedAt = T0 };
        var metricId = Db.PerformanceMetrics.Insert(metric);
        Assert.Equal(metric with { Id = metricId }, Db.PerformanceMetrics.Get(metricId));
        Assert.True(Db.PerformanceMetrics.Update(metric with { Id = metricId, Unit = null, MetricValue = -2 }));
        Assert.Equal(metric with { Id = metricId, Unit = null, MetricValue = -2 }, Db.PerformanceMetrics.Get(metricId));
        Assert.True(Db.PerformanceMetrics.Delete(metricId));

        var git = new GitState { AgentId = agent, WorktreePath = "/wt/1", Branch = "main", CommitSha = "abc", IsDirty = true, AheadBy = 3, BehindBy = 0, UpdatedAt = T0 };
        var gitId = Db.GitState.Insert(git);
        Assert.Equal(git with { Id = gitId }, Db.GitState.Get(gitId));
        Assert.Equal(git with { Id = gitId }, Db.GitState.GetByAgentIdAndWorktreePath(agent, "/wt/1"));
        Assert.Null(Db.GitState.GetByAgentIdAndWorktreePath(agent, "/wt/2"));
        Assert.True(Db.GitState.Update(git with { Id = gitId, IsDirty = false, CommitSha = null }));
        var readGit = Db.GitState.Get(gitId)!;
        Assert.Equal(git with { Id = gitId, IsDirty = false, CommitSha = null, UpdatedAt = readGit.UpdatedAt }, readGit);
        Assert.True(Db.GitState.Delete(gitId));

        var ev = new Event { EventType = "deploy", Severity = EventSeverity.Critical, AgentId = agent, TaskId = null, Message = "it broke", Details = "{\"code\": 7}", CorrelationId = "c", CreatedAt = T0 };
        var eventId = Db.Events.Insert(ev);
        Assert.Equal(ev with { Id = eventId }, Db.Events.Get(eventId));
        Assert.True(Db.Events.Update(ev with { Id = eventId, Message = null, Severity = EventSeverity.Debug }));
        Assert.Equal(ev with { Id = eventId, Message = null, Severity = EventSeverity.Debug }, Db.Events.Get(eventId));
        Assert.True(Db.Events.Delete(eventId));
        Assert.False(Db.Events.Exists(eventId));
    }

    [Fact]
    public void Pull_requests_and_configurations_round_trip_by_unique_keys()
    {
        var agent = NewAgent();
        var project = Db.Projects.Insert(new Project { Name = "p", CreatedAt = T0, UpdatedAt = T0 });
        var pr = new PullRequest { PrNumber = 5_000_000_000, ProjectId = project, AgentId = agent, Title = "Add it", Branch = "feature", Url = "https://x", CreatedAt = T0, UpdatedAt = T0 };
        var prId = Db.PullRequests.Insert(pr);
        Assert.Equal(pr with { Id = prId }, Db.PullRequests.Get(prId));
        Assert.Equal(pr with { Id = prId }, Db.PullRequests.GetByPrNumber(5_000_000_000));
        var approved = pr with { Id = prId, Status = PrStatus.Approved };
        Assert.True(Db.PullRequests.Update(approved));
        var merged = approved with { Status = PrStatus.Merged, MergedAt = T1 };
        Assert.True(Db.PullRequests.Update(merged));
        var readPr = Db.PullRequests.Get(prId)!;
        Assert.Equal(merged with { UpdatedAt = readPr.UpdatedAt }, readPr);
        Assert.True(Db.PullRequests.Delete(prId));

        var config = new Configuration { AgentId = agent, Category = "llm", Key = "model", Value = "\"large\"", Description = "which model", UpdatedAt = T0 };
        var configId = Db.Configurations.Insert(config);
        Assert.Equal(config with { Id = configId }, Db.Configurations.Get(configId));
        Assert.Equal(config with { Id = configId }, Db.Configurations.GetByAgentIdAndCategoryAndKey(agent, "llm", "model"));
        Assert.True(Db.Configurations.Update(config with { Id = configId, Value = "[1]", Description = null }));
        var readConfig = Db.Configurations.GetByAgentIdAndCategoryAndKey(agent, "llm", "model")!;
        Assert.Equal(config with { Id = configId, Value = "[1]", Description = null, UpdatedAt = readConfig.UpdatedAt }, readConfig);
        Assert.True(Db.Configurations.Delete(configId));
        Assert.False(Db.Configurations.Exists(configId));
    }

    [Fact]
    public void Explicit_id_is_stored_and_later_ids_do_not_collide()
    {
        Assert.Equal(1000, Db.Agents.Insert(new Agent { Id = 1000, Name = "imported", AgentType = AgentType.Worker }));
        var next = NewAgent("after");
        Assert.True(next > 1000, $"next id {next} must come after the imported one");
        Assert.Equal("imported", Db.Agents.Get(1000)!.Name);
    }

    [Fact]
    public void Update_without_an_id_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Db.Agents.Update(new Agent { Name = "x", AgentType = AgentType.Worker }));
        Assert.Contains("has no Id", error.Message);
    }

    [Fact]
    public void Insert_many_loads_thousands_of_rows_of_every_kind()
    {
        var agent = NewAgent();
        var tasks = Enumerable.Range(0, 3000)
            .Select(i => new AgentTask { Title = $"t{i}", AgentId = i % 2 == 0 ? agent : null, Priority = 1 + (i % 10), CreatedAt = T0.AddTicks(i * 10), UpdatedAt = T0 })
            .ToList();

        Assert.Equal(3000, Db.Tasks.InsertMany(tasks));

        Assert.Equal(3000, Database.Scalar("SELECT COUNT(*) FROM tasks"));
        var first = Database.Scalar("SELECT MIN(id) FROM tasks");
        Assert.Equal(tasks[1234] with { Id = first + 1234 }, Db.Tasks.Get(first + 1234));

        var links = Enumerable.Range(0, 100).Select(i => new TaskDependency { TaskId = first + i + 1, DependsOnTaskId = first + i, CreatedAt = T1 }).ToList();
        Assert.Equal(100, Db.TaskDependencies.InsertMany(links));
        Assert.Equal(links[99], Db.TaskDependencies.Get(first + 100, first + 99));
    }

    [Fact]
    public void Insert_many_returning_ids_gives_each_row_its_id_in_order()
    {
        var agents = Enumerable.Range(0, 1200).Select(i => new Agent { Name = $"a{i}", AgentType = AgentType.Specialist, CreatedAt = T0, UpdatedAt = T0 }).ToList();

        var ids = Db.Agents.InsertManyReturningIds(agents);

        Assert.Equal(1200, ids.Length);
        Assert.Equal(1200, ids.Distinct().Count());
        Assert.Equal("a0", Db.Agents.Get(ids[0])!.Name);
        Assert.Equal("a1199", Db.Agents.Get(ids[1199])!.Name);
    }

    [Fact]
    public void Insert_many_mixing_explicit_and_assigned_ids_keeps_both()
    {
        var rows = new[]
        {
            new Agent { Id = 500, Name = "explicit", AgentType = AgentType.Worker },
            new Agent { Name = "assigned", AgentType = AgentType.Worker },
        };

        Assert.Equal(2, Db.Agents.InsertMany(rows));

        Assert.Equal("explicit", Db.Agents.Get(500)!.Name);
        Assert.True(Db.Agents.GetByName("assigned")!.Id > 0);
        Assert.True(NewAgent("later") > 500);
    }

    [Fact]
    public void Rolled_back_transaction_leaves_nothing()
    {
        var agent = NewAgent();
        using (var transaction = Db.BeginTransaction())
        {
            NewTask("single");
            Db.Tasks.InsertMany(Enumerable.Range(0, 50).Select(i => new AgentTask { Title = $"t{i}", AgentId = agent }).ToList());
            Db.Agents.Update(new Agent { Id = agent, Name = "renamed", AgentType = AgentType.Worker });
            Assert.Equal(51, Db.Tasks.InsertManyReturningIds(new[] { new AgentTask { Title = "one more" } }).Length + 50);
            transaction.Rollback();
        }

        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM tasks"));
        Assert.Equal("agent-1", Db.Agents.Get(agent)!.Name);
        Assert.Null(Db.Transaction);

        // The commands work outside a transaction again, and inside one the caller began on the connection.
        NewTask("after");
        using (var transaction = Connection.BeginTransaction())
        {
            Db.Transaction = transaction;
            Assert.True(Db.Tasks.Exists(NewTask("inside")));
            transaction.Commit();
        }

        Assert.Equal(2, Database.Scalar("SELECT COUNT(*) FROM tasks"));
    }

    [Fact]
    public async System.Threading.Tasks.Task Async_methods_read_and_write_the_same_rows()
    {
        var id = await Db.Agents.InsertAsync(new Agent { Name = "async", AgentType = AgentType.Reviewer, CreatedAt = T0, UpdatedAt = T0 });
        Assert.True(await Db.Agents.ExistsAsync(id));
        var read = await Db.Agents.GetAsync(id);
        Assert.Equal("async", read!.Name);
        Assert.Equal(read, await Db.Agents.GetByNameAsync("async"));
        Assert.True(await Db.Agents.UpdateAsync(read with { Status = AgentStatus.Busy }));
        Assert.Equal(AgentStatus.Busy, (await Db.Agents.GetAsync(id))!.Status);
        Assert.Equal(10, await Db.Tasks.InsertManyAsync(Enumerable.Range(0, 10).Select(i => new AgentTask { Title = $"t{i}" }).ToList()));
        Assert.Equal(3, (await Db.Tasks.InsertManyReturningIdsAsync(Enumerable.Range(0, 3).Select(i => new AgentTask { Title = $"u{i}" }).ToList())).Length);
        Assert.True(await Db.Agents.DeleteAsync(id));
        Assert.Null(await Db.Agents.GetAsync(id));
    }

    [Fact]
    public void Declared_message_queries_return_typed_rows_in_order()
    {
        var to = NewAgent("to");
        var other = NewAgent("other");
        var task = NewTask();
        var messages = new[]
        {
            new AgentMessage { ToAgentId = to, MessageType = MessageType.Request, Priority = 5, SentAt = T0, CorrelationId = "c1", Payload = $"{{\"task_id\": {task}}}" },
            new AgentMessage { ToAgentId = to, MessageType = MessageType.Request, Priority = 1, SentAt = T1, CorrelationId = "c1" },
            new AgentMessage { ToAgentId = to, MessageType = MessageType.Request, Priority = 5, SentAt = T0.AddTicks(-10) },
            new AgentMessage { ToAgentId = other, MessageType = MessageType.Heartbeat, Priority = 1, SentAt = T0, Payload = $"{{\"task_id\": {task}}}" },
            new AgentMessage { ToAgentId = to, MessageType = MessageType.Request, Priority = 1, SentAt = T0, Status = MessageStatus.Pending },
        };
        var ids = Db.AgentMessages.InsertManyReturningIds(messages);
        Db.AgentMessages.Update(messages[4] with { Id = ids[4], Status = MessageStatus.Delivered, DeliveredAt = T1 });

        var next = Db.NextPendingMessages(to, 2);
        Assert.Equal(new[] { ids[1], ids[2] }, next.Select(m => m.Id!.Value));
        Assert.Equal(messages[1] with { Id = ids[1] }, next[0]);
        // LIMIT @limit sizes the list up front: the routing path does not grow it 4, 8, 16.
        Assert.Equal(2, next.Capacity);
        Assert.Equal(3, Db.NextPendingMessages(to, 10).Count);

        Assert.Equal(new[] { ids[0], ids[1] }, Db.MessagesByCorrelationId("c1").Select(m => m.Id!.Value));
        Assert.Equal(new[] { ids[0], ids[3] }, Db.MessagesByTaskId(task).Select(m => m.Id!.Value).OrderBy(i => i));
        Assert.Empty(Db.MessagesByTaskId(task + 1));
    }

    [Fact]
    public void Declared_task_queries_preview_the_queue_count_and_walk_the_tree()
    {
        var agent = NewAgent();
        var root = Db.Tasks.Insert(new AgentTask { Title = "root", AgentId = agent, Priority = 9, CreatedAt = T0, UpdatedAt = T0 });
        var child = Db.Tasks.Insert(new AgentTask { Title = "child", AgentId = agent, ParentTaskId = root, Priority = 2, CreatedAt = T1, UpdatedAt = T0 });
        var grandchild = Db.Tasks.Insert(new AgentTask { Title = "grandchild", AgentId = agent, ParentTaskId = child, Priority = 2, CreatedAt = T0, UpdatedAt = T0 });

        // The preview claims nothing; the queue's claim takes the same order, under a lease.
        Assert.Equal(new[] { grandchild, child, root }, Db.NextClaimableTasks(10).Select(t => t.Id!.Value));
        Assert.Equal(new[] { grandchild, child, root }, Db.NextClaimableTasks(10).Select(t => t.Id!.Value));
        var claimed = Assert.Single(Db.AgentTaskQueue.Claim("worker", 1));
        Assert.Equal((grandchild, AgentTaskStatus.Assigned, "worker", 1), (claimed.Id!.Value, claimed.Status, claimed.LeaseOwner, claimed.Attempts));
        Assert.NotNull(claimed.LeaseExpiresAt);
        Assert.Equal(new[] { child, root }, Db.NextClaimableTasks(10).Select(t => t.Id!.Value));
        Assert.Equal(new[] { child, root }, Db.AgentTaskQueue.Claim("worker", 5).Select(t => t.Id!.Value));
        Assert.Empty(Db.NextClaimableTasks(10));

        Assert.Equal(new[] { grandchild, child, root }, Db.AgentOpenTasks(agent).Select(t => t.Id!.Value));
        Assert.Equal(new[] { new TaskCountsByStatusRow(AgentTaskStatus.Assigned, 3) }, Db.TaskCountsByStatus());

        var tree = Db.TaskSubtree(root);
        Assert.Equal(
            new[]
            {
                new TaskSubtreeRow(root, null, agent, "root", AgentTaskStatus.Assigned, 9, 0),
                new TaskSubtreeRow(child, root, agent, "child", AgentTaskStatus.Assigned, 2, 1),
                new TaskSubtreeRow(grandchild, child, agent, "grandchild", AgentTaskStatus.Assigned, 2, 2),
            },
            tree);

        var project = Db.Projects.Insert(new Project { Name = "p" });
        Db.ProjectTasks.InsertMany(new[] { new ProjectTask { ProjectId = project, TaskId = root }, new ProjectTask { ProjectId = project, TaskId = child } });
        Assert.Equal(new[] { child, root }, Db.ProjectTasksOfProject(project).Select(t => t.Id!.Value));

        // A task given back waits out its backoff before the preview, like the claim, shows it again.
        Assert.Equal(global::AgentHive.Runtime.Workload.RetryOutcome.Retried, Db.AgentTaskQueue.Retry(grandchild, "worker"));
        Assert.Empty(Db.NextClaimableTasks(10));
        Assert.Empty(Db.AgentTaskQueue.Claim("worker", 1));
    }

    [Fact]
    public async System.Threading.Tasks.Task Declared_agent_queries_return_memories_events_and_latest_checkpoint()
    {
        var agent = NewAgent();
        var session = Db.ContextSessions.Insert(new ContextSession { AgentId = agent, ContextWindowTokens = 1000 });
        Db.MemorySnapshots.InsertMany(new[] { 0.1, 0.9, 0.5 }
            .Select(score => new MemorySnapshot { SessionId = session, AgentId = agent, MemoryType = MemoryType.Semantic, Content = $"m{score}", ContentHash = $"h{score}", ImportanceScore = score })
            .ToList());
        Db.Events.InsertMany(new[]
        {
            new Event { EventType = "a", Severity = EventSeverity.Error, CreatedAt = T0 },
            new Event { EventType = "b", Severity = EventSeverity.Error, CreatedAt = T1 },
            new Event { EventType = "c", Severity = EventSeverity.Info, CreatedAt = T1 },
        });
        Assert.Null(Db.AgentLatestCheckpoint(agent));
        Db.Checkpoints.InsertMany(new[]
        {
            new Checkpoint { AgentId = agent, Label = "old", State = "{}", CreatedAt = T0 },
            new Checkpoint { AgentId = agent, Label = "new", State = "{}", CreatedAt = T1 },
        });

        Assert.Equal(new[] { 0.9, 0.5 }, Db.AgentTopMemories(agent, 2).Select(m => m.ImportanceScore));
        Assert.Equal(new[] { "b", "a" }, Db.RecentEventsBySeverity(EventSeverity.Error, 10).Select(e => e.EventType));
        Assert.Equal("new", Db.AgentLatestCheckpoint(agent)!.Label);
        Assert.Equal("new", (await Db.AgentLatestCheckpointAsync(agent))!.Label);
        Assert.Equal(new[] { "b" }, (await Db.RecentEventsBySeverityAsync(EventSeverity.Error, 1)).Select(e => e.EventType));
    }

    [Fact]
    public void Rows_written_by_the_entity_insert_sql_read_back_exactly()
    {
        var row = new AgentTask { Title = "old path", Description = "d", Priority = 3, Context = "{\"a\": 1}", CreatedAt = T0, StartedAt = T1, UpdatedAt = T0 };
        using var command = Connection.CreateCommand();
        command.CommandText = Database.InsertSql(AgentTask.SqliteInsertSql, AgentTask.PostgresInsertSql);
        row.AddInsertParameters(command);
        var id = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(row with { Id = id }, Db.Tasks.Get(id));
    }
}
