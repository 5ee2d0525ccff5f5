using System;
using AgentHive.Runtime.Migrations;
using AgentHive.Tests.Database;
using Xunit;

namespace AgentHive.Tests.Workload;

/// <summary>The autovacuum parameters of queue tables: created, upgraded into, and checked by verify.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresQueueStorageTests : IDisposable
{
    private const string Expected = "autovacuum_analyze_scale_factor=0.02,autovacuum_vacuum_scale_factor=0.01,autovacuum_vacuum_threshold=1000,fillfactor=90";

    private readonly PostgresTestDatabase _database;

    public PostgresQueueStorageTests(PostgresServer server) => _database = new PostgresTestDatabase(server);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void Queue_tables_vacuum_early_whether_created_or_upgraded_from_version_1_and_verify_sees_a_change()
    {
        var migrator = new SchemaMigrator(_database.Options, AgentHiveBuild.Assembly);
        migrator.Up(1);
        Assert.Equal(string.Empty, Options("agent_messages"));

        migrator.Up();

        Assert.Equal(Expected, Options("agent_messages"));
        Assert.Equal(Expected, Options("tasks"));
        Assert.Equal(string.Empty, Options("events"));
        Assert.True(migrator.Verify().Clean, string.Join("; ", migrator.Verify().Problems));

        _database.Execute("ALTER TABLE agent_messages RESET (autovacuum_vacuum_scale_factor)");

        var problem = Assert.Single(migrator.Verify().Problems);
        Assert.Contains("table agent_messages differs", problem);
        Assert.Contains("autovacuum_vacuum_scale_factor=0.01", problem);

        migrator.Down(1);
        Assert.Equal(string.Empty, Options("agent_messages"));
    }

    private string Options(string table)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT coalesce(array_to_string(array(SELECT o FROM unnest(reloptions) o ORDER BY o), ','), '') FROM pg_class WHERE relname = '{table}' AND relnamespace = 'public'::regnamespace";
        return (string)command.ExecuteScalar()!;
    }
}
