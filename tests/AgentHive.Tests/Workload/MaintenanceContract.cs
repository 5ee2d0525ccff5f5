using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.Hosting;
using AgentHive.Runtime.Workload;
using AgentHive.Tests.Database;
using AgentHive.Tests.Deployment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace AgentHive.Tests.Workload;

/// <summary>Maintenance run once from the command line, and on a schedule by the hosted service.</summary>
public abstract class MaintenanceContract : IDisposable
{
    protected MaintenanceContract(TestDatabase database) => Database = database;

    protected TestDatabase Database { get; }

    public void Dispose() => Database.Dispose();

    [Fact]
    public void Maintain_runs_each_job_once_and_reports_what_it_did()
    {
        Assert.Equal(0, DeployCli.Run(Database.Options, "up").Code);
        var agent = Database.Scalar("INSERT INTO agents (name, agent_type) VALUES ('a', 'worker') RETURNING id");
        for (var i = 0; i < 3; i++)
        {
            Database.Execute($"INSERT INTO events (event_type, created_at) VALUES ('old', '{WorkloadTime.Ago(TimeSpan.FromDays(45))}')");
            Database.Execute($"INSERT INTO agent_messages (to_agent_id, message_type) VALUES ({agent}, 'request')");
        }

        using (var connection = Database.Open())
        {
            new QueueClient<long>(AgentHiveSchema.Workload.Queue("agent_messages"), r => Convert.ToInt64(r["id"]))
                .Claim(connection, "gone", 3, lease: TimeSpan.FromMilliseconds(100));
        }

        Thread.Sleep(300);
        var retention = DeployCli.Run(Database.Options, "maintain", "retention", "--batch", "2");
        var leases = DeployCli.Run(Database.Options, "maintain", "leases", "--json");
        var all = DeployCli.Run(Database.Options, "maintain", "all");
        var bad = DeployCli.Run(Database.Options, "maintain", "everything");

        Assert.Equal(0, retention.Code);
        Assert.Contains("retention events: 3 rows in 2 batches", retention.Output);
        Assert.Contains("retention agent_messages: 0 rows", retention.Output);
        Assert.Equal(0, leases.Code);
        var json = JsonDocument.Parse(leases.Output).RootElement;
        Assert.Equal(3, json.GetProperty("maintained").EnumerateArray().Single(e => e.GetProperty("table").GetString() == "agent_messages").GetProperty("rows").GetInt64());
        Assert.Equal(3, Database.Scalar("SELECT COUNT(*) FROM agent_messages WHERE status = 'pending' AND attempts = 1"));
        Assert.Equal(0, all.Code);
        Assert.Contains("memory memory_snapshots: 0 rows", all.Output);
        Assert.Contains("statistics: refreshed in", all.Output);
        Assert.Equal(2, bad.Code);
        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM events"));
    }

    [Fact]
    public void Maintain_refuses_a_database_not_at_the_latest_version_and_leaves_it_untouched()
    {
        var run = DeployCli.Run(Database.Options, "maintain", "all");

        Assert.True(run.Code == 2, run.All);
        Assert.Contains("not at the latest version (pending: 1, 2). Run 'up' first", run.Error);
        Assert.Empty(Database.Tables());
    }

    [Fact]
    public async Task The_hosted_service_redelivers_expired_leases_on_schedule_and_reports_healthy()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["AgentHive:Maintenance:LeasesEvery"] = "00:00:00.200",
            ["AgentHive:Maintenance:RetentionEvery"] = "00:00:00.300",
        });
        await host.StartAsync();
        try
        {
            var agent = Database.Scalar("INSERT INTO agents (name, agent_type) VALUES ('a', 'worker') RETURNING id");
            Database.Execute($"INSERT INTO events (event_type, created_at) VALUES ('old', '{WorkloadTime.Ago(TimeSpan.FromDays(45))}')");
            var id = Database.Scalar($"INSERT INTO agent_messages (to_agent_id, message_type) VALUES ({agent}, 'request') RETURNING id");
            var queue = new QueueClient<long>(AgentHiveSchema.Workload.Queue("agent_messages"), r => Convert.ToInt64(r["id"]));
            using var connection = Database.Open();
            Assert.Equal(new[] { id }, queue.Claim(connection, "crashes", 1, lease: TimeSpan.FromMilliseconds(300)));

            // Nobody calls ReleaseExpired here: the service gives the message back after its lease.
            var watch = Stopwatch.StartNew();
            IReadOnlyList<long> again = Array.Empty<long>();
            while (again.Count == 0 && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(50);
                again = queue.Claim(connection, "survivor", 1);
            }

            Assert.Equal(new[] { id }, again);
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"redelivered after {watch.Elapsed.TotalMilliseconds:F0} ms, before the lease ran out");
            Assert.True(SpinWait.SpinUntil(() => Database.Scalar("SELECT COUNT(*) FROM events") == 0, TimeSpan.FromSeconds(10)), "retention did not run");

            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            var entry = health.Entries["agenthive-maintenance"];
            Assert.True(entry.Status == HealthStatus.Healthy, entry.Description);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_failing_job_makes_the_health_check_unhealthy_without_leaking_the_connection_string()
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["AgentHive:Maintenance:LeasesEvery"] = "00:00:00.100" }, migrate: false);
        await host.StartAsync();
        try
        {
            // No tables: every job fails. The jobs run on their own threads, so wait until the lease job's failure
            // is reported, whichever job failed first.
            HealthReportEntry entry = default;
            Assert.True(SpinWait.SpinUntil(() =>
            {
                entry = host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().GetAwaiter().GetResult().Entries["agenthive-maintenance"];
                return entry.Status == HealthStatus.Unhealthy && (entry.Description ?? string.Empty).Contains("Leases", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(10)), entry.Description);
            Assert.DoesNotContain("Password", entry.Description ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private IHost BuildHost(Dictionary<string, string?> settings, bool migrate = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        settings["AgentHive:Database:Provider"] = Database.Options.Provider;
        settings["AgentHive:Database:ConnectionString"] = Database.Options.ConnectionString;
        settings["AgentHive:Database:Startup:Mode"] = migrate ? "Migrate" : "None";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddAgentHiveDatabase(builder.Configuration, AgentHiveBuild.Assembly);
        builder.Services.AddAgentHiveMaintenance(builder.Configuration, AgentHiveBuild.Assembly);
        builder.Services.AddHealthChecks().AddAgentHiveMaintenance();
        return builder.Build();
    }
}

public sealed class SqliteMaintenanceTests : MaintenanceContract
{
    private readonly SqliteTestDatabase _database;

    public SqliteMaintenanceTests()
        : this(new SqliteTestDatabase())
    {
    }

    private SqliteMaintenanceTests(SqliteTestDatabase database)
        : base(database) => _database = database;

    [Fact]
    public void Maintain_creates_no_database_file_where_there_is_none()
    {
        var run = DeployCli.Run(_database.Options, "maintain", "statistics");

        Assert.True(run.Code == 2, run.All);
        Assert.False(System.IO.File.Exists(_database.FilePath), "maintain created an empty database file");
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMaintenanceTests : MaintenanceContract
{
    public PostgresMaintenanceTests(PostgresServer server)
        : base(new PostgresTestDatabase(server))
    {
    }
}
