using System;
using Microsoft.Extensions.Configuration;

namespace AgentHive.Runtime.Configuration;

/// <summary>
/// Where the database is, bound from the <c>AgentHive:Database</c> configuration section
/// (appsettings.json, <c>AgentHive__Database__*</c> environment variables, command-line options).
/// </summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "AgentHive:Database";

    /// <summary>The connection string used when none is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=agent_hive.db";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The ADO.NET connection string for the provider.</summary>
    public string ConnectionString { get; set; } = DefaultSqliteConnectionString;

    /// <summary>
    /// PostgreSQL only: the schema (namespace) that holds every table of ours, created by <c>up</c> when
    /// missing. Unset: the first existing schema of the connection's search path (<c>current_schema()</c>).
    /// </summary>
    public string? Schema { get; set; }

    /// <summary>Seconds a SQLite connection waits for a lock before failing with SQLITE_BUSY.</summary>
    public int SqliteBusyTimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds a deployer waits for another one to finish migrating before it gives up.</summary>
    public int LockTimeoutSeconds { get; set; } = 300;

    /// <summary>The provider as an enum; throws a clear error for an unknown name.</summary>
    public DatabaseProvider ParsedProvider => Provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
        _ => throw new InvalidOperationException(
            $"Unknown database provider '{Provider}' in {SectionName}:Provider. Use 'sqlite' or 'postgres'."),
    };

    /// <summary>Reads the options from <paramref name="configuration"/>, keeping defaults for missing keys.</summary>
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var options = new DatabaseOptions();
        configuration.GetSection(SectionName).Bind(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            options.ConnectionString = DefaultSqliteConnectionString;
        }

        return options;
    }
}
