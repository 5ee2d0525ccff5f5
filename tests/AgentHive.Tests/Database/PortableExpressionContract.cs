using System;
using System.Collections.Immutable;
using System.Data.Common;
using AgentHive.Generator;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using Xunit;

namespace AgentHive.Tests.Database;

/// <summary>
/// Every construct the portable expression parser accepts, as checks and a partial index on a real
/// database: the backend creates them, and a row is accepted or refused the same way on both.
/// </summary>
public abstract class PortableExpressionContract : IDisposable
{
    public const string Schema = """
        version: 1
        enums:
          job_status: [pending, running, done]
        tables:
          jobs:
            columns:
              id: id
              name: text
              note: { type: text, nullable: true }
              priority: integer
              weight: { type: real, default: 1.5 }
              active: { type: boolean, default: true }
              status: { type: job_status, default: pending }
              created_at: { type: timestamp, default: now }
              finished_at: { type: timestamp, nullable: true }
            checks:
              - name: ck_jobs_text
                expression: length(trim(name)) > 0 AND lower(name) <> upper('X') AND trim(name, '-') || 'x' <> 'x'
              - name: ck_jobs_numbers
                expression: priority BETWEEN 1 AND 10 AND -priority < 0 AND (priority * 2 + 1) / 1 >= abs(-3) AND weight > 0.5
              - name: ck_jobs_lists
                expression: status IN ('pending', 'running', 'done') AND priority NOT IN (4, 13) AND name NOT LIKE '%!%'
              - name: ck_jobs_nulls
                expression: coalesce(note, name, 'n/a') <> '' AND (finished_at IS NULL OR finished_at >= created_at)
              - name: ck_jobs_case
                expression: CASE status WHEN 'done' THEN finished_at IS NOT NULL ELSE TRUE END AND CASE WHEN active THEN priority ELSE 0 END >= 0
              - name: ck_jobs_booleans
                expression: (status = 'done') = (finished_at IS NOT NULL) AND NOT (active = FALSE AND status = 'running')
            indexes:
              - name: ix_jobs_pending
                columns: [priority]
                where: status = 'pending' AND active = TRUE
        """;

    private static readonly SchemaModel Model = HistoryPipeline.Run(ImmutableArray.Create(new SchemaSource("schema.yaml", Schema))).Model?.Current
        ?? throw new InvalidOperationException("the expression schema does not compile");

    protected PortableExpressionContract(TestDatabase database, ISqlDialect dialect)
    {
        Database = database;
        foreach (var statement in DdlBuilder.Create(Model, dialect))
        {
            Database.Execute(statement);
        }
    }

    protected TestDatabase Database { get; }

    public void Dispose() => Database.Dispose();

    [Fact]
    public void Backend_creates_every_portable_construct()
    {
        Assert.Contains(("jobs", "ck_jobs_case"), Database.Checks());
        Assert.True(Database.DescribeIndex("ix_jobs_pending").Partial);
    }

    [Fact]
    public void A_row_that_meets_every_check_is_stored()
    {
        Database.Execute("INSERT INTO jobs (name, priority) VALUES ('build', 5)");

        Assert.Equal(1, Database.Scalar("SELECT COUNT(*) FROM jobs"));
    }

    [Theory]
    [InlineData("ck_jobs_text", "'   ', 5")]
    [InlineData("ck_jobs_numbers", "'build', 11")]
    [InlineData("ck_jobs_lists", "'build', 4")]
    [InlineData("ck_jobs_lists", "'50!% off', 5")]
    public void A_row_that_breaks_a_check_is_refused_by_that_check(string check, string values)
    {
        var refused = Assert.ThrowsAny<DbException>(() => Database.Execute($"INSERT INTO jobs (name, priority) VALUES ({values})"));

        Assert.Contains(check, refused.Message);
    }

    [Fact]
    public void Case_and_boolean_checks_tie_status_to_finished_at()
    {
        var refused = Assert.ThrowsAny<DbException>(() => Database.Execute("INSERT INTO jobs (name, priority, status) VALUES ('build', 5, 'done')"));

        Assert.Contains("ck_jobs_", refused.Message);
    }
}

public sealed class SqlitePortableExpressionTests : PortableExpressionContract
{
    public SqlitePortableExpressionTests()
        : base(new SqliteTestDatabase(), SqliteDialect.Instance)
    {
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPortableExpressionTests : PortableExpressionContract
{
    public PostgresPortableExpressionTests(PostgresServer server)
        : base(new PostgresTestDatabase(server), PostgresDialect.Instance)
    {
    }
}
