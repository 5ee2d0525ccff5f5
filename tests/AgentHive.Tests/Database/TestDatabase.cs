using System;
using System.Collections.Generic;
using System.Data.Common;
using AgentHive.Runtime.Configuration;

namespace AgentHive.Tests.Database;

/// <summary>A fresh, empty database of one backend for one test, and how to read its catalog.</summary>
public sealed record IndexShape(bool Partial, IReadOnlyList<string> Keys, IReadOnlyList<string> Included);

public abstract class TestDatabase : IDisposable
{
    public abstract DatabaseOptions Options { get; }

    public abstract DbConnection Open();

    /// <summary>Base tables in the database, read from its catalog.</summary>
    public abstract IReadOnlySet<string> Tables();

    /// <summary>Index names in the database, read from its catalog (primary-key indexes excluded).</summary>
    public abstract IReadOnlySet<string> Indexes();

    /// <summary>(table, column, referenced table, on-delete action) for every foreign key.</summary>
    public abstract IReadOnlySet<(string Table, string Column, string Referenced, string OnDelete)> ForeignKeys();

    /// <summary>CHECK constraint names per table, read from the catalog.</summary>
    public abstract IReadOnlySet<(string Table, string Name)> Checks();

    public abstract string InsertSql(string sqliteSql, string postgresSql);

    /// <summary>How the catalog describes an index: partial or not, its key columns (expressions as "(expr)"), included columns.</summary>
    public abstract IndexShape DescribeIndex(string name);

    /// <summary>Trigger names in the database, from its catalog.</summary>
    public abstract IReadOnlySet<string> Triggers();

    /// <summary>The backend's own consistency checks pass (SQLite: integrity_check and foreign_key_check).</summary>
    public abstract void AssertIntegrity();

    /// <summary>The schema as comparable catalog lines (see <see cref="Evolution.CatalogSnapshot"/>).</summary>
    public abstract IReadOnlyList<string> Catalog();

    public List<long> Longs(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var result = new List<long>();
        while (reader.Read())
        {
            result.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return result;
    }

    public abstract void Dispose();

    public long Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a script as an operator would apply it (PostgreSQL: psql, statement by statement).</summary>
    public virtual void ExecuteScript(string script) => Execute(script);

    public int Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    protected static IReadOnlySet<string> Strings(DbConnection connection, string sql)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
