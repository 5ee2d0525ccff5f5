namespace AgentHive.Runtime.Configuration;

/// <summary>The database backend a deployment runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server.</summary>
    Postgres,
}
