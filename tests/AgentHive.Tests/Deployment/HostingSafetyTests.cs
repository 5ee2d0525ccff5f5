using System;
using System.Collections.Generic;
using System.IO;
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

/// <summary>A service that cannot reach its database fails to start with the deploy tool's sentence, never a driver's.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostingSafetyTests
{
    private const string Password = "LeakPwI_999";

    private readonly PostgresServer _server;

    public HostingSafetyTests(PostgresServer server) => _server = server;

    [Theory]
    [InlineData("sqlite", "Data Source=agenthive-never-created.db;Default Timeout=30 Password=" + Password, "is not valid")]
    [InlineData("sqlite", "Data Source=:memory:", "in-memory database")]
    [InlineData("postgres", "Host=127.0.0.1;Port=5432 Password=" + Password + ";Database=agent_hive", "is not valid")]
    public async Task A_service_with_a_bad_connection_string_fails_to_start_with_a_sentence_and_no_password(string provider, string connectionString, string expected)
    {
        using var host = BuildHost(new DatabaseOptions { Provider = provider, ConnectionString = connectionString }, "Migrate");

        var error = await Assert.ThrowsAsync<DeploymentException>(() => host.StartAsync());

        Assert.Equal(DeploymentFailureKind.Usage, error.Kind);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain(Password, error.ToString());
    }

    [Fact]
    public async Task A_service_on_a_missing_database_says_to_create_it_and_so_does_its_health_check()
    {
        var name = "agenthive_missing_" + Guid.NewGuid().ToString("N").Substring(0, 12);
        var options = new DatabaseOptions
        {
            Provider = "postgres",
            ConnectionString = new NpgsqlConnectionStringBuilder(_server.AdminConnectionString) { Database = name }.ConnectionString,
        };
        using var host = BuildHost(options, "Migrate");

        var error = await Assert.ThrowsAsync<DeploymentException>(() => host.StartAsync());
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Contains($"The PostgreSQL database '{name}' does not exist", error.Message);
        Assert.Contains("createdb", error.Message);
        var entry = health.Entries["agenthive-schema"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("createdb", entry.Description);
        Assert.Null(entry.Exception);
    }

    private static IHost BuildHost(DatabaseOptions database, string mode)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentHive:Database:Provider"] = database.Provider,
            ["AgentHive:Database:ConnectionString"] = database.ConnectionString,
            ["AgentHive:Database:Startup:Mode"] = mode,
        });
        builder.Services.AddLogging();
        builder.Services.AddAgentHiveDatabase(builder.Configuration, AgentHiveBuild.Assembly);
        builder.Services.AddHealthChecks().AddAgentHiveSchema();
        return builder.Build();
    }
}
