using System;

namespace AgentHive.Runtime.Hosting;

/// <summary>What a service does with its database schema when it starts.</summary>
public enum SchemaStartupMode
{
    /// <summary>Apply pending versions under the migration lock, then verify; refuse to start on drift.</summary>
    Migrate,

    /// <summary>Change nothing; refuse to start when versions are pending or the schema drifted.</summary>
    VerifyOnly,

    /// <summary>Do nothing at startup (the health check still reports).</summary>
    None,
}

/// <summary>Options of the schema startup and health check, bound from <c>AgentHive:Database:Startup</c>.</summary>
public sealed class SchemaStartupOptions
{
    /// <summary>What to do at startup.</summary>
    public SchemaStartupMode Mode { get; set; } = SchemaStartupMode.Migrate;

    /// <summary>How long the health check reuses a verification before it verifies again.</summary>
    public TimeSpan HealthCheckCacheDuration { get; set; } = TimeSpan.FromMinutes(1);
}
