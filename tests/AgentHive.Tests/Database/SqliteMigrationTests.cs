using System.Linq;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentHive.Tests.Database;

public sealed class SqliteMigrationTests : IntegrityContract
{
    public SqliteMigrationTests()
        : base(new SqliteTestDatabase())
    {
    }

    private SqliteTestDatabase Sqlite => (SqliteTestDatabase)Database;

    [Fact]
    public void Loaded_sqlite_has_the_wal_reset_fix()
    {
        Assert.True(SqliteConnectionSetup.LibraryVersion() >= new System.Version(3, 51, 3),
            $"SQLite {SqliteConnectionSetup.LibraryVersion()} is older than 3.51.3");
    }

    [Theory]
    [InlineData("3.49.1")]
    [InlineData("3.51.2")]
    public void Sqlite_without_the_wal_reset_fix_is_refused(string version)
    {
        var error = Assert.Throws<System.InvalidOperationException>(() => SqliteConnectionSetup.EnsureSupported(System.Version.Parse(version)));

        Assert.Contains("3.51.3", error.Message);
    }

    [Fact]
    public void Connections_from_the_runtime_enforce_foreign_keys_and_use_wal()
    {
        Migrator.Up();

        foreach (var connection in new[] { SqliteConnectionSetup.Open(Sqlite.Options.ConnectionString), OpenThroughFactory() })
        {
            using (connection)
            {
                Assert.Equal(1L, Pragma(connection, "foreign_keys"));
                Assert.Equal(5000L, Pragma(connection, "busy_timeout"));
                Assert.Equal(1L, Pragma(connection, "synchronous")); // NORMAL
                Assert.Equal("wal", Pragma(connection, "journal_mode"));
            }
        }
    }

    [Fact]
    public void Lookup_of_messages_by_task_id_in_the_payload_uses_its_index()
    {
        Migrator.Up();
        Database.Execute("INSERT INTO agents (name, agent_type) VALUES ('a', 'worker')");
        for (var i = 0; i < 200; i++)
        {
            Database.Execute($"INSERT INTO agent_messages (to_agent_id, message_type, payload) VALUES (1, 'task_assignment', '{{\"task_id\": {i}}}')");
        }

        Database.Execute("ANALYZE");

        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT id FROM agent_messages WHERE json_extract(payload, '$.task_id') = $task";
        command.Parameters.Add(new SqliteParameter("$task", 42));
        using var reader = command.ExecuteReader();
        var plan = string.Empty;
        while (reader.Read())
        {
            plan += reader.GetString(3) + "\n";
        }

        Assert.Matches("SEARCH agent_messages USING (COVERING )?INDEX ix_agent_messages_payload_task_id", plan);
    }

    [Fact]
    public void Tables_are_strict_so_declared_types_hold()
    {
        Migrator.Up();

        Database.Execute("INSERT INTO agents (name, agent_type) VALUES ('a', 'worker')");

        // Without STRICT, SQLite would store these texts in INTEGER and REAL columns without complaint.
        Assert.ThrowsAny<System.Data.Common.DbException>(() =>
            Database.Execute("INSERT INTO performance_metrics (agent_id, metric_name, metric_value) VALUES (1, 'latency', 'fast')"));
        Assert.ThrowsAny<System.Data.Common.DbException>(() =>
            Database.Execute("INSERT INTO performance_metrics (agent_id, metric_name, metric_value) VALUES ('one', 'latency', 1.5)"));
        Assert.Equal(0, Database.Scalar("SELECT COUNT(*) FROM performance_metrics"));
    }

    [Fact]
    public void Status_of_a_missing_file_does_not_create_it()
    {
        var (output, _, code) = Cli("status");

        Assert.Equal(SchemaCommandLine.Success, code);
        Assert.Contains("pending", output);
        Assert.False(System.IO.File.Exists(Sqlite.FilePath));
    }

    private SqliteConnection OpenThroughFactory()
    {
        var connection = (SqliteConnection)new ConfiguredSqliteFactory(5).CreateConnection();
        connection.ConnectionString = Sqlite.Options.ConnectionString;
        connection.Open();
        return connection;
    }

    private static object Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return command.ExecuteScalar()!;
    }

    protected override string[] ExpectedIncluded(IndexShape shape, int keyCount) => shape.Keys.Skip(keyCount).ToArray();
}
