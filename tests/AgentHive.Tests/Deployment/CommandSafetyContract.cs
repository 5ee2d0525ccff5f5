using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>
/// The deploy commands on one backend refuse what they cannot do safely: a history this build cannot account
/// for, a target out of range, a malformed connection string (without ever printing its password).
/// </summary>
public abstract class CommandSafetyContract : IDisposable
{
    protected const string Password = "LeakPwI_999";

    private readonly List<TestDatabase> _databases = new();

    protected abstract TestDatabase NewDatabase();

    /// <summary>Connection strings the driver cannot parse, each holding <see cref="Password"/>.</summary>
    protected abstract IEnumerable<string> MalformedConnectionStrings();

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public void Up_and_down_refuse_a_database_that_records_a_version_this_build_does_not_know()
    {
        var database = At(1);
        database.Execute("INSERT INTO agenthive_schema_versions (\"version\", applied_on, description) VALUES (99, CURRENT_TIMESTAMP, 'from a newer build')");

        var up = Cli(database, "up");
        var down = Cli(database, "down", "--to", "0", "--json");

        Assert.True(up.Code == SchemaCommandLine.HistoryMismatch, up.All);
        Assert.Contains("version 99 is applied but this build does not know it", up.Error);
        Assert.Contains("nothing was changed", up.Error);
        Assert.Equal(SchemaCommandLine.HistoryMismatch, down.Code);
        Assert.Equal(SchemaCommandLine.HistoryMismatch, JsonDocument.Parse(down.Output).RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal(new long[] { 1, 99 }, database.Longs("SELECT \"version\" FROM agenthive_schema_versions ORDER BY 1"));
        Assert.Contains("tasks", database.Tables());
        Assert.DoesNotContain("task_dependencies", database.Tables());
    }

    [Fact]
    public void Up_and_down_refuse_an_edited_checksum_and_keep_the_evidence()
    {
        var database = At(1);
        database.Execute("UPDATE agenthive_schema_history SET checksum = 'edited' WHERE \"version\" = 1");

        var up = Cli(database, "up");
        var down = Cli(database, "down", "--to", "0");

        Assert.True(up.Code == SchemaCommandLine.HistoryMismatch, up.All);
        Assert.Contains("version 1 was applied with SQL checksum edited", up.Error);
        Assert.True(down.Code == SchemaCommandLine.HistoryMismatch, down.All);
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM agenthive_schema_history WHERE checksum = 'edited'"));
        Assert.Contains("tasks", database.Tables());
        Assert.DoesNotContain("task_dependencies", database.Tables());
    }

    [Fact]
    public void Status_lists_a_version_this_build_does_not_know()
    {
        var database = At(2);
        database.Execute("INSERT INTO agenthive_schema_versions (\"version\", applied_on, description) VALUES (99, CURRENT_TIMESTAMP, 'from a newer build')");

        var text = Cli(database, "status");
        var json = Cli(database, "status", "--json");

        Assert.True(text.Code == SchemaCommandLine.Success, text.All);
        Assert.Contains("     99  unknown  not in this build", text.Output);
        Assert.Contains("up and down will refuse to run here", text.Output);
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(new long[] { 99 }, root.GetProperty("unknown").EnumerateArray().Select(v => v.GetInt64()));
        var unknown = root.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt64() == 99);
        Assert.False(unknown.GetProperty("inThisBuild").GetBoolean());
        Assert.True(unknown.GetProperty("applied").GetBoolean());
    }

    [Theory]
    [InlineData(2, "down", "-1", "versions start at 0")]
    [InlineData(2, "down", "3", "the database is at version 2")]
    [InlineData(1, "down", "2", "the database is at version 1")]
    [InlineData(1, "up", "3", "this build knows versions 1, 2")]
    [InlineData(1, "up", "-1", "this build knows versions 1, 2")]
    public void A_target_out_of_range_is_a_usage_error_that_changes_nothing(long at, string command, string target, string expected)
    {
        var database = At(at);
        var before = database.Catalog();

        var text = Cli(database, command, "--to", target);
        var json = Cli(database, command, "--to", target, "--json");

        Assert.True(text.Code == SchemaCommandLine.Usage, text.All);
        Assert.Contains(expected, text.Error);
        Assert.Equal(SchemaCommandLine.Usage, json.Code);
        Assert.Contains(expected, JsonDocument.Parse(json.Output).RootElement.GetProperty("error").GetString());
        Assert.Equal(before, database.Catalog());
        Assert.Equal(at, database.Longs("SELECT \"version\" FROM agenthive_schema_versions").Max());
    }

    [Fact]
    public void A_failed_version_says_it_was_rolled_back_and_which_version_the_database_is_at()
    {
        var database = At(1);
        database.Execute("CREATE TABLE task_dependencies (hand_made integer)");

        var (code, output) = MigratorProcess.Run(database.Options, "up");

        Assert.True(code == SchemaCommandLine.Failed, output);
        Assert.Contains("Version 2 (Task review and dependencies", output);
        Assert.Contains("was rolled back; the database is still at version 1", output);
        Assert.Equal(new long[] { 1 }, database.Longs("SELECT \"version\" FROM agenthive_schema_versions"));
        Assert.Equal(new long[] { 1 }, database.Longs("SELECT \"version\" FROM agenthive_schema_history"));
    }

    [Fact]
    public void The_printed_script_applied_as_it_stands_builds_what_up_builds()
    {
        var scripted = Track(NewDatabase());
        var migrated = At(2);

        var script = Cli(scripted, "script");
        Assert.True(script.Code == SchemaCommandLine.Success, script.All);
        scripted.ExecuteScript(script.Output);

        Assert.Equal(migrated.Catalog(), scripted.Catalog());
        Assert.Equal(new long[] { 1, 2 }, scripted.Longs("SELECT \"version\" FROM agenthive_schema_versions ORDER BY 1"));

        // verify also compares each recorded checksum with this build's.
        var verify = Cli(scripted, "verify");
        Assert.True(verify.Code == SchemaCommandLine.Success, verify.All);
    }

    [Fact]
    public void No_password_from_a_malformed_connection_string_reaches_any_output()
    {
        var runs = 0;
        foreach (var connectionString in MalformedConnectionStrings())
        {
            Assert.Contains(Password, connectionString);
            var options = new DatabaseOptions { Provider = Provider, ConnectionString = connectionString };
            foreach (var args in new[] { new[] { "up" }, new[] { "up", "--json" }, new[] { "up", "--verbose" }, new[] { "status", "--json", "--verbose" }, new[] { "verify" }, new[] { "script" },
                         new[] { "check-queries" }, new[] { "maintain", "all", "--json" } })
            {
                var (code, output) = MigratorProcess.Run(options, args);
                runs++;
                Assert.False(output.Contains(Password, StringComparison.Ordinal), $"'{string.Join(' ', args)}' printed the password for {connectionString}:\n{output}");
                Assert.True(code == SchemaCommandLine.Usage, $"'{string.Join(' ', args)}' with {connectionString}: exit {code}\n{output}");
                Assert.DoesNotContain("Unhandled exception", output);
                Assert.Contains("connection string", output);
            }
        }

        Assert.True(runs >= 12, $"only {runs} runs");
    }

    protected abstract string Provider { get; }

    protected TestDatabase At(long version)
    {
        var database = Track(NewDatabase());
        new AgentHive.Runtime.Migrations.SchemaMigrator(database.Options, AgentHiveBuild.Assembly).Up(version);
        return database;
    }

    protected TestDatabase Track(TestDatabase database)
    {
        _databases.Add(database);
        return database;
    }

    protected static DeployCliResult Cli(TestDatabase database, params string[] args) => DeployCli.Run(database.Options, args);
}

public sealed class SqliteCommandSafetyTests : CommandSafetyContract
{
    protected override string Provider => "sqlite";

    protected override TestDatabase NewDatabase() => new SqliteTestDatabase();

    protected override IEnumerable<string> MalformedConnectionStrings()
    {
        var file = Path.Combine(Path.GetTempPath(), "agenthive-never-created.db");
        yield return $"Data Source={file};Default Timeout=30 Password={Password}";
        yield return $"Data Source={file};Password={Password};Pooling=maybe";
        yield return $"Data Source={file};Pooling=maybe Password={Password}";
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCommandSafetyTests : CommandSafetyContract
{
    private readonly PostgresServer _server;

    public PostgresCommandSafetyTests(PostgresServer server) => _server = server;

    protected override string Provider => "postgres";

    protected override TestDatabase NewDatabase() => new PostgresTestDatabase(_server);

    protected override IEnumerable<string> MalformedConnectionStrings()
    {
        yield return $"Host=127.0.0.1;Port=5432 Password={Password};Database=agent_hive;Username=agenthive";
        yield return $"Host=127.0.0.1;Username=agenthive;Password={Password};Timeout=soon";
        yield return $"Host=127.0.0.1;Username=agenthive;Pooling=maybe Password={Password}";
    }
}
