using System.Collections.Generic;
using AgentHive.Runtime.Sqlite;
using AgentHive.Tests.Database;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentHive.Tests.Writing;

/// <summary>A SQLite file with one table of keyed rows, to count what concurrent writers left behind.</summary>
public sealed class WritesTable : System.IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    public WritesTable()
    {
        using var connection = SqliteConnectionSetup.Open(ConnectionString);
        using var command = connection.CreateCommand();
        // No UNIQUE on key: a row written twice must show up as a duplicate, not as a failed insert.
        command.CommandText = "CREATE TABLE writes (id INTEGER PRIMARY KEY, key TEXT NOT NULL, CHECK (key <> 'bad'))";
        command.ExecuteNonQuery();
    }

    public string ConnectionString => _database.Options.ConnectionString;

    public string FilePath => _database.FilePath;

    public static void Insert(SqliteConnection connection, string key, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO writes (key) VALUES ($key)";
        command.Parameters.AddWithValue("$key", key);
        command.ExecuteNonQuery();
    }

    public static long LastRowId(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT last_insert_rowid()";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Every key with the ids of its rows, in id order.</summary>
    public Dictionary<string, List<long>> Rows()
    {
        var rows = new Dictionary<string, List<long>>();
        using var connection = SqliteConnectionSetup.Open(ConnectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, id FROM writes ORDER BY id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = reader.GetString(0);
            if (!rows.TryGetValue(key, out var ids))
            {
                rows[key] = ids = new List<long>();
            }

            ids.Add(reader.GetInt64(1));
        }

        return rows;
    }

    /// <summary>Asserts that exactly <paramref name="expected"/> are present, each once.</summary>
    public void AssertEachOnce(IEnumerable<string> expected)
    {
        var rows = Rows();
        Assert.DoesNotContain(rows, r => r.Value.Count != 1);
        Assert.Equal(new SortedSet<string>(expected, System.StringComparer.Ordinal), new SortedSet<string>(rows.Keys, System.StringComparer.Ordinal));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _database.Dispose();
    }
}
