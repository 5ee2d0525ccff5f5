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
    };

    [Theory]
    [MemberData(nameof(Clashes))]
    public void Clash_is_reported_where_the_second_name_comes_from(string why, string markedSchema)
    {
        var (schema, line, column) = DiagnosticsTests.Unmark(markedSchema);

        RobustnessDiagnosticsTests.AssertReported(GeneratorHarness.Run(schema), why, "AH0075", line, column);
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
