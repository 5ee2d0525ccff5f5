using System;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Tests.Database;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>What the deploy commands say about a PostgreSQL server beyond migrating it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresCommandTests
{
    private readonly PostgresServer _server;

    public PostgresCommandTests(PostgresServer server) => _server = server;

    [Theory]
    [InlineData("up")]
    [InlineData("status")]
    [InlineData("verify")]
    [InlineData("script")]
    public void A_missing_database_is_a_usage_error_that_says_to_create_it_first(string command)
    {
        var options = MissingDatabase(out var name);

        var text = DeployCli.Run(options, command);
        var json = DeployCli.Run(options, command, "--json");

        Assert.True(text.Code == SchemaCommandLine.Usage, text.All);
        Assert.Contains($"The PostgreSQL database '{name}' does not exist", text.Error);
        Assert.Contains("`createdb -h ", text.Error);
        Assert.Contains($"CREATE DATABASE \"{name}\";", text.Error);
        Assert.Equal(SchemaCommandLine.Usage, json.Code);
        Assert.Contains("does not exist", JsonDocument.Parse(json.Output).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void Dry_run_prints_the_lock_statement_the_migrator_runs_on_the_key_it_locks()
    {
        using var database = new PostgresTestDatabase(_server);
        var dry = DeployCli.Run(database.Options, "up", "--dry-run");
        var printed = Regex.Match(dry.Output.Split('\n')[0], @"^SELECT (pg_\w+)\((-?\d+)\);");
        Assert.True(printed.Success, dry.Output.Split('\n')[0]);

        using var held = MigrationLock.Acquire(database.Options, BuiltMigrations.SchemaIdentity(AgentHiveBuild.Assembly), TimeSpan.FromSeconds(5));
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT a.query, l.classid::bigint, l.objid::bigint FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), "the migration lock holds no advisory lock");
        var (query, high, low) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
        Assert.False(reader.Read(), "more than one advisory lock is held");

        Assert.Contains(printed.Groups[1].Value + "(", query);
        Assert.Equal(unchecked((long)(((ulong)high << 32) | (ulong)low)), long.Parse(printed.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private DatabaseOptions MissingDatabase(out string name)
    {
        name = "agenthive_missing_" + Guid.NewGuid().ToString("N").Substring(0, 12);
        var connectionString = new NpgsqlConnectionStringBuilder(_server.AdminConnectionString) { Database = name }.ConnectionString;
        return new DatabaseOptions { Provider = "postgres", ConnectionString = connectionString };
    }
}
