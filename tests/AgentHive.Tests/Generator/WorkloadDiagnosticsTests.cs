using System;
using System.Linq;
using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>Queue, retention and memory declarations: each mistake reported at its place; a good one shapes the DDL.</summary>
public partial class DiagnosticsTests
{
    private const string WorkloadColumns = """
        version: 1
        enums:
          job_state: [queued, running, done, dead]
        tables:
          jobs:
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
              content_hash: { type: text }
              importance: { type: real, default: 0.5 }

        """;

    private const string GoodQueue = """
            queue:
              state: state
              claimable: [queued]
              leased: [running]
              acked: done
              retry: queued
              dead: dead
              lease: 30s
              order: [priority, created_at]

        """;

    public static TheoryData<string, string, string> WorkloadSchemas => new()
    {
        { "queue state not in the enum", "AH0101", Jobs(GoodQueue.Replace("claimable: [queued]", "claimable: [»queud]")) },
        { "queue state plays two roles", "AH0102", Jobs(GoodQueue.Replace("leased: [running]", "leased: [queued]").Replace("    queue:", "    »queue:")) },
        { "retry state is not claimable", "AH0102", Jobs(GoodQueue.Replace("retry: queued", "retry: »running")) },
        { "state machine forbids the retry move", "AH0103", Jobs(GoodQueue.Replace("    queue:", "    »queue:") + """
                stateMachines:
                  state:
                    initial: [queued]
                    transitions:
                      queued: [running]
                      running: [done, dead]

            """) },
        { "lease that is not a duration", "AH0104", Jobs(GoodQueue.Replace("lease: 30s", "lease: »30 seconds")) },
        { "queue state column is not an enum", "AH0100", Jobs(GoodQueue.Replace("state: state", "state: »priority")) },
        { "lease owner column of the wrong type", "AH0100", Jobs(GoodQueue.Replace("      dead: dead", "      dead: dead\n      leaseOwner: »owner_id")) },
        { "queue without a visible-at column", "AH0100", Jobs(GoodQueue.Replace("    queue:", "    »queue:")).Replace("      visible_at: { type: timestamp, nullable: true }\n", string.Empty) },
        { "queue order names a missing column", "AH0016", Jobs(GoodQueue.Replace("order: [priority, created_at]", "order: [»prio, created_at]")) },
        { "a lease past what TimeSpan holds", "AH0104", Jobs(GoodQueue.Replace("lease: 30s", "lease: »20000000d")) },
        { "a backoff longer than 100 years", "AH0104", Jobs(GoodQueue.Replace("lease: 30s", "lease: 30s\n      backoff: { base: 1s, max: »3153600000001ms }")) },
        { "a retention longer than 100 years", "AH0104", Jobs("""
                retention:
                  time: created_at
                  keep: »36501d

            """) },
        { "retention with an empty states list (it would delete old rows in every state)", "AH0006", Jobs(GoodQueue + """
                »retention:
                  time: created_at
                  keep: 7d
                  states: []

            """) },
        { "retention naming a state column but no states", "AH0006", Jobs("""
                retention:
                  time: created_at
                  keep: 7d
                  state: »state

            """) },
        { "a declared check named like the queue's lease check", "AH0013", Jobs(GoodQueue.Replace("    queue:", "    »queue:") + """
                checks:
                  - { name: ck_jobs_lease, expression: priority > 0 }

            """) },
        { "a table whose accessor takes the name of the queue's accessor", "AH0075", Jobs(GoodQueue + """
              »job_queue:
                columns:
                  id: id

            """) },
        { "a query whose method takes the name of the memory's accessor", "AH0075", Jobs("""
                memory: { owner: owner_id, importance: importance, time: created_at, keepTop: 5 }
            queries:
              »job_memory:
                sql: SELECT id FROM jobs
                result: jobs.id
                cardinality: many

            """) },
        { "compression without the column to compress", "AH0006", Jobs("""
                memory:
                  owner: owner_id
                  importance: importance
                  time: created_at
                  keepTop: 100
                  compress: { above: »4096 }

            """) },
        { "max attempts of zero", "AH0106", Jobs(GoodQueue.Replace("lease: 30s", "lease: 30s\n      maxAttempts: »0")) },
        { "unknown queue key", "AH0005", Jobs(GoodQueue.Replace("lease: 30s", "»leaseTime: 30s")) },
        { "retention time is not a timestamp", "AH0100", Jobs("""
                retention:
                  time: »priority
                  keep: 7d

            """) },
        { "retention states not in the enum", "AH0101", Jobs(GoodQueue + """
                retention:
                  time: created_at
                  keep: 7d
                  states: [»finished]

            """) },
        { "de-duplication without a unique index", "AH0105", Jobs("""
                memory:
                  owner: owner_id
                  importance: importance
                  time: created_at
                  keepTop: 100
                  contentHash: »content_hash

            """) },
        { "partitioned by a nullable time", "AH0110", Jobs("""
                retention:
                  time: lease_expires_at
                  keep: 7d
                  »partition: { interval: day }

            """) },
        { "partition interval that is not day, week or month", "AH0106", Jobs("""
                retention:
                  time: created_at
                  keep: 7d
                  partition: { interval: »hour, ahead: 2 }

            """) },
        { "partition ahead of zero", "AH0106", Jobs("""
                retention:
                  time: created_at
                  keep: 7d
                  partition: { interval: day, ahead: »0 }

            """) },
        { "partition without an interval", "AH0006", Jobs("""
                retention:
                  time: created_at
                  keep: 7d
                  »partition: { ahead: 2 }

            """) },
        { "partitioned retention of some states only", "AH0111", Jobs("""
                retention:
                  time: created_at
                  keep: 7d
                  state: state
                  states: [done]
                  »partition: { interval: day }

            """) },
        { "partitioned queue table", "AH0111", Jobs(GoodQueue + """
                retention:
                  time: created_at
                  keep: 7d
                  »partition: { interval: week }

            """) },
        { "unique index of a partitioned table without its time", "AH0112", Jobs("""
                indexes:
                  - name: »ux_jobs_hash
                    columns: [owner_id, content_hash]
                    unique: true
                retention:
                  time: created_at
                  keep: 7d
                  partition: { interval: day }

            """) },
        { "foreign key to a partitioned table", "AH0113", Jobs("""
                retention:
                  time: created_at
                  keep: 7d
                  partition: { interval: month }
              job_notes:
                columns:
                  id: id
                  job_id: { type: bigint, references: »jobs }
                  note: text
                indexes:
                  - name: ix_job_notes_job
                    columns: [job_id]

            """) },
        { "table named like the DEFAULT partition of a partitioned table", "AH0013", Jobs("""
                retention:
                  time: created_at
                  keep: 7d
                  partition: { interval: day }
              »jobs_default:
                columns:
                  id: id

            """) },
        { "memory without keepTop or dropBelow", "AH0006", Jobs("""
                »memory:
                  owner: owner_id
                  importance: importance
                  time: created_at

            """) },
    };

    [Theory]
    [MemberData(nameof(WorkloadSchemas))]
    public void Bad_workload_declaration_reports_code_at_position(string why, string code, string markedSchema) =>
        Bad_schema_reports_code_at_position(why, code, markedSchema);

    [Fact]
    public void A_queue_declaration_adds_its_claim_and_lease_indexes_lease_check_and_vacuum_settings()
    {
        var run = GeneratorHarness.Run(Jobs(GoodQueue + """
                retention:
                  time: created_at
                  keep: 7d
                  states: [done]

            """));

        Assert.Empty(run.GeneratorDiagnostics);
        var schema = run.Sources.Single(s => s.Key.EndsWith("Schema.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("""CREATE INDEX ""ix_jobs_claim"" ON ""jobs"" (""priority"", ""created_at"") WHERE ""state"" = 'queued'""", schema);
        Assert.Contains("""CREATE INDEX ""ix_jobs_lease"" ON ""jobs"" (""lease_expires_at"") WHERE ""state"" = 'running'""", schema);
        Assert.Contains("""CREATE INDEX ""ix_jobs_retention"" ON ""jobs"" (""created_at"") WHERE ""state"" = 'done'""", schema);
        Assert.Contains("""CONSTRAINT ""ck_jobs_lease"" CHECK (""state"" = 'running' OR (""lease_owner"" IS NULL AND ""lease_expires_at"" IS NULL))""", schema);
        Assert.Contains(") WITH (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, fillfactor = 90)", schema);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(schema, "WITH \\(autovacuum"));
    }

    [Fact]
    public void Durations_up_to_100_years_are_accepted_and_compile()
    {
        var run = GeneratorHarness.Run(Jobs(GoodQueue.Replace("lease: 30s", "lease: 36500d\n      backoff: { base: 36500d, max: 3153600000000ms }") + """
                retention:
                  time: created_at
                  keep: 876000h

            """));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var workload = run.Sources.Single(s => s.Key.EndsWith("Workload.g.cs", StringComparison.Ordinal) && !s.Key.Contains("Database", StringComparison.Ordinal)).Value;
        Assert.Contains("global::System.TimeSpan.FromMilliseconds(3153600000000)", workload);
    }

    [Fact]
    public void A_queue_reuses_a_declared_index_that_already_serves_its_claim()
    {
        var run = GeneratorHarness.Run(Jobs(GoodQueue + """
                indexes:
                  - name: ix_jobs_next
                    columns: [priority, created_at]
                    where: state = 'queued'

            """));

        Assert.Empty(run.GeneratorDiagnostics);
        var schema = run.Sources.Single(s => s.Key.EndsWith("Schema.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("ix_jobs_next", schema);
        Assert.DoesNotContain("ix_jobs_claim", schema);
    }

    [Fact]
    public void Indexes_the_generated_operations_read_are_marked_so_the_plan_check_does_not_call_them_unused()
    {
        var run = GeneratorHarness.Run(Jobs(GoodQueue + """
                retention:
                  time: created_at
                  keep: 7d
                  states: [done]
                memory:
                  owner: owner_id
                  importance: importance
                  time: created_at
                  keepTop: 10
                  contentHash: content_hash
                indexes:
                  - name: ix_jobs_state_created_at
                    columns: [state, created_at]
                  - name: ix_jobs_owner_hash
                    columns: [owner_id, content_hash]
                    unique: true
                  - name: ix_jobs_importance
                    columns: [importance]
                  - name: ix_jobs_done_priority
                    columns: [priority]
                    where: state = 'done'

            """));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var schema = run.Sources.Single(s => s.Key.EndsWith("Schema.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("""new[] { "jobs", "ix_jobs_claim", "", "queue claim" },""", schema);
        Assert.Contains("""new[] { "jobs", "ix_jobs_lease", "", "lease expiry" },""", schema);
        Assert.Contains("""new[] { "jobs", "ix_jobs_retention", "", "retention" },""", schema);
        // Equality on the retention's state, then its time column: the prune can read it.
        Assert.Contains("""new[] { "jobs", "ix_jobs_state_created_at", "", "retention" },""", schema);
        Assert.Contains("""new[] { "jobs", "ix_jobs_owner_hash", "", "memory pruning, memory de-duplication" },""", schema);
        // Memory drops nothing below a threshold here, so nothing filters on importance alone; a partial index
        // on finished rows serves no claim.
        Assert.Contains("""new[] { "jobs", "ix_jobs_importance", "", "" },""", schema);
        Assert.Contains("""new[] { "jobs", "ix_jobs_done_priority", "", "" },""", schema);

        var declared = AgentHive.Runtime.Queries.DeclaredQueries.Load(Compile(run));
        Assert.Equal(new[] { "memory pruning", "memory de-duplication" }, declared.Indexes.Single(i => i.Name == "ix_jobs_owner_hash").GeneratedUses);
        Assert.Empty(declared.Indexes.Single(i => i.Name == "ix_jobs_importance").GeneratedUses);
    }

    private static System.Reflection.Assembly Compile(GeneratorRun run)
    {
        using var image = new System.IO.MemoryStream();
        var emitted = run.Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return System.Reflection.Assembly.Load(image.ToArray());
    }

    [Fact]
    public void A_partitioned_retention_partitions_the_postgres_table_only_and_prunes_its_default_partition()
    {
        var run = GeneratorHarness.Run(Jobs("""
                retention:
                  time: created_at
                  keep: 7d
                  partition: { interval: week, ahead: 2 }

            """));

        Assert.Empty(run.GeneratorDiagnostics);
        var schema = run.Sources.Single(s => s.Key.EndsWith("Schema.g.cs", StringComparison.Ordinal)).Value;
        // PostgreSQL: the time joins the key, the table is partitioned, a DEFAULT partition takes what no partition covers.
        Assert.Contains(Emitted("CONSTRAINT `pk_jobs` PRIMARY KEY (`id`, `created_at`)"), schema);
        Assert.Contains(Emitted(") PARTITION BY RANGE (`created_at`)"), schema);
        Assert.Contains(Emitted("CREATE TABLE `jobs_default` PARTITION OF `jobs` DEFAULT"), schema);
        // SQLite: the id stays the rowid and nothing is partitioned.
        Assert.Contains(Emitted("`id` INTEGER CONSTRAINT `pk_jobs` PRIMARY KEY"), schema);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(schema, "PARTITION BY"));
        var workload = run.Sources.Single(s => s.Key.EndsWith("Schema.Workload.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains(Emitted("DELETE FROM `jobs` WHERE `id` IN"), workload);
        Assert.Contains(Emitted("DELETE FROM `jobs_default` WHERE (`id`, `created_at`) IN (SELECT `r`.`id`, `r`.`created_at` FROM `jobs_default` AS `r`"), workload);
        Assert.Contains("RetentionPartitioning(global::AgentHive.Runtime.Workload.PartitionInterval.Week, 2, \"jobs_default\", \"jobs_p\", \"created_at\")", workload);
    }

    // SQL as the generated C# holds it in a verbatim string: each double quote (written here as `) doubled.
    private static string Emitted(string sql) => sql.Replace("`", "\"\"");

    private static string Jobs(string declarations) => WorkloadColumns + declarations.Replace("\n\n", "\n");
}
