using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;

namespace AgentHive.Tests.Queries;

/// <summary>
/// Fills a migrated Agent Hive with a realistic spread of rows, set-based (recursive CTEs both backends run),
/// through the state machines as the application would: rows are inserted in their initial state and
/// moved on by UPDATE, so most messages are read and most tasks completed, as in a hive that has run a while.
/// </summary>
public static class AgentHiveFill
{
    public const int Agents = 200;
    public const int Tasks = 20_000;
    public const int Messages = 50_000;
    public const int Events = 50_000;
    public const int Projects = 500;
    public const int Sessions = 2_000;
    public const int Memories = 20_000;
    public const int Checkpoints = 10_000;

    public static void Run(DbConnection connection, bool postgres, Action<string>? log = null)
    {
        // A timestamp 'seconds' before now, and a JSON object with one numeric key, in each backend's stored form.
        Func<string, string> ago = postgres
            ? seconds => $"(now() - ({seconds}) * interval '1 second')"
            : seconds => $"(strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ({seconds}) || ' seconds') || '000+00:00')";
        Func<string, string, string> jsonObject = postgres
            ? (key, value) => $"jsonb_build_object('{key}', {value})"
            : (key, value) => $"json_object('{key}', {value})";
        string Numbers(int count) => $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count.ToString(CultureInfo.InvariantCulture)}) ";

        var statements = new List<string>
        {
            Numbers(Agents) + "INSERT INTO agents (id, name, agent_type) SELECT i, 'agent-' || i, 'worker' FROM n",
            Numbers(Projects) + "INSERT INTO projects (id, name) SELECT i, 'project-' || i FROM n",

            // Trees of tasks: the first 500 are roots, task i > 500 is a child of task i / 10.
            Numbers(Tasks) + "INSERT INTO tasks (id, parent_task_id, title, priority, created_at) " +
                $"SELECT i, CASE WHEN i > 500 THEN i / 10 END, 'task ' || i, 1 + i % 10, {ago($"{Tasks} - i")} FROM n",
            "UPDATE tasks SET status = 'assigned', agent_id = 1 + id % 200 WHERE id % 100 <> 0",
            "UPDATE tasks SET status = 'in_progress', started_at = created_at WHERE id % 100 <> 0",
            "UPDATE tasks SET status = 'completed', completed_at = started_at WHERE id % 100 <> 0 AND id % 7 <> 0",
            Numbers(Tasks) + "INSERT INTO project_tasks (project_id, task_id) SELECT 1 + i % " + Projects + ", i FROM n",

            Numbers(Messages) + "INSERT INTO agent_messages (id, from_agent_id, to_agent_id, message_type, priority, payload, correlation_id, sent_at) " +
                $"SELECT i, 1 + (i + 7) % 200, 1 + i % 200, 'request', 1 + i % 10, {jsonObject("task_id", $"1 + i % {Tasks}")}, " +
                $"CASE WHEN i % 10 = 0 THEN 'corr-' || (i / 20) END, {ago($"{Messages} - i")} FROM n",
            "UPDATE agent_messages SET status = 'delivered', delivered_at = sent_at WHERE id % 20 <> 0",
            "UPDATE agent_messages SET status = 'read' WHERE id % 20 <> 0",

            Numbers(Sessions) + "INSERT INTO context_sessions (id, agent_id, context_window_tokens) SELECT i, 1 + i % 200, 200000 FROM n",
            Numbers(Memories) + "INSERT INTO memory_snapshots (id, session_id, agent_id, memory_type, content, content_hash, importance_score) " +
                $"SELECT i, 1 + i % {Sessions}, 1 + (1 + i % {Sessions}) % 200, 'semantic', 'memory ' || i, 'hash-' || i, (i % 100) / 100.0 FROM n",
            Numbers(Checkpoints) + "INSERT INTO checkpoints (id, agent_id, state, created_at) " +
                $"SELECT i, 1 + i % 200, {jsonObject("step", "i")}, {ago($"{Checkpoints} - i")} FROM n",
            Numbers(Events) + "INSERT INTO events (id, event_type, severity, agent_id, message, created_at) " +
                "SELECT i, 'tick', CASE i % 20 WHEN 0 THEN 'error' WHEN 1 THEN 'warning' ELSE 'info' END, 1 + i % 200, 'event ' || i, " +
                $"{ago($"{Events} - i")} FROM n",
        };

        using var transaction = connection.BeginTransaction();
        foreach (var sql in statements)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.CommandTimeout = 300;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            command.ExecuteNonQuery();
            log?.Invoke($"{watch.ElapsedMilliseconds,6} ms  {sql.Substring(0, Math.Min(90, sql.Length))}");
        }

        transaction.Commit();
    }
}
