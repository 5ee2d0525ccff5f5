using System;
using AgentHive.Runtime.Deployment;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

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

    /// <summary>How the in-process SQLite group-commit writer batches (<c>AgentHive:Database:SqliteWriter</c>).</summary>
    public AgentHive.Runtime.Writing.SqliteWriterOptions SqliteWriter { get; set; } = new();

    /// <summary>Seconds a deployer waits for another one to finish migrating before it gives up.</summary>
    public int LockTimeoutSeconds { get; set; } = 300;

    /// <summary>Lock and statement timeouts, retries and batch sizes of migrations on PostgreSQL (<c>AgentHive:Migrations</c>).</summary>
    public MigrationOptions Migrations { get; set; } = new();

    /// <summary>The provider as an enum; throws a clear error for an unknown name.</summary>
    public DatabaseProvider ParsedProvider => Provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
        _ => throw new InvalidOperationException(
            $"Unknown database provider '{Provider}' in {SectionName}:Provider. Use 'sqlite' or 'postgres'."),
    };

    /// <summary>
    /// Checks what can be checked without a database: the provider is known and the connection string
    /// parses for it and names a database that persists.
    /// </summary>
    /// <exception cref="DeploymentException">Of kind <see cref="DeploymentFailureKind.Usage"/>, saying what to change, without secrets.</exception>
    public void Validate()
    {
        DatabaseProvider provider;
        try
        {
            provider = ParsedProvider;
        }
        catch (InvalidOperationException ex)
        {
            throw new DeploymentException(DeploymentFailureKind.Usage, ex.Message);
        }

        Migrations.Validate();
        try
        {
            if (provider == DatabaseProvider.Postgres)
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
                return;
            }

            var sqlite = new SqliteConnectionStringBuilder(ConnectionString);
            if (IsInMemory(sqlite))
            {
                throw new DeploymentException(DeploymentFailureKind.Usage,
                    $"The SQLite connection string in {SectionName}:ConnectionString names an in-memory database: nothing would persist. " +
                    "Name a database file instead, e.g. Data Source=agent_hive.db.");
            }

            if (sqlite.DataSource.Trim().Length == 0)
            {
                throw new DeploymentException(DeploymentFailureKind.Usage,
                    $"The SQLite connection string in {SectionName}:ConnectionString has an empty Data Source: SQLite would use a temporary file " +
                    "that disappears. Name a database file, e.g. Data Source=agent_hive.db.");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException and not DeploymentException)
        {
            if (provider == DatabaseProvider.Postgres && LooksLikeSqlite(ConnectionString))
            {
                throw new DeploymentException(DeploymentFailureKind.Usage,
                    $"{SectionName}:Provider is postgres but the connection string is a SQLite one (it has Data Source=). Give a PostgreSQL " +
                    "connection string, e.g. Host=localhost;Database=agent_hive;Username=agenthive;Password=..., or use the provider sqlite.");
            }

            throw new DeploymentException(DeploymentFailureKind.Usage,
                $"The {(provider == DatabaseProvider.Postgres ? "PostgreSQL" : "SQLite")} connection string in {SectionName}:ConnectionString " +
                $"is not valid ({ConnectionStrings.Scrub(DeploymentException.MessageChain(ex), ConnectionString)}). Write it as Key=Value pairs separated by ';' and check that value.");
        }
    }

    /// <summary>Reads the options from <paramref name="configuration"/>, keeping defaults for missing keys.</summary>
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var options = new DatabaseOptions();
        configuration.GetSection(SectionName).Bind(options);
        configuration.GetSection(MigrationOptions.SectionName).Bind(options.Migrations);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            options.ConnectionString = DefaultSqliteConnectionString;
        }

        return options;
    }

    private static bool IsInMemory(SqliteConnectionStringBuilder sqlite)
    {
        var source = sqlite.DataSource.Trim();
        var uri = source.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        return sqlite.Mode == SqliteOpenMode.Memory
            || source == ":memory:"
            || (uri && (source.StartsWith("file::memory:", StringComparison.OrdinalIgnoreCase) || source.Contains("mode=memory", StringComparison.OrdinalIgnoreCase)));
    }

    private static bool LooksLikeSqlite(string connectionString) =>
        connectionString.Replace(" ", string.Empty).Contains("DataSource=", StringComparison.OrdinalIgnoreCase)
        || connectionString.Contains("Filename=", StringComparison.OrdinalIgnoreCase);
}
