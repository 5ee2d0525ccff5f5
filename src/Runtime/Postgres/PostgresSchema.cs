using System;
using System.Text;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using Npgsql;

namespace AgentHive.Runtime.Postgres;

/// <summary>
/// The one PostgreSQL schema (namespace) that holds every object of ours: tables, history, the version
/// table, functions and triggers. It is <c>AgentHive:Database:Schema</c> when set (connections then use
/// it as their search path), else the first existing schema of the connection's search path
/// (<c>current_schema()</c>), which is where unqualified DDL goes.
/// </summary>
public static class PostgresSchema
{
    /// <summary>PostgreSQL's longest identifier, in bytes; a longer name would be cut silently.</summary>
    public const int MaxNameBytes = 63;

    /// <summary>The connection string to use: with <c>Search Path</c> set to the configured schema, if one is configured.</summary>
    /// <exception cref="InvalidOperationException">The configured schema name cannot be a PostgreSQL schema.</exception>
    public static string ConnectionString(DatabaseOptions options)
    {
        if (Configured(options) is not { } schema)
        {
            return options.ConnectionString;
        }

        return new NpgsqlConnectionStringBuilder(options.ConnectionString) { SearchPath = Quote(schema) }.ConnectionString;
    }

    /// <summary>Our schema for this connection.</summary>
    /// <exception cref="DatabaseLocationException">No schema is configured and the search path names no schema that exists.</exception>
    public static string Of(NpgsqlConnection connection, DatabaseOptions options) =>
        Configured(options) ?? Current(connection) ?? throw new DatabaseLocationException(
            $"The connection's search path ({Scalar(connection, "SHOW search_path")}) names no schema that exists, so there is nowhere to " +
            $"create the tables. Create the schema, fix the role's search_path or Search Path= in the connection string, or set {DatabaseOptions.SectionName}:Schema.");

    /// <summary>True when <paramref name="schema"/> exists in the connection's database.</summary>
    public static bool Exists(NpgsqlConnection connection, string schema)
    {
        using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @name)", connection);
        command.Parameters.AddWithValue("name", schema);
        return (bool)command.ExecuteScalar()!;
    }

    /// <summary>Creates the configured schema when it does not exist yet (the deployer holds the migration lock).</summary>
    public static void CreateConfigured(NpgsqlConnection connection, DatabaseOptions options)
    {
        if (Configured(options) is { } schema && !Exists(connection, schema))
        {
            using var command = new NpgsqlCommand($"CREATE SCHEMA {Quote(schema)}", connection);
            command.ExecuteNonQuery();
        }
    }

    /// <summary><paramref name="name"/> as a quoted identifier.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    /// <summary><paramref name="table"/> qualified with <paramref name="schema"/>, both quoted.</summary>
    public static string Qualify(string schema, string table) => Quote(schema) + "." + Quote(table);

    private static string? Configured(DatabaseOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Schema))
        {
            return null;
        }

        if (options.Schema != options.Schema.Trim() || Encoding.UTF8.GetByteCount(options.Schema) > MaxNameBytes || options.Schema.Contains('\0'))
        {
            throw new InvalidOperationException(
                $"{DatabaseOptions.SectionName}:Schema '{options.Schema}' cannot name a PostgreSQL schema: use at most {MaxNameBytes} bytes, " +
                "without leading or trailing spaces.");
        }

        return options.Schema;
    }

    /// <summary>The first existing schema of the connection's search path (null when none exists).</summary>
    public static string? Current(NpgsqlConnection connection) => Scalar(connection, "SELECT current_schema()");

    private static string? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar() as string;
    }
}
