using System;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentHive.Runtime.Configuration;

/// <summary>Connection strings as they may be shown to people: never with a password.</summary>
public static class ConnectionStrings
{
    /// <summary>A description of the target with any password removed, fit for output and logs.</summary>
    public static string Describe(DatabaseProvider provider, string connectionString)
    {
        try
        {
            switch (provider)
            {
                case DatabaseProvider.Postgres:
                    var pg = new NpgsqlConnectionStringBuilder(connectionString) { Password = null };
                    return $"PostgreSQL {pg.Host}:{pg.Port}/{pg.Database} as {pg.Username}";
                default:
                    var sqlite = new SqliteConnectionStringBuilder(connectionString);
                    return $"SQLite {sqlite.DataSource}";
            }
        }
        catch (ArgumentException)
        {
            // Never echo a string we could not parse: it may hold a password in an unexpected place.
            return $"{provider} (connection string could not be parsed)";
        }
    }
}
