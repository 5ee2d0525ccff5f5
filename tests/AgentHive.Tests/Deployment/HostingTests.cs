using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Hosting;
using AgentHive.Runtime.Migrations;
using AgentHive.Tests.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>A worker service that migrates or verifies on startup through the hosting extension.</summary>
public abstract class HostingContract : IDisposable
{
    protected HostingContract(TestDatabase database) => Database = database;

    protected TestDatabase Database { get; }

    public void Dispose() => Database.Dispose();

    [Fact]
    public async Task Service_migrates_on_startup_and_reports_a_healthy_schema()
    {
        using var host = BuildHost("Migrate");

        await host.StartAsync();

        Assert.All(new SchemaMigrator(Database.Options, AgentHiveBuild.Assembly).Status(), s => Assert.True(s.Applied));
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(2L, health.Entries["agenthive-schema"].Data["version"]);
        Assert.Equal(false, health.Entries["agenthive-schema"].Data["drift"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Verify_only_service_refuses_to_start_on_drift_and_health_says_why()
    {
        new SchemaMigrator(Database.Options, AgentHiveBuild.Assembly).Up();
        Database.Execute("ALTER TABLE tasks ADD COLUMN hack TEXT");
        using var host = BuildHost("VerifyOnly");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("refusing to start", error.Message);
        Assert.Contains("column tasks.hack", error.Message);
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("tasks.hack", health.Entries["agenthive-schema"].Description);
    }

    [Fact]
    public async Task Verify_only_service_refuses_to_start_while_versions_are_pending()
    {
        using var host = BuildHost("VerifyOnly");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("lacks schema versions 1, 2", error.Message);
    }

    private IHost BuildHost(string mode)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentHive:Database:Provider"] = Database.Options.Provider,
            ["AgentHive:Database:ConnectionString"] = Database.Options.ConnectionString,
            ["AgentHive:Database:Startup:Mode"] = mode,
        });
        builder.Services.AddLogging();
        builder.Services.AddAgentHiveDatabase(builder.Configuration, AgentHiveBuild.Assembly);
        builder.Services.AddHealthChecks().AddAgentHiveSchema();
        return builder.Build();
    }
}

public sealed class SqliteHostingTests : HostingContract
{
    public SqliteHostingTests()
        : base(new SqliteTestDatabase())
    {
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHostingTests : HostingContract
{
    public PostgresHostingTests(PostgresServer server)
        : base(new PostgresTestDatabase(server))
    {
    }
}
