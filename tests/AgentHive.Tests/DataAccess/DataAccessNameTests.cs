using AgentHive.Tests.Generator;
using AgentHive.Tests.Robustness;
using Xunit;

namespace AgentHive.Tests.DataAccess;

/// <summary>Names the generated database class would hold twice get AH0075 at the table or query that brings the second.</summary>
public class DataAccessNameTests
{
    public static TheoryData<string, string> Clashes => new()
    {
        { "a table named like an inherited member of the database class", """
            version: 1
            tables:
              »connection:
                columns:
                  id: id
            """ },
        { "a table named like the database class itself", """
            schema: shop
            version: 1
            tables:
              »shop_database:
                columns:
                  id: id
            """ },
        { "a query whose method is a table's accessor property", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
            queries:
              »agents:
                sql: SELECT * FROM agents
                result: agents
                cardinality: many
            """ },
        { "a query whose Async method is another query's method", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
            queries:
              all_agents:
                sql: SELECT * FROM agents
                result: agents
                cardinality: many
              »all_agents_async:
                sql: SELECT * FROM agents
                result: agents
                cardinality: many
            """ },
        { "a query parameter named like the cancellation token", """
            version: 1
            tables:
              agents:
                columns:
                  id: id
            queries:
              »agent:
                sql: SELECT * FROM agents WHERE id = @cancellation_token
                parameters: { cancellation_token: agents.id }
                result: agents
                cardinality: optional
            """ },
        { "a table whose accessor is an earlier table's queue", Jobs("  »job_queue:\n    columns:\n      id: id\n", "queue:") },
        { "a queue whose accessor is an earlier table's", "version: 1\nenums:\n  job_state: [queued, running, done, dead]\ntables:\n  job_queue:\n    columns:\n      id: id\n" +
            Jobs(string.Empty, "»queue:").Substring(JobsHeader.Length) },
        { "a queue whose accessor is the same table's", Jobs(string.Empty, "»queue:").Replace("  jobs:\n    entity: Job", "  job_queue:\n    entity: Job") },
        { "a query whose method is a queue's accessor", Jobs("queries:\n  »job_queue:\n    sql: SELECT * FROM jobs\n    result: jobs\n    cardinality: many\n", "queue:") },
        { "a query whose method is a memory's accessor", Jobs("queries:\n  »job_memory:\n    sql: SELECT * FROM jobs\n    result: jobs\n    cardinality: many\n", "queue:", memory: true) },
    };

    private const string JobsHeader = "version: 1\nenums:\n  job_state: [queued, running, done, dead]\ntables:\n";

    /// <summary>Table 'jobs' (entity Job) declared a queue under <paramref name="queueKey"/> (and memory), then <paramref name="after"/>.</summary>
    private static string Jobs(string after, string queueKey, bool memory = false) =>
        JobsHeader + $$"""
          jobs:
            entity: Job
            columns:
              id: id
              state: { type: job_state, default: queued }
              priority: { type: integer, default: 5 }
              attempts: { type: integer, default: 0 }
              lease_owner: { type: text, nullable: true }
              lease_expires_at: { type: timestamp, nullable: true }
              visible_at: { type: timestamp, nullable: true }
              created_at: { type: timestamp, default: now }
              owner_id: { type: bigint }
              importance: { type: real, default: 0.5 }
            {{queueKey}}
              state: state
              claimable: [queued]
              leased: [running]
              acked: done
              retry: queued
              dead: dead
              lease: 30s
              order: [priority, created_at]

        """ + (memory ? "    memory:\n      owner: owner_id\n      importance: importance\n      time: created_at\n      keepTop: 10\n" : string.Empty) + after;

    [Theory]
    [MemberData(nameof(Clashes))]
    public void Clash_is_reported_where_the_second_name_comes_from(string why, string markedSchema)
    {
        var (schema, line, column) = DiagnosticsTests.Unmark(markedSchema);

        RobustnessDiagnosticsTests.AssertReported(GeneratorHarness.Run(schema), why, "AH0075", line, column);
    }

    [Fact]
    public void A_queue_and_a_memory_with_their_own_names_compile()
    {
        var run = GeneratorHarness.Run(Jobs("  job_queues:\n    columns:\n      id: id\n", "queue:", memory: true));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void Distinct_names_compile_with_data_access()
    {
        var run = GeneratorHarness.Run("""
            version: 1
            tables:
              agents:
                columns:
                  id: id
                  name: { type: text, unique: true }
            queries:
              agent_named:
                sql: SELECT * FROM agents WHERE name = @name
                parameters: { name: agents.name }
                result: agents
                cardinality: optional
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Contains("Schema.SchemaDatabase.g.cs", run.Sources.Keys);
    }
}
