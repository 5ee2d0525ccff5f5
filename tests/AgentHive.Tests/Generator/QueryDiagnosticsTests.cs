using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Model;
using AgentHive.Tests.Evolution;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>
/// Declared queries: every mistake the build can prove is reported at its place in schema.yaml (inside the
/// SQL where it is an SQL mistake), and SQL it cannot judge (CTEs, aliases, functions) raises nothing.
/// </summary>
public class QueryDiagnosticsTests
{
    private const string Tables = """
        version: 1
        enums:
          job_state: [queued, running, done]
        tables:
          workers:
            columns:
              id: id
              name: text
          jobs:
            columns:
              id: id
              parent_id: { type: bigint, nullable: true, references: jobs }
              worker_id: { type: bigint, nullable: true, references: workers }
              state: { type: job_state, default: queued }
              priority: { type: integer, default: 5 }
              payload: { type: json, default: "{}" }
              created_at: { type: timestamp, default: now }
            indexes:
              - name: ix_jobs_queue
                columns: [priority, created_at]
                where: state = 'queued'
              - name: ix_jobs_worker_id
                columns: [worker_id]
              - name: ix_jobs_parent_id
                columns: [parent_id]
        queries:

        """;

    public static TheoryData<string, string, string> BadQueries => new()
    {
        { "unknown table in FROM", "AH0080", """
              next_job:
                sql: SELECT * FROM »jobz WHERE id = @id
                parameters: { id: jobs.id }
                result: jobs
                cardinality: optional
            """ },
        { "unknown table in a JOIN of a block scalar", "AH0080", """
              jobs_of_worker:
                sql: |
                  SELECT j.* FROM jobs j
                  JOIN »worker w ON w.id = j.worker_id
                  WHERE w.name = @name
                parameters: { name: workers.name }
                result: jobs
                cardinality: many
            """ },
        { "unknown qualifier", "AH0080", """
              jobs_of_worker:
                sql: SELECT j.* FROM jobs j WHERE »x.worker_id = @worker_id
                parameters: { worker_id: jobs.worker_id }
                result: jobs
                cardinality: many
            """ },
        { "unknown qualified column", "AH0081", """
              jobs_of_worker:
                sql: SELECT j.* FROM jobs j WHERE j.»workerid = @worker_id
                parameters: { worker_id: jobs.worker_id }
                result: jobs
                cardinality: many
            """ },
        { "unknown bare column", "AH0081", """
              queued_jobs:
                sql: SELECT id FROM jobs WHERE »status = 'queued'
                result: jobs.id
                cardinality: many
            """ },
        { "column of a table the query does not read", "AH0081", """
              queued_jobs:
                sql: SELECT id, »name FROM jobs
                result: jobs.id
                cardinality: many
            """ },
        { "unknown column of a CTE with declared columns", "AH0081", """
              subtree:
                sql: |
                  WITH RECURSIVE tree(id, depth) AS (
                    SELECT id, 0 FROM jobs WHERE id = @id
                    UNION ALL
                    SELECT j.id, t.depth + 1 FROM jobs j JOIN tree t ON j.parent_id = t.id
                  )
                  SELECT t.id, t.»level FROM tree t
                parameters: { id: jobs.id }
                result: { columns: { id: jobs.id, depth: integer } }
                cardinality: many
            """ },
        { "unknown column in the PostgreSQL override", "AH0081", """
              jobs_by_key:
                sqlite: SELECT * FROM jobs WHERE json_extract(payload, '$.key') = @key
                postgres: "SELECT * FROM jobs WHERE (»payloads #>> '{key}') = @key"
                parameters: { key: text }
                result: jobs
                cardinality: many
            """ },
        { "parameter used but not declared", "AH0082", """
              next_job:
                sql: SELECT * FROM jobs WHERE worker_id = @worker_id AND priority < »@max_priority
                parameters: { worker_id: jobs.worker_id }
                result: jobs
                cardinality: many
            """ },
        { "parameter declared but not used", "AH0083", """
              next_job:
                sql: SELECT * FROM jobs WHERE worker_id = @worker_id
                parameters:
                  worker_id: jobs.worker_id
                  »limit: integer
                result: jobs
                cardinality: many
            """ },
        { "parameter unused by one backend's override", "AH0083", """
              next_job:
                sql: SELECT * FROM jobs WHERE worker_id = @worker_id LIMIT @limit
                postgres: SELECT * FROM jobs WHERE worker_id = @worker_id LIMIT 10
                parameters:
                  worker_id: jobs.worker_id
                  »limit: integer
                result: jobs
                cardinality: many
            """ },
        { "unknown index in uses", "AH0084", """
              next_job:
                sql: SELECT * FROM jobs WHERE state = 'queued' ORDER BY priority, created_at LIMIT 1
                result: jobs
                cardinality: optional
                uses: [»ix_jobs_queu]
            """ },
        { "unknown table in mustNotScan", "AH0080", """
              next_job:
                sql: SELECT * FROM jobs WHERE state = 'queued' ORDER BY priority, created_at LIMIT 1
                result: jobs
                cardinality: optional
                mustNotScan: [»job]
            """ },
        { "result of an unknown table or type", "AH0087", """
              next_job:
                sql: SELECT * FROM jobs LIMIT 1
                result: »jobz
                cardinality: optional
            """ },
        { "result column of an unknown table", "AH0080", """
              counts:
                sql: SELECT state, count(*) AS n FROM jobs GROUP BY state
                result:
                  columns:
                    state: »job.state
                    n: bigint
                cardinality: many
            """ },
        { "parameter typed by an unknown column", "AH0081", """
              next_job:
                sql: SELECT * FROM jobs WHERE worker_id = @worker_id
                parameters: { worker_id: jobs.»worker }
                result: jobs
                cardinality: many
            """ },
        { "exec with a result", "AH0085", """
              requeue:
                sql: UPDATE jobs SET state = 'queued' WHERE id = @id
                parameters: { id: jobs.id }
                result: jobs
                cardinality: »exec
            """ },
        { "rows without a result", "AH0085", """
              next_job:
                sql: SELECT * FROM jobs LIMIT 1
                cardinality: »one
            """ },
        { "a SELECT declared exec", "AH0085", """
              next_job:
                sql: SELECT * FROM jobs LIMIT 1
                cardinality: »exec
            """ },
        { "an UPDATE without RETURNING read as rows", "AH0085", """
              requeue:
                sql: UPDATE jobs SET state = 'queued' WHERE id = @id
                parameters: { id: jobs.id }
                result: jobs
                cardinality: »one
            """ },
        { "two queries with one method name", "AH0086", """
              next_job:
                sql: SELECT * FROM jobs LIMIT 1
                result: jobs
                cardinality: optional
              »next_job_:
                sql: SELECT * FROM jobs LIMIT 1
                result: jobs
                cardinality: optional
            """ },
        { "projection type taking an entity's name", "AH0086", """
              counts:
                sql: SELECT state, count(*) AS n FROM jobs GROUP BY state
                result:
                  typeName: »Job
                  columns: { state: jobs.state, n: bigint }
                cardinality: many
            """ },
        { "duplicate query", "AH0008", """
              next_job:
                sql: SELECT * FROM jobs LIMIT 1
                result: jobs
                cardinality: optional
              »next_job:
                sql: SELECT * FROM jobs LIMIT 1
                result: jobs
                cardinality: optional
            """ },
        { "unknown parameter type", "AH0087", """
              next_job:
                sql: SELECT * FROM jobs WHERE priority < @max
                parameters: { max: »integr }
                result: jobs
                cardinality: many
            """ },
        { "two statements", "AH0088", """
              reset:
                sql: UPDATE jobs SET priority = 5»; DELETE FROM jobs
            """ },
        { "unclosed string", "AH0088", """
              next_job:
                sql: SELECT * FROM jobs WHERE state = »'queued
                result: jobs
                cardinality: many
            """ },
        { "empty SQL", "AH0088", """
              reset:
                sql: "»"
            """ },
        { "SQL that is only a comment", "AH0088", """
              reset:
                sql: "»/* UPDATE jobs SET priority = 5 */"
            """ },
        { "a parameter written ? (SQLite binds nothing: NULL)", "AH0088", """
              job:
                sql: SELECT * FROM jobs WHERE id = »?
                result: jobs
                cardinality: optional
            """ },
        { "a parameter written :name in the SQLite override", "AH0088", """
              job:
                sqlite: SELECT * FROM jobs WHERE id =»:id
                postgres: SELECT * FROM jobs WHERE id = @id
                parameters: { id: jobs.id }
                result: jobs
                cardinality: optional
            """ },
        { "a parameter written $1 in the PostgreSQL override", "AH0088", """
              job:
                sqlite: SELECT * FROM jobs WHERE id = @id
                postgres: SELECT * FROM jobs WHERE id = @id OR parent_id = »$1
                parameters: { id: jobs.id }
                result: jobs
                cardinality: many
            """ },
        { "two parameters that become one C# argument", "AH0075", """
              jobs_between:
                sql: SELECT * FROM jobs WHERE priority BETWEEN @min_p AND @min__p
                parameters:
                  min_p: integer
                  »min__p: integer
                result: jobs
                cardinality: many
            """ },
        { "a result column named like a member every record has", "AH0071", """
              counts:
                sql: SELECT count(*) AS equality_contract FROM jobs
                result: { columns: { »equality_contract: bigint } }
                cardinality: one
            """ },
        { "a result column named Clone (not allowed in records)", "AH0071", """
              counts:
                sql: SELECT count(*) AS clone FROM jobs
                result: { columns: { »clone: bigint } }
                cardinality: one
            """ },
        { "a result column named like its record", "AH0071", """
              counts:
                sql: SELECT count(*) AS counts_row FROM jobs
                result: { columns: { »counts_row: bigint } }
                cardinality: one
            """ },
        { "two result columns that become one property", "AH0071", """
              counts:
                sql: SELECT count(*) AS job_n, count(*) AS job__n FROM jobs
                result: { columns: { job_n: bigint, »job__n: bigint } }
                cardinality: one
            """ },
        { "a result type name that is a C# keyword", "AH0071", """
              counts:
                sql: SELECT count(*) AS n FROM jobs
                result: { typeName: »class, columns: { n: bigint } }
                cardinality: one
            """ },
        { "a lower-case result type name (CS8981)", "AH0071", """
              counts:
                sql: SELECT count(*) AS n FROM jobs
                result: { typeName: »row, columns: { n: bigint } }
                cardinality: one
            """ },
        { "a result type named like an enum's helper class", "AH0070", """
              counts:
                sql: SELECT count(*) AS n FROM jobs
                result: { typeName: »JobStateExtensions, columns: { n: bigint } }
                cardinality: one
            """ },
        { "index of a table the query does not read", "AH0089", """
              workers_named:
                sql: SELECT * FROM workers WHERE name = @name
                parameters: { name: workers.name }
                result: workers
                cardinality: many
                uses: [»ix_jobs_worker_id]
            """ },
        { "mustNotScan of a table the query does not read", "AH0089", """
              workers_named:
                sql: SELECT * FROM workers WHERE name = @name
                parameters: { name: workers.name }
                result: workers
                cardinality: many
                mustNotScan: [»jobs]
            """ },
        { "unknown query key", "AH0005", """
              next_job:
                sql: SELECT * FROM jobs LIMIT 1
                result: jobs
                cardinality: optional
                »mustNotScans: [jobs]
            """ },
        { "query without SQL", "AH0006", """
              next_job:
                »result: jobs
                cardinality: optional
            """ },
        { "result without cardinality", "AH0006", """
              next_job:
                sql: SELECT * FROM jobs LIMIT 1
                result: »jobs
            """ },
        { "unknown cardinality", "AH0007", """
              next_job:
                sql: SELECT * FROM jobs LIMIT 1
                result: jobs
                cardinality: »first
            """ },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public void Bad_query_reports_code_at_position(string why, string code, string markedQueries)
    {
        var (schema, line, column) = DiagnosticsTests.Unmark(Tables + EndLine(markedQueries));

        var run = GeneratorHarness.Run(schema);

        Assert.Null(run.Result.Results.Single().Exception);
        var matching = run.GeneratorDiagnostics.Where(d => d.Id == code).ToList();
        Assert.True(matching.Count > 0, $"{why}: expected {code}, got {DiagnosticsTests.Describe(run.GeneratorDiagnostics)}");
        var span = matching[0].Location.GetLineSpan();
        Assert.True((line, column) == (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1),
            $"{why}: {code} at ({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}), expected ({line},{column}): {matching[0].GetMessage()}");
        Assert.Equal(DiagnosticSeverity.Error, matching[0].Severity);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("recursive CTE with aliases", """
          subtree:
            sql: |
              WITH RECURSIVE tree(id, parent_id, depth) AS (
                SELECT id, parent_id, 0 FROM jobs WHERE id = @id
                UNION ALL
                SELECT j.id, j.parent_id, t.depth + 1 FROM jobs AS j JOIN tree t ON j.parent_id = t.id
              )
              SELECT id, parent_id, depth FROM tree ORDER BY depth, id
            parameters: { id: jobs.id }
            result: { columns: { id: jobs.id, parent_id: jobs.parent_id, depth: integer } }
            cardinality: many
        """)]
    [InlineData("CTE without a column list, select aliases, functions, casts", """
          busy:
            sql: |
              -- workers with many queued jobs
              WITH counted AS (SELECT worker_id, count(*) AS queued FROM jobs WHERE state = 'queued' GROUP BY worker_id)
              SELECT w.name, c.queued, coalesce(max(c.queued), 0) total, CAST(@min AS integer) AS floor_value
              FROM counted c JOIN workers w ON w.id = c.worker_id
              WHERE c.queued >= @min /* at least */ AND w.name NOT LIKE 'test%'
              GROUP BY w.name, c.queued
              ORDER BY total DESC NULLS LAST
            parameters: { min: bigint }
            result: { columns: { name: workers.name, queued: bigint, total: bigint, floor_value: integer } }
            cardinality: many
        """)]
    [InlineData("subquery aliases, EXTRACT, CASE, PostgreSQL casts and JSON operators", """
          ages:
            sqlite: |
              SELECT s.id, CASE WHEN s.priority > 5 THEN 'low' ELSE 'high' END urgency
              FROM (SELECT id, priority FROM jobs WHERE json_extract(payload, '$.kind') = @kind) s
            postgres: |
              SELECT s.id, CASE WHEN s.priority > 5 THEN 'low' ELSE 'high' END urgency, EXTRACT(epoch FROM now()) AS at
              FROM (SELECT id, priority FROM jobs WHERE (payload #>> '{kind}') = @kind::text) AS s
            parameters: { kind: text }
            result: { columns: { id: jobs.id, urgency: text } }
            cardinality: many
        """)]
    [InlineData("claim with a locking subquery and RETURNING", """
          claim:
            postgres: |
              UPDATE jobs SET state = 'running', worker_id = @worker_id
              WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY priority, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
              RETURNING *
            sqlite: |
              UPDATE jobs SET state = 'running', worker_id = @worker_id
              WHERE id = (SELECT id FROM jobs INDEXED BY ix_jobs_queue WHERE state = 'queued' ORDER BY priority, created_at LIMIT 1)
              RETURNING id, state
            parameters: { worker_id: workers.id }
            result: jobs
            cardinality: optional
            uses: [ix_jobs_queue]
            mustNotScan: [jobs]
        """)]
    [InlineData("upsert naming the proposed row excluded", """
          rename:
            sql: |
              INSERT INTO workers (id, name) VALUES (@id, @name)
              ON CONFLICT (id) DO UPDATE SET name = excluded.name
            parameters: { id: workers.id, name: workers.name }
        """)]
    [InlineData("the jsonb ? operator and :: casts in the PostgreSQL override, $ in strings", """
          with_key:
            sqlite: SELECT id FROM jobs WHERE json_extract(payload, '$.key') IS NOT NULL AND priority > @min
            postgres: SELECT id FROM jobs WHERE payload::jsonb ? 'key' AND priority > @min::integer AND $$a$$ <> '$1'
            parameters: { min: integer }
            result: jobs.id
            cardinality: many
        """)]
    [InlineData("a reserved word as parameter name, IS DISTINCT FROM", """
          others:
            sql: SELECT count(*) FROM jobs WHERE worker_id IS DISTINCT FROM @worker_id LIMIT @limit
            parameters: { worker_id: jobs.worker_id, limit: integer }
            result: bigint
            cardinality: one
        """)]
    public void Valid_sql_raises_nothing(string why, string queries)
    {
        var run = GeneratorHarness.Run(Tables + EndLine(queries));

        Assert.True(run.GeneratorDiagnostics.Count == 0, $"{why}: {DiagnosticsTests.Describe(run.GeneratorDiagnostics)}");
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void Query_model_carries_sql_per_backend_typed_parameters_result_and_expectations()
    {
        var queries = EndLine("""
              claim:
                description: Claim the next job.
                sql: UPDATE jobs SET worker_id = @worker_id WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY priority, created_at LIMIT 1) RETURNING *
                postgres: UPDATE jobs SET worker_id = @worker_id WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY priority, created_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *
                parameters:
                  worker_id: workers.id
                result: jobs
                cardinality: optional
                uses: [ix_jobs_queue]
                mustNotScan: [jobs]
              counts:
                sql: SELECT state, count(*) AS n FROM jobs WHERE created_at > @since GROUP BY state
                parameters:
                  since: { type: timestamp, nullable: true }
                result:
                  columns:
                    state: jobs.state
                    n: bigint
                cardinality: many
              requeue:
                sql: UPDATE jobs SET state = 'queued' WHERE worker_id = @worker_id
                parameters: { worker_id: jobs.worker_id }
              first_worker_of:
                sql: SELECT worker_id FROM jobs WHERE id = @id
                parameters: { id: jobs.id }
                result: jobs.worker_id
                cardinality: optional
            """);
        var result = HistoryPipeline.Run(EvolutionSchemas.History(Tables + queries));

        Assert.Empty(result.Diagnostics);
        var model = result.Model!.Current.Queries;
        Assert.Equal(new[] { "claim", "counts", "requeue", "first_worker_of" }, model.Select(q => q.Name));

        var claim = model[0];
        Assert.Equal("Claim", claim.MethodName);
        Assert.Equal("Claim the next job.", claim.Description);
        Assert.DoesNotContain("SKIP LOCKED", claim.Sqlite);
        Assert.Contains("SKIP LOCKED", claim.Postgres);
        var workerId = Assert.Single(claim.Parameters);
        Assert.Equal(new QueryParameterModel("worker_id", "workerId", new QueryValueModel(ColumnKind.Id, null, false), "workers", "id"), workerId);
        Assert.Equal(new QueryResultModel(QueryResultKind.Entity, "jobs", "Job", EquatableArray<QueryColumnModel>.Empty), claim.Result);
        Assert.Equal(QueryCardinality.Optional, claim.Cardinality);
        Assert.Equal(new[] { "ix_jobs_queue" }, claim.Uses);
        Assert.Equal(new[] { "jobs" }, claim.MustNotScan);

        var counts = model[1];
        Assert.Equal(counts.Sqlite, counts.Postgres);
        Assert.Equal(new QueryValueModel(ColumnKind.Timestamp, null, true), counts.Parameters[0].Value);
        Assert.Null(counts.Parameters[0].Table);
        Assert.Equal(QueryResultKind.Projection, counts.Result.Kind);
        Assert.Equal("CountsRow", counts.Result.TypeName);
        Assert.Equal(new[] { new QueryColumnModel("state", "State", new QueryValueModel(ColumnKind.Enum, "job_state", false)), new QueryColumnModel("n", "N", new QueryValueModel(ColumnKind.BigInt, null, false)) },
            counts.Result.Columns);

        Assert.Equal(QueryResultKind.RowsAffected, model[2].Result.Kind);
        Assert.Equal(QueryCardinality.Exec, model[2].Cardinality);

        var scalar = model[3].Result;
        Assert.Equal(QueryResultKind.Scalar, scalar.Kind);
        Assert.Equal(new QueryColumnModel("worker_id", "WorkerId", new QueryValueModel(ColumnKind.BigInt, null, true)), Assert.Single(scalar.Columns));
    }

    [Fact]
    public void Adding_or_changing_queries_at_a_frozen_version_needs_no_new_version()
    {
        var frozen = Tables.Replace("queries:\n", string.Empty);
        var withQuery = Tables + EndLine("""
              next_job:
                sql: SELECT * FROM jobs WHERE state = 'queued' ORDER BY priority, created_at LIMIT 1
                result: jobs
                cardinality: optional
            """);
        var checksums = ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(frozen));

        var added = HistoryPipeline.Run(EvolutionSchemas.History(withQuery, ("/project/history/schema.v1.yaml", frozen), checksums));
        var changed = HistoryPipeline.Run(EvolutionSchemas.History(withQuery.Replace("LIMIT 1", "LIMIT 2"), ("/project/history/schema.v1.yaml", withQuery), checksums));

        Assert.Empty(added.Diagnostics);
        Assert.Single(added.Model!.Current.Queries);
        Assert.Empty(changed.Diagnostics);
        Assert.Contains("LIMIT 2", changed.Model!.Current.Queries[0].Sqlite);
    }

    [Fact]
    public void A_frozen_file_with_a_query_the_build_now_refuses_still_verifies()
    {
        var broken = Tables + EndLine("""
              next_job:
                sql: SELECT * FROM jobz
                result: jobs
                cardinality: optional
            """);
        var current = Tables.Replace("version: 1", "version: 2").Replace("queries:\n", string.Empty);

        var result = HistoryPipeline.Run(EvolutionSchemas.History(current, ("/project/history/schema.v1.yaml", broken),
            ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(Tables.Replace("queries:\n", string.Empty)))));

        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Agent_Hive_declares_its_hot_queries_with_plan_expectations()
    {
        var history = RepositoryPaths.Combine("src", "Migrations", "history");
        var result = HistoryPipeline.Run(EvolutionSchemas.History(System.IO.File.ReadAllText(RepositoryPaths.Combine("schema.yaml")),
            System.IO.Directory.GetFiles(history).Select(f => (f.Replace(history, "/project/history"), System.IO.File.ReadAllText(f))).ToArray()));

        var queries = result.Model!.Current.Queries;
        Assert.Equal(11, queries.Count);
        Assert.All(queries, q => Assert.True(q.Uses.Count + q.MustNotScan.Count > 0, $"{q.Name} states no plan expectation"));
        var byTask = queries.Single(q => q.Name == "messages_by_task_id");
        Assert.Contains("json_extract(payload, '$.task_id')", byTask.Sqlite);
        Assert.Contains("(payload #>> '{task_id}')", byTask.Postgres);
    }

    // The queries are written indented under 'queries:'; this only ends them with a line break.
    private static string EndLine(string queries) => queries + "\n";
}
