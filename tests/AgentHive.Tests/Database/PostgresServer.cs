using System;
using System.IO;
using System.Threading.Tasks;
using Npgsql;
using Testcontainers.PostgreSql;
using Xunit;

namespace AgentHive.Tests.Database;

/// <summary>
/// A real PostgreSQL server for the tests, found in this order: the connection string in
/// AGENTHIVE_TEST_POSTGRES; a Testcontainers container where a Docker engine is reachable; a local
/// server on 127.0.0.1:5432 (user postgres, password postgres). Without one every PostgreSQL test
/// fails and says how to provide a server; none is skipped.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Variable = "AGENTHIVE_TEST_POSTGRES";
    private const string LocalDefault = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres;Timeout=5";

    private PostgreSqlContainer? _container;
    private string? _problem;

    public string AdminConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            AdminConnectionString = fromEnvironment;
            _problem = await ProbeAsync(fromEnvironment, $"the server named by {Variable}");
            return;
        }

        if (DockerLooksReachable())
        {
            try
            {
                _container = new PostgreSqlBuilder("postgres:16-alpine").Build();
                await _container.StartAsync();
                AdminConnectionString = _container.GetConnectionString();
                return;
            }
            catch (Exception ex)
            {
                _problem = $"Docker looked reachable but a PostgreSQL container could not start ({ex.Message}).";
            }
        }

        AdminConnectionString = LocalDefault;
        var local = await ProbeAsync(LocalDefault, "a local server on 127.0.0.1:5432");
        _problem = local is null ? null : (_problem is null ? local : $"{_problem} {local}");
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    /// <summary>Creates an empty database for one test and returns its connection string.</summary>
    public string CreateDatabase(string name)
    {
        if (_problem is not null)
        {
            throw new InvalidOperationException(
                $"PostgreSQL tests need a server. {_problem} Provide one by setting {Variable} to a connection string " +
                "of a role that may create databases (e.g. Host=127.0.0.1;Username=postgres;Password=...;Database=postgres), " +
                "by running a Docker engine (Testcontainers starts postgres:16-alpine), or by starting a local server " +
                "(bash .ci/run does: pg_ctlcluster 15 main start).");
        }

        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = false }.ConnectionString;
    }

    public void DropDatabase(string name)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        command.ExecuteNonQuery();
    }

    private static async Task<string?> ProbeAsync(string connectionString, string what)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or TimeoutException or InvalidOperationException)
        {
            return $"Could not connect to {what}: {ex.Message}.";
        }
    }

    private static bool DockerLooksReachable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
