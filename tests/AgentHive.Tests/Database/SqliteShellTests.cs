using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using AgentHive.Runtime.Migrations;
using AgentHive.Tests.Evolution;
using AgentHive.Tests.Generator;
using Xunit;

namespace AgentHive.Tests.Database;

/// <summary>
/// Databases we create open in the system's older sqlite3 shell (Debian 12: 3.40.1), which parses every
/// trigger of the schema on open; and the rules still hold, with their messages, when written through it.
/// </summary>
public sealed class SqliteShellTests : IDisposable
{
    private readonly List<SqliteTestDatabase> _databases = new();

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public void The_shell_is_old_enough_to_refuse_a_raise_message_built_from_an_expression()
    {
        // Without this the other tests here could pass on a shell that accepts what older ones refuse.
        var result = SqliteShell.Run(NewFile(),
            "CREATE TABLE t (s TEXT);\n" +
            "CREATE TRIGGER tr BEFORE INSERT ON t BEGIN SELECT RAISE(ABORT, 'bad ' || NEW.s); END;\n");

        Assert.True(result.ExitCode != 0, $"sqlite3 {SqliteShell.SqliteVersion()} accepted RAISE(ABORT, <expression>); these tests need SQLite older than 3.41 (Debian 12's sqlite3).");
        Assert.Contains("syntax error", result.Error);
    }

    [Fact]
    public void Every_statement_generated_for_the_test_schemas_runs_in_the_shell()
    {
        var shop = Current(ImmutableArray.Create(new SchemaSource("schema.yaml", GoldenTests.SmallSchema)));
        var agentHive = Current(AgentHiveSources());
        var store = EvolutionSchemas.TwoVersions();

        foreach (var schema in new[] { shop, agentHive, store.Current })
        {
            var script = DdlBuilder.Create(schema, SqliteDialect.Instance).Concat(DdlBuilder.Drop(schema, SqliteDialect.Instance));
            AssertRuns(NewFile(), $"{schema.Name}: create and drop", script);
        }

        // Every migration of a history written in today's form, with its history record, up to the newest version and down to nothing.
        var chain = store.Versions.SelectMany(v => v.SqliteUp.Concat(Record(v)))
            .Concat(store.Versions.Reverse().SelectMany(v => v.SqliteDown.Append(SchemaHistoryTable.Delete(v.Version))));
        AssertRuns(NewFile(), "store: every version up, then down", chain);

        // Agent Hive's version 2 starts from version 1 as frozen, which the shell cannot open; from the same
        // tables written in today's form, its Up (rebuilds, timestamp rewrite, new triggers) must run too.
        var version1 = Current(ImmutableArray.Create(new SchemaSource("schema.yaml", File.ReadAllText(RepositoryPaths.Combine("src", "Migrations", "history", "schema.v1.yaml")))));
        var upgrade = HistoryPipeline.Run(AgentHiveSources()).Model!.Versions.Single(v => v.Version == 2).SqliteUp;
        AssertRuns(NewFile(), "agent hive: version 1 in today's form, then version 2's Up", DdlBuilder.Create(version1, SqliteDialect.Instance).Concat(upgrade));
    }

    [Fact]
    public void Agent_hive_database_migrated_to_the_latest_version_opens_in_the_shell_and_refuses_a_forbidden_transition()
    {
        var database = Track(new SqliteTestDatabase());
        new SchemaMigrator(database.Options, AgentHiveBuild.Assembly).Up();

        AssertTaskRulesHoldInTheShell(database.FilePath);
    }

    [Fact]
    public void Agent_hive_v1_database_opens_in_the_shell_once_upgraded_to_v2()
    {
        var database = Track(new SqliteTestDatabase());
        var migrator = new SchemaMigrator(database.Options, AgentHiveBuild.Assembly);
        migrator.Up(1);
        database.Execute("INSERT INTO tasks (title) VALUES ('written at version 1')");

        // Version 1 is frozen as it shipped, triggers the old shell cannot parse included; version 2 rewrites them.
        var atVersion1 = SqliteShell.Run(database.FilePath, "PRAGMA integrity_check;");
        Assert.Contains("malformed database schema", atVersion1.Error);

        migrator.Up();

        AssertTaskRulesHoldInTheShell(database.FilePath);
        Assert.Equal("written at version 1", Shell(database.FilePath, "SELECT title FROM tasks WHERE id = 1;"));
    }

    [Fact]
    public void Construct_schema_database_opens_in_the_shell_and_refuses_a_forbidden_transition()
    {
        var database = Track(new SqliteTestDatabase());
        foreach (var statement in DdlBuilder.Create(Current(ImmutableArray.Create(new SchemaSource("schema.yaml", GoldenTests.SmallSchema))), SqliteDialect.Instance))
        {
            database.Execute(statement);
        }

        Assert.Equal("ok", Shell(database.FilePath, "PRAGMA integrity_check;"));
        Shell(database.FilePath, "INSERT INTO customers (email, profile) VALUES ('a@example.org', '{\"locale\":\"en\"}'); INSERT INTO orders (customer_id) VALUES (1);");

        var skip = SqliteShell.Run(database.FilePath, "UPDATE orders SET status = 'shipped';");
        var born = SqliteShell.Run(database.FilePath, "INSERT INTO orders (customer_id, status) VALUES (1, 'paid');");

        Assert.Contains("orders.status: illegal transition from 'new' to 'shipped'", skip.Error);
        Assert.Contains("orders.status: cannot insert in state 'paid'; initial states: new", born.Error);
        Assert.Equal("new", Shell(database.FilePath, "SELECT status FROM orders;"));
    }

    private static void AssertTaskRulesHoldInTheShell(string file)
    {
        Assert.Equal("ok", Shell(file, "PRAGMA integrity_check;"));
        Shell(file, "INSERT INTO tasks (title) VALUES ('written by the shell');");

        var skip = SqliteShell.Run(file, "UPDATE tasks SET status = 'completed' WHERE title = 'written by the shell';");
        var born = SqliteShell.Run(file, "INSERT INTO tasks (title, status) VALUES ('born done', 'completed');");

        Assert.Contains("tasks.status: illegal transition from 'pending' to 'completed'", skip.Error);
        Assert.Contains("tasks.status: cannot insert in state 'completed'; initial states: pending", born.Error);
        Assert.Equal("pending", Shell(file, "SELECT status FROM tasks WHERE title = 'written by the shell';"));
        Shell(file, "UPDATE tasks SET status = 'assigned' WHERE title = 'written by the shell';");
    }

    private static IEnumerable<string> Record(VersionPlan version) => new[]
    {
        SchemaHistoryTable.Create(SqliteDialect.Instance),
        SchemaHistoryTable.Insert(SqliteDialect.Instance, version.Version, version.Description, version.SqliteChecksum, "test"),
    };

    private static string Shell(string file, string script)
    {
        var result = SqliteShell.Run(file, script);
        Assert.True(result.ExitCode == 0, $"sqlite3 failed on {script}\n{result.Error}");
        return result.Output;
    }

    private static void AssertRuns(string file, string what, IEnumerable<string> statements)
    {
        var result = SqliteShell.Run(file, DdlBuilder.Script(statements));
        Assert.True(result.ExitCode == 0, $"{what}: sqlite3 {SqliteShell.SqliteVersion()} refused a generated statement: {result.Error}");
    }

    private static SchemaModel Current(ImmutableArray<SchemaSource> sources) =>
        HistoryPipeline.Run(sources).Model?.Current ?? throw new InvalidOperationException("the schema does not compile");

    private static ImmutableArray<SchemaSource> AgentHiveSources() =>
        Directory.GetFiles(RepositoryPaths.Combine("src", "Migrations", "history"))
            .Append(RepositoryPaths.Combine("schema.yaml"))
            .Select(path => new SchemaSource(path, File.ReadAllText(path)))
            .ToImmutableArray();

    private string NewFile()
    {
        var database = Track(new SqliteTestDatabase());
        return database.FilePath;
    }

    private SqliteTestDatabase Track(SqliteTestDatabase database)
    {
        _databases.Add(database);
        return database;
    }
}
