using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Hosting;
using AgentHive.Tests.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>
/// Every object of ours lives in one PostgreSQL schema: the first existing one of the search path, or
/// AgentHive:Database:Schema. Each test drives the deploy tool through a whole life cycle there.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests : IDisposable
{
    private readonly PostgresTestDatabase _database;

    public PostgresSchemaTests(PostgresServer server) => _database = new PostgresTestDatabase(server);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void A_role_whose_search_path_names_another_schema_keeps_everything_there()
    {
        var connectionString = _database.ConnectionStringForNewOwner(out _);
        var role = new NpgsqlConnectionStringBuilder(connectionString).Username;
        _database.Execute($"CREATE SCHEMA hive AUTHORIZATION \"{role}\"; ALTER ROLE \"{role}\" SET search_path = hive");

        LiveThroughAWholeLifeCycle(Postgres(connectionString), "hive");
    }

    [Fact]
    public void A_search_path_in_the_connection_string_keeps_everything_in_that_schema()
    {
        _database.Execute("CREATE SCHEMA \"Tenant A\"");
        var connectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { SearchPath = "\"Tenant A\", public" }.ConnectionString;

        LiveThroughAWholeLifeCycle(Postgres(connectionString), "Tenant A");
    }

    [Fact]
    public void A_search_path_without_an_existing_schema_is_a_configuration_error()
    {
        var options = Postgres(new NpgsqlConnectionStringBuilder(_database.ConnectionString) { SearchPath = "nowhere" }.ConnectionString);

        var (code, output) = Run(options, "up");

        Assert.True(code == SchemaCommandLine.Usage, output);
        Assert.Contains("The connection's search path (nowhere) names no schema that exists", output);
        Assert.Empty(TablesIn("public"));
    }

    [Fact]
    public void The_schema_setting_is_created_by_up_and_read_by_every_command()
    {
        var options = Postgres(_database.ConnectionString, "configured");

        var (statusCode, status) = Run(options, "status");
        Assert.True(statusCode == SchemaCommandLine.Success, status);
        Assert.Contains("Current version: 0", status);
        var (verifyCode, verify) = Run(options, "verify");
        Assert.True(verifyCode == SchemaCommandLine.Drift, verify);
        Assert.Contains("the schema configured does not exist", verify);
        Assert.Equal(0, _database.Scalar("SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'configured'"));

        LiveThroughAWholeLifeCycle(options, "configured");
    }

    [Fact]
    public async Task A_hosted_service_with_the_schema_setting_migrates_and_checks_health_there()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentHive:Database:Provider"] = "postgres",
            ["AgentHive:Database:ConnectionString"] = _database.ConnectionString,
            ["AgentHive:Database:Schema"] = "hosted",
        });
        builder.Services.AddLogging();
        builder.Services.AddAgentHiveDatabase(builder.Configuration, AgentHiveBuild.Assembly);
        builder.Services.AddHealthChecks().AddAgentHiveSchema();
        using var host = builder.Build();

        await host.StartAsync();

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(2L, health.Entries["agenthive-schema"].Data["version"]);
        Assert.Contains("tasks", TablesIn("hosted"));
        Assert.Empty(TablesIn("public"));
        _database.Execute("ALTER TABLE hosted.tasks ADD COLUMN hack text");
        var drifted = await new SchemaHealthCheck(host.Services.GetRequiredService<Runtime.Migrations.SchemaMigrator>(),
            Microsoft.Extensions.Options.Options.Create(new SchemaStartupOptions())).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, drifted.Status);
        Assert.Contains("column tasks.hack", drifted.Description);
        await host.StopAsync();
    }

    [Fact]
    public void Two_schemas_of_one_database_hold_independent_hives_with_their_own_locks()
    {
        var first = Postgres(_database.ConnectionString, "hive_one");
        var second = Postgres(_database.ConnectionString, "hive_two");
        var identity = BuiltMigrations.SchemaIdentity(AgentHiveBuild.Assembly);

        using (MigrationLock.Acquire(first, identity, TimeSpan.FromSeconds(5)))
        {
            var (code, output) = Run(second, "up");
            Assert.True(code == SchemaCommandLine.Success, output);
            using var waiter = MigratorProcess.Start(first,
                new Dictionary<string, string> { ["AgentHive__Database__Schema"] = "hive_one", ["AgentHive__Database__LockTimeoutSeconds"] = "2" }, "up");
            Assert.Equal(SchemaCommandLine.LockTimeout, waiter.WaitForExit(TimeSpan.FromSeconds(60)));
        }

        Assert.Equal(SchemaCommandLine.Success, Run(first, "up").Code);
        Assert.Equal(SchemaCommandLine.Success, Run(second, "down", "--to", "1").Code);
        Assert.Contains("Clean: the database matches version 2", Run(first, "verify").Output);
        Assert.Contains("Clean: the database matches version 1", Run(second, "verify").Output);
        Assert.Empty(TablesIn("public"));
    }

    /// <summary>up, status, verify, down, up, baseline: each works, and nothing of ours lands outside <paramref name="schema"/>.</summary>
    private void LiveThroughAWholeLifeCycle(DatabaseOptions options, string schema)
    {
        var (code, output) = Run(options, "up");
        Assert.True(code == SchemaCommandLine.Success, output);
        Assert.Contains("Current version: 2; pending: none", output);
        var tables = TablesIn(schema);
        Assert.Contains(SchemaVerifier.VersionTable, tables);
        Assert.Contains(SchemaVerifier.HistoryTable, tables);
        Assert.Contains("tasks", tables);
        Assert.NotEmpty(Names($"SELECT proname FROM pg_proc WHERE pronamespace = {Literal(Qualified(schema))}::regnamespace"));
        Assert.NotEmpty(Names($"SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = {Literal(Qualified(schema))}::regnamespace AND NOT tgisinternal"));
        AssertNothingInPublic();

        Assert.Contains("Current version: 2; pending: none", Run(options, "status").Output);
        (code, output) = Run(options, "verify");
        Assert.True(code == SchemaCommandLine.Success, output);
        Assert.Contains("Clean: the database matches version 2", output);

        (code, output) = Run(options, "down", "--to", "0");
        Assert.True(code == SchemaCommandLine.Success, output);
        Assert.Contains("Current version: 0", output);
        Assert.All(TablesIn(schema), t => Assert.StartsWith("agenthive_", t));

        Assert.Equal(SchemaCommandLine.Success, Run(options, "up").Code);
        _database.Execute($"DROP TABLE {Qualified(schema, SchemaVerifier.VersionTable)}, {Qualified(schema, SchemaVerifier.HistoryTable)}");
        (code, output) = Run(options, "baseline", "--version", "2");
        Assert.True(code == SchemaCommandLine.Success, output);
        Assert.Contains("Current version: 2; pending: none", output);
        Assert.Equal(2, _database.Scalar($"SELECT COUNT(*) FROM {Qualified(schema, SchemaVerifier.HistoryTable)}"));
        Assert.Contains("Clean: the database matches version 2", Run(options, "verify").Output);
        AssertNothingInPublic();
    }

    private void AssertNothingInPublic()
    {
        Assert.Empty(TablesIn("public"));
        Assert.Empty(Names("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"));
    }

    private (int Code, string Output) Run(DatabaseOptions options, params string[] args)
    {
        var environment = new Dictionary<string, string>();
        if (options.Schema is { } schema)
        {
            environment["AgentHive__Database__Schema"] = schema;
        }

        using var process = MigratorProcess.Start(options, environment, args);
        var code = process.WaitForExit(TimeSpan.FromSeconds(120));
        return (code, process.Output);
    }

    private static DatabaseOptions Postgres(string connectionString, string? schema = null) =>
        new() { Provider = "postgres", ConnectionString = connectionString, Schema = schema };

    private IReadOnlyList<string> TablesIn(string schema) => Names($"SELECT tablename FROM pg_tables WHERE schemaname = {Literal(schema)}");

    private IReadOnlyList<string> Names(string sql)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    private static string Qualified(string schema, string? table = null) => $"\"{schema}\"" + (table is null ? string.Empty : $".\"{table}\"");
}
