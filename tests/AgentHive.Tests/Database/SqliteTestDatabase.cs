using System;
using System.Collections.Generic;
using System.Data.Common;
using System.IO;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentHive.Tests.Database;

/// <summary>A SQLite file in a temporary folder, removed afterwards.</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agenthive-tests", Guid.NewGuid().ToString("N"));

    public SqliteTestDatabase()
    {
        Directory.CreateDirectory(_folder);
        FilePath = Path.Combine(_folder, "agent_hive.db");
        Options = new DatabaseOptions { Provider = "sqlite", ConnectionString = $"Data Source={FilePath}" };
    }

    public string FilePath { get; }

    public override DatabaseOptions Options { get; }

    public override DbConnection Open() => SqliteConnectionSetup.Open(Options.ConnectionString);

    private SqliteConnection OpenSqlite() => SqliteConnectionSetup.Open(Options.ConnectionString);

    public override IReadOnlySet<string> Tables()
    {
        using var connection = Open();
        return Strings(connection, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    }

    public override IReadOnlySet<string> Indexes()
    {
        using var connection = Open();
        return Strings(connection, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'");
    }

    public override IReadOnlySet<(string Table, string Column, string Referenced, string OnDelete)> ForeignKeys()
    {
        using var connection = OpenSqlite();
        var result = new HashSet<(string, string, string, string)>();
        foreach (var table in Tables())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"from\", \"table\", on_delete FROM pragma_foreign_key_list($table)";
            command.Parameters.AddWithValue("$table", table);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add((table, reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return result;
    }

    public override IReadOnlySet<(string Table, string Name)> Checks()
    {
        // SQLite keeps constraints only in the CREATE TABLE text of its catalog.
        using var connection = Open();
        var result = new HashSet<(string, string)>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_schema WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var sql = reader.GetString(1);
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(sql, "CONSTRAINT \"([a-z0-9_]+)\" CHECK"))
            {
                result.Add((reader.GetString(0), match.Groups[1].Value));
            }
        }

        return result;
    }

    public override string InsertSql(string sqliteSql, string postgresSql) => sqliteSql;

    public override IndexShape DescribeIndex(string name)
    {
        using var connection = OpenSqlite();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT l.partial FROM sqlite_schema s, pragma_index_list(s.tbl_name) l WHERE s.type = 'index' AND s.name = $name AND l.name = $name";
        command.Parameters.AddWithValue("$name", name);
        var partial = Convert.ToInt64(command.ExecuteScalar() ?? throw new InvalidOperationException($"no index {name}")) == 1;
        command.CommandText = "SELECT coalesce(name, '(expression)') FROM pragma_index_xinfo($name) WHERE key = 1 ORDER BY seqno";
        var keys = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                keys.Add(reader.GetString(0));
            }
        }

        return new IndexShape(partial, keys, Array.Empty<string>());
    }

    public override void AssertIntegrity()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Xunit.Assert.Equal("ok", command.ExecuteScalar());
        command.CommandText = "PRAGMA foreign_key_check";
        using var reader = command.ExecuteReader();
        Xunit.Assert.False(reader.Read(), "foreign_key_check found a violation");
    }

    public override IReadOnlyList<string> Catalog()
    {
        using var connection = Open();
        return Evolution.CatalogSnapshot.Sqlite(connection);
    }

    public override IReadOnlySet<string> Triggers()
    {
        using var connection = Open();
        return Strings(connection, "SELECT name FROM sqlite_schema WHERE type = 'trigger'");
    }

    public override void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test for it would hide the real result.
        }
    }
}
