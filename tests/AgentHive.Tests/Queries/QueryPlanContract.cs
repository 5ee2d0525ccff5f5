using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Maintenance;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Queries;
using AgentHive.Tests.Database;
using AgentHive.Tests.Deployment;
using AgentHive.Tests.Generator;
using Microsoft.Extensions.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace AgentHive.Tests.Queries;

/// <summary>
/// Agent Hive's declared hot queries keep their plans on a database filled like a hive that has run a
/// while, after the runtime's own statistics maintenance; and a query whose plan breaks its declaration fails.
/// </summary>
public abstract class QueryPlanContract : IDisposable
{
    private readonly ITestOutputHelper _output;

    protected QueryPlanContract(TestDatabase database, ITestOutputHelper output)
    {
        Database = database;
        _output = output;
    }

    protected TestDatabase Database { get; }

    protected abstract DatabaseProvider Provider { get; }

    public void Dispose() => Database.Dispose();

    /// <summary>Deploys, fills and refreshes statistics the way the runtime does (see <see cref="PlannerStatistics"/>).</summary>
    protected void DeployAndFill()
    {
        var watch = Stopwatch.StartNew();
        new SchemaMigrator(Database.Options, AgentHiveBuild.Assembly).Up();
        using (var connection = Database.Open())
        {
            AgentHiveFill.Run(connection, Provider == DatabaseProvider.Postgres, _output.WriteLine);
        }

        _output.WriteLine($"deployed and filled in {watch.ElapsedMilliseconds} ms");
        RunStatisticsMaintenance();
    }

    /// <summary>
    /// What the runtime does after a bulk load: the maintenance schedule's statistics job (`maintain statistics`),
    /// run at once rather than waiting for its schedule (or, on PostgreSQL, autovacuum's analyze).
    /// </summary>
    protected void RunStatisticsMaintenance()
    {
        var run = DeployCli.Run(Database.Options, "maintain", "statistics");
        Assert.True(run.Code == 0, run.Output + run.Error);
    }

    [Fact]
    public void Every_declared_hot_query_meets_its_plan_expectations_on_a_filled_database()
    {
        DeployAndFill();
        var declared = DeclaredQueries.Load(AgentHiveBuild.Assembly);

        QueryPlanReport report;
        using (var connection = Database.Open())
        {
            report = QueryPlanCheck.Run(connection, Provider, declared);
        }

        foreach (var query in report.Queries)
        {
            _output.WriteLine($"{query.Query} ({string.Join(", ", query.Parameters.Select(p => $"{p.Key}={p.Value}"))})\n  " + string.Join("\n  ", query.Plan));
        }

        Assert.Equal(11, report.Queries.Count);
        Assert.True(report.Passed, string.Join("\n", report.Queries.SelectMany(q => q.Problems)));
        Assert.All(report.Queries, q => Assert.NotEmpty(q.UsedIndexes));

        // Sampled from the filled columns, never NULL: the routing query asks for an agent that exists.
        var routing = report.Queries.Single(q => q.Query == "next_pending_messages");
        Assert.InRange(long.Parse(routing.Parameters["agent_id"], System.Globalization.CultureInfo.InvariantCulture), 1, AgentHiveFill.Agents);
    }

    [Fact]
    public void The_generated_queue_claims_use_their_claim_index_on_a_filled_database()
    {
        DeployAndFill();
        var tasks = global::AgentHive.AgentHiveSchema.Workload.Queue("tasks");
        var messages = global::AgentHive.AgentHiveSchema.Workload.Queue("agent_messages");
        var claim = new[] { new DeclaredParameter("owner", "text", string.Empty, null, null), new DeclaredParameter("limit", "integer", string.Empty, null, null),
            new DeclaredParameter("lease_ms", "bigint", string.Empty, null, null) };
        var noAliases = new System.Collections.Generic.Dictionary<DatabaseProvider, System.Collections.Generic.IReadOnlyDictionary<string, string>>
        {
            [DatabaseProvider.Sqlite] = new System.Collections.Generic.Dictionary<string, string>(),
            [DatabaseProvider.Postgres] = new System.Collections.Generic.Dictionary<string, string>(),
        };
        DeclaredQuery Claim(string name, Runtime.Workload.QueueStatements sqlite, Runtime.Workload.QueueStatements postgres, bool inPartition, string index, string table) => new(
            name,
            new System.Collections.Generic.Dictionary<DatabaseProvider, string>
            {
                [DatabaseProvider.Sqlite] = inPartition ? sqlite.ClaimInPartition! : sqlite.Claim,
                [DatabaseProvider.Postgres] = inPartition ? postgres.ClaimInPartition! : postgres.Claim,
            },
            inPartition ? claim.Append(new DeclaredParameter("partition", "bigint", string.Empty, "agent_messages", "to_agent_id")).ToList() : claim,
            new[] { index }, new[] { table }, noAliases);
        var queries = new DeclaredQueries(
            new[]
            {
                Claim("task claim", tasks.Statements.Sqlite, tasks.Statements.Postgres, false, "ix_tasks_queue", "tasks"),
                Claim("message claim of a recipient", messages.Statements.Sqlite, messages.Statements.Postgres, true, "ix_agent_messages_routing", "agent_messages"),
            },
            System.Array.Empty<DeclaredIndex>());

        QueryPlanReport report;
        using (var connection = Database.Open())
        {
            report = QueryPlanCheck.Run(connection, Provider, queries);
        }

        foreach (var query in report.Queries)
        {
            _output.WriteLine($"{query.Query}\n  " + string.Join("\n  ", query.Plan));
        }

        Assert.True(report.Passed, string.Join("\n", report.Queries.SelectMany(q => q.Problems)));
    }

    [Fact]
    public void A_query_whose_plan_scans_a_table_it_must_not_fails_naming_the_query_the_table_and_the_plan()
    {
        DeployAndFill();
        var broken = BrokenRoutingBuild();

        QueryPlanReport report;
        using (var connection = Database.Open())
        {
            report = QueryPlanCheck.Run(connection, Provider, DeclaredQueries.Load(broken));
        }

        var routing = report.Queries.Single(q => q.Query == "next_pending_messages");
        Assert.False(report.Passed);
        Assert.Equal(new[] { "next_pending_messages" }, report.Queries.Where(q => !q.Passed).Select(q => q.Query));
        Assert.Equal(2, routing.Problems.Count);
        Assert.Contains("Query 'next_pending_messages' reads every row of table 'agent_messages' (it must not scan it). Plan: ", routing.Problems[0]);
        Assert.Contains(Provider == DatabaseProvider.Postgres ? "Seq Scan on agent_messages" : "SCAN agent_messages", routing.Problems[0]);
        Assert.Contains("Query 'next_pending_messages' does not use index 'ix_agent_messages_routing' on table 'agent_messages'", routing.Problems[1]);
    }

    [Fact]
    public void Check_queries_passes_through_the_command_line_and_reports_each_plan()
    {
        Assert.Equal(0, DeployCli.Run(Database.Options, "up").Code);
        using (var connection = Database.Open())
        {
            AgentHiveFill.Run(connection, Provider == DatabaseProvider.Postgres);
        }

        RunStatisticsMaintenance();

        var text = DeployCli.Run(Database.Options, "check-queries");
        var json = DeployCli.Run(Database.Options, "check-queries", "--json");

        Assert.True(text.Code == SchemaCommandLine.Success, text.All);
        Assert.Contains("ok     next_pending_messages", text.Output);
        Assert.Contains("ix_agent_messages_routing", text.Output);
        Assert.Contains("All 11 declared queries meet their plan expectations.", text.Output);
        Assert.Contains("warning: index 'ix_projects_status' on 'projects' is used by no declared query nor generated operation", text.Output);
        // Used by what the schema generates, not by a declared query: retention's prune, the queues' lease expiry.
        foreach (var generated in new[] { "ix_events_created_at", "ix_performance_metrics_retention", "ix_tasks_lease", "ix_agent_messages_lease" })
        {
            Assert.DoesNotContain($"index '{generated}'", text.Output);
        }

        Assert.Equal(SchemaCommandLine.Success, json.Code);
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(11, root.GetProperty("queries").GetArrayLength());
        Assert.All(root.GetProperty("queries").EnumerateArray(), q => Assert.True(q.GetProperty("passed").GetBoolean()));
        Assert.Contains(root.GetProperty("unusedIndexes").EnumerateArray(), i => i.GetProperty("index").GetString() == "ix_projects_status");
        Assert.DoesNotContain(root.GetProperty("unusedIndexes").EnumerateArray(), i => i.GetProperty("index").GetString() == "ix_events_created_at");
    }

    [Fact]
    public void Check_queries_fails_with_its_own_exit_code_when_a_plan_breaks_its_declaration()
    {
        DeployAndFill();
        var broken = BrokenRoutingBuild();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new System.Collections.Generic.Dictionary<string, string?>
        {
            ["AgentHive:Database:Provider"] = Database.Options.Provider,
            ["AgentHive:Database:ConnectionString"] = Database.Options.ConnectionString,
        }).Build();
        var output = new StringWriter();
        var error = new StringWriter();

        var code = SchemaCommandLine.Run(new[] { "check-queries" }, broken, output, error, configuration);

        Assert.True(code == SchemaCommandLine.QueryPlanFailed, $"exit {code}\n{output}\n{error}");
        Assert.Contains("FAILED next_pending_messages", output.ToString());
        Assert.Contains("reads every row of table 'agent_messages'", output.ToString());
        Assert.Contains("1 of 11 declared queries break their plan expectations.", output.ToString());
    }

    [Fact]
    public void Check_queries_on_a_database_that_is_not_migrated_says_to_run_up_first()
    {
        var result = DeployCli.Run(Database.Options, "check-queries");

        Assert.True(result.Code == SchemaCommandLine.Usage, result.All);
        Assert.Contains("Run 'up' first", result.Error);
    }

    /// <summary>
    /// The Agent Hive schema compiled anew with its routing query rewritten so no index can serve it
    /// (the recipient is compared through an expression): same tables and migrations, one broken plan.
    /// </summary>
    private static Assembly BrokenRoutingBuild()
    {
        var schema = File.ReadAllText(RepositoryPaths.Combine("schema.yaml"))
            .Replace("WHERE to_agent_id = @agent_id AND status = 'pending'", "WHERE to_agent_id + 0 = @agent_id AND status <> 'read'");
        var history = RepositoryPaths.Combine("src", "Migrations", "history");
        var run = GeneratorHarness.Run(schema,
            Directory.GetFiles(history).Select(f => (f.Replace(history, "/project/history"), File.ReadAllText(f))).ToArray());
        // Only version 2's online-migration lint, which OnlineLintTests covers.
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => !Generator.OnlineLintTests.Codes.Contains(d.Id));
        using var image = new MemoryStream();
        var emitted = run.Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return Assembly.Load(image.ToArray());
    }
}
