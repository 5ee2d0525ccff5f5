using System;
using System.Reflection;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentHive.Runtime.Hosting;

/// <summary>Registers an app's schema database, its startup migration or verification, and its health check.</summary>
public static class AgentHiveServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DatabaseOptions"/> from <c>AgentHive:Database</c>, a <see cref="SchemaMigrator"/> for the
    /// migrations in <paramref name="migrationsAssembly"/>, and a hosted service that migrates (or only
    /// verifies, per <c>AgentHive:Database:Startup:Mode</c>) before the service starts.
    /// </summary>
    public static IServiceCollection AddAgentHiveDatabase(
        this IServiceCollection services,
        IConfiguration configuration,
        Assembly migrationsAssembly,
        Action<SchemaStartupOptions>? configure = null)
    {
        var database = DatabaseOptions.From(configuration);
        services.AddSingleton(database);
        services.AddSingleton(_ => new SchemaMigrator(database, migrationsAssembly));
        var startup = services.AddOptions<SchemaStartupOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName + ":Startup"));
        if (configure is not null)
        {
            startup.Configure(configure);
        }

        services.AddHostedService<SchemaStartupService>();
        return services;
    }

    /// <summary>
    /// Adds the hosted service that runs lease expiry, retention and memory pruning for the workload
    /// declarations compiled into <paramref name="schemaAssembly"/>, on the schedule of <c>AgentHive:Maintenance</c>.
    /// Call <see cref="AddAgentHiveDatabase"/> first: it runs after the schema is migrated.
    /// </summary>
    public static IServiceCollection AddAgentHiveMaintenance(
        this IServiceCollection services,
        IConfiguration configuration,
        Assembly schemaAssembly,
        Action<WorkloadMaintenanceOptions>? configure = null)
    {
        services.AddSingleton(Workload.WorkloadCatalog.Load(schemaAssembly));
        services.AddSingleton<WorkloadMaintenanceStatus>();
        var options = services.AddOptions<WorkloadMaintenanceOptions>().Bind(configuration.GetSection(WorkloadMaintenanceOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHostedService<WorkloadMaintenanceService>();
        return services;
    }

    /// <summary>Adds a health check named <c>agenthive-maintenance</c> reporting the last run of each maintenance job.</summary>
    public static IHealthChecksBuilder AddAgentHiveMaintenance(this IHealthChecksBuilder builder, string name = "agenthive-maintenance") =>
        builder.AddCheck<WorkloadMaintenanceHealthCheck>(name, HealthStatus.Unhealthy, new[] { "database", "maintenance" });

    /// <summary>Adds a health check named <c>agenthive-schema</c> reporting the schema version and drift.</summary>
    public static IHealthChecksBuilder AddAgentHiveSchema(this IHealthChecksBuilder builder, string name = "agenthive-schema") =>
        builder.AddCheck<SchemaHealthCheck>(name, HealthStatus.Unhealthy, new[] { "database", "schema" });
}
