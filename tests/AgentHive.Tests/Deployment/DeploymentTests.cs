using System;
using System.Data.Common;
using System.IO;
using AgentHive.Tests.Database;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentHive.Tests.Deployment;

public sealed class SqliteDeploymentTests : DeploymentContract
{
    protected override TestDatabase NewDatabase() => new SqliteTestDatabase();

    protected override void Tamper(TestDatabase database, string kind)
    {
        switch (kind)
        {
            case "column added":
                database.Execute("ALTER TABLE tasks ADD COLUMN hack TEXT");
                break;
            case "index dropped":
                database.Execute("DROP INDEX ix_tasks_queue");
                break;
            case "default changed":
                RebuildByHand(database, "tasks", sql => sql.Replace("\"priority\" INTEGER NOT NULL DEFAULT 5", "\"priority\" INTEGER NOT NULL DEFAULT 7"));
                break;
            case "check removed":
                RebuildByHand(database, "git_state", sql => sql.Replace(",\n    CONSTRAINT \"ck_git_state_branch_not_empty\" CHECK (length(\"branch\") > 0)", string.Empty));
                break;
            case "checksum edited":
                database.Execute("UPDATE agenthive_schema_history SET checksum = 'edited' WHERE version = 1");
                break;
            case "history row deleted":
                database.Execute("DELETE FROM agenthive_schema_history WHERE version = 2");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>What an operator does to change a SQLite table by hand: the documented rebuild.</summary>
    private static void RebuildByHand(TestDatabase database, string table, Func<string, string> edit)
    {
        using var connection = (SqliteConnection)database.Open();
        string Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (string)command.ExecuteScalar()!;
        }

        void Run(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        var original = Scalar($"SELECT sql FROM sqlite_schema WHERE name = '{table}'");
        var edited = edit(original);
        Assert.NotEqual(original, edited);
        var others = new System.Collections.Generic.List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT sql FROM sqlite_schema WHERE tbl_name = '{table}' AND type IN ('index', 'trigger') AND sql IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                others.Add(reader.GetString(0));
            }
        }

        Run("PRAGMA foreign_keys = OFF");
        Run("BEGIN");
        Run(edited.Replace($"CREATE TABLE \"{table}\"", $"CREATE TABLE \"hand_{table}\""));
        Run($"INSERT INTO \"hand_{table}\" SELECT * FROM \"{table}\"");
        Run($"DROP TABLE \"{table}\"");
        Run($"ALTER TABLE \"hand_{table}\" RENAME TO \"{table}\"");
        foreach (var sql in others)
        {
            Run(sql);
        }

        Run("COMMIT");
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeploymentTests : DeploymentContract
{
    private readonly PostgresServer _server;

    public PostgresDeploymentTests(PostgresServer server) => _server = server;

    protected override TestDatabase NewDatabase() => new PostgresTestDatabase(_server);

    protected override void Tamper(TestDatabase database, string kind) => database.Execute(kind switch
    {
        "column added" => "ALTER TABLE tasks ADD COLUMN hack text",
        "index dropped" => "DROP INDEX ix_tasks_queue",
        "default changed" => "ALTER TABLE tasks ALTER COLUMN priority SET DEFAULT 7",
        "check removed" => "ALTER TABLE git_state DROP CONSTRAINT ck_git_state_branch_not_empty",
        "checksum edited" => "UPDATE agenthive_schema_history SET checksum = 'edited' WHERE version = 1",
        "history row deleted" => "DELETE FROM agenthive_schema_history WHERE version = 2",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    });
}
