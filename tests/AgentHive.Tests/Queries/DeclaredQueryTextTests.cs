using AgentHive.Generator.Dialects;
using Xunit;

namespace AgentHive.Tests.Queries;

/// <summary>
/// The SQL a declared query runs on each backend. SQLite 3.46+ re-prepares a statement whenever a parameter
/// bound to a bare LIMIT is bound again (every execution through Microsoft.Data.Sqlite), so that parameter is cast.
/// </summary>
public sealed class DeclaredQueryTextTests
{
    [Theory]
    [InlineData("SELECT * FROM t ORDER BY a LIMIT @limit", "SELECT * FROM t ORDER BY a LIMIT CAST(@limit AS INTEGER)")]
    [InlineData("SELECT * FROM t\nORDER BY a\nlimit  @n\n", "SELECT * FROM t\nORDER BY a\nlimit  CAST(@n AS INTEGER)\n")]
    [InlineData("SELECT * FROM t LIMIT @n OFFSET @skip", "SELECT * FROM t LIMIT CAST(@n AS INTEGER) OFFSET @skip")]
    public void Sqlite_casts_a_bare_limit_parameter(string declared, string runs) =>
        Assert.Equal(runs, SqliteDialect.Instance.QueryText(declared));

    [Theory]
    [InlineData("SELECT * FROM t LIMIT 10")]
    [InlineData("SELECT * FROM t LIMIT @n + 1")]
    [InlineData("SELECT * FROM t LIMIT (@n)")]
    [InlineData("SELECT * FROM t WHERE a = @limit")]
    public void Sqlite_leaves_other_limits_and_parameters_alone(string declared) =>
        Assert.Equal(declared, SqliteDialect.Instance.QueryText(declared));

    [Fact]
    public void Postgres_runs_the_declared_text() =>
        Assert.Equal("SELECT * FROM t LIMIT @limit", PostgresDialect.Instance.QueryText("SELECT * FROM t LIMIT @limit"));
}
