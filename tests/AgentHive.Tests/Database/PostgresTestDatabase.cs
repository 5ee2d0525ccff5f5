using System;
using System.Collections.Generic;
using System.Data.Common;
using AgentHive.Runtime.Configuration;
using Npgsql;

namespace AgentHive.Tests.Database;

/// <summary>A new database on the test server for one test, dropped afterwards.</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly PostgresServer _server;
    private readonly string _name = "agenthive_test_" + Guid.NewGuid().ToString("N");
    private readonly List<string> _roles = new();

    public PostgresTestDatabase(PostgresServer server)
    {
        _server = server;
        ConnectionString = server.CreateDatabase(_name);
        Options = new DatabaseOptions { Provider = "postgres", ConnectionString = ConnectionString };
    }

    public string ConnectionString { get; }

    public override DatabaseOptions Options { get; }

    public override DbConnection Open()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    // One command through the driver would be one pipeline, where CREATE INDEX CONCURRENTLY cannot run.
    public override void ExecuteScript(string script)
    {
        var target = new NpgsqlConnectionStringBuilder(ConnectionString);
        var info = new System.Diagnostics.ProcessStartInfo("psql")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", target.Host!, "-p", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", target.Username!, "-d", target.Database! })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PGPASSWORD"] = target.Password ?? string.Empty;
        using var psql = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("psql did not start: install the PostgreSQL client (apt-get install postgresql-client)");
        var output = psql.StandardOutput.ReadToEndAsync();
        var errors = psql.StandardError.ReadToEndAsync();
        psql.StandardInput.Write(script);
        psql.StandardInput.Close();
        psql.WaitForExit();
        Xunit.Assert.True(psql.ExitCode == 0, $"psql failed ({psql.ExitCode}): {errors.Result}{output.Result}");
    }

    public override IReadOnlySet<string> Tables()
    {
        using var connection = Open();
        return Strings(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
    }

    public override IReadOnlySet<string> Indexes()
    {
        using var connection = Open();
        return Strings(connection,
            "SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = 'public' AND NOT EXISTS " +
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))");
    }

    public override IReadOnlySet<(string Table, string Column, string Referenced, string OnDelete)> ForeignKeys()
    {
        using var connection = Open();
        var result = new HashSet<(string, string, string, string)>();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, " +
            "CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END " +
            "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) " +
            "WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return result;
    }

    public override IReadOnlySet<(string Table, string Name)> Checks()
    {
        using var connection = Open();
        var result = new HashSet<(string, string)>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    public override string InsertSql(string sqliteSql, string postgresSql) => postgresSql;

    public override IndexShape DescribeIndex(string name)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT i.indpred IS NOT NULL, i.indnkeyatts, pg_get_indexdef(i.indexrelid, k, true) " +
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid, generate_series(1, i.indnatts) k " +
            "WHERE c.relname = @name AND c.relnamespace = 'public'::regnamespace ORDER BY k";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "name";
        parameter.Value = name;
        command.Parameters.Add(parameter);
        var partial = false;
        var keys = new List<string>();
        var included = new List<string>();
        using var reader = command.ExecuteReader();
        var position = 0;
        while (reader.Read())
        {
            partial = reader.GetBoolean(0);
            var definition = reader.GetString(2);
            var isColumn = System.Text.RegularExpressions.Regex.IsMatch(definition, "^[a-z_][a-z0-9_]*$");
            (++position <= reader.GetInt16(1) ? keys : included).Add(isColumn ? definition : "(expression)");
        }

        if (position == 0)
        {
            throw new InvalidOperationException($"no index {name}");
        }

        return new IndexShape(partial, keys, included);
    }

    // PostgreSQL checks every constraint as it writes; what is left is a constraint added NOT VALID.
    public override void AssertIntegrity() =>
        Xunit.Assert.Equal(0, Scalar("SELECT COUNT(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND NOT convalidated"));

    public override IReadOnlyList<string> Catalog()
    {
        using var connection = Open();
        return Evolution.CatalogSnapshot.Postgres(connection);
    }

    public override IReadOnlySet<string> Triggers()
    {
        using var connection = Open();
        return Strings(connection, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal");
    }

    /// <summary>A login role that owns this database, with a password no other text contains.</summary>
    public string ConnectionStringForNewOwner(out string password)
    {
        var role = "agenthive_owner_" + Guid.NewGuid().ToString("N").Substring(0, 12);
        password = "pw-" + Guid.NewGuid().ToString("N");
        using (var admin = new NpgsqlConnection(_server.AdminConnectionString))
        {
            admin.Open();
            using var command = admin.CreateCommand();
            command.CommandText = $"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'; ALTER DATABASE \"{_name}\" OWNER TO \"{role}\"";
            command.ExecuteNonQuery();
        }

        _roles.Add(role);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Username = role, Password = password }.ConnectionString;
    }

    public override void Dispose()
    {
        _server.DropDatabase(_name);
        using var admin = new NpgsqlConnection(_server.AdminConnectionString);
        admin.Open();
        foreach (var role in _roles)
        {
            using var command = admin.CreateCommand();
            command.CommandText = $"DROP ROLE IF EXISTS \"{role}\"";
            command.ExecuteNonQuery();
        }
    }
}
