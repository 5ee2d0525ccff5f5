using System;

namespace AgentHive.Runtime.Data;

/// <summary>
/// One SQL statement of generated data access: its text per backend and its parameters, and the slot its
/// prepared command takes in a <see cref="SchemaDatabase"/>. Generated code declares these once, statically.
/// </summary>
public sealed class Statement
{
    /// <summary>Declares a statement.</summary>
    /// <param name="slot">Its index in the database's command cache, unique within the schema.</param>
    /// <param name="sqlite">The SQL for SQLite.</param>
    /// <param name="postgres">The SQL for PostgreSQL.</param>
    /// <param name="parameterNames">Parameter names as the SQL writes them (with the '@').</param>
    /// <param name="parameterKinds">How each parameter is bound, in the same order.</param>
    public Statement(int slot, string sqlite, string postgres, string[] parameterNames, DbValueKind[] parameterKinds)
    {
        if (parameterNames.Length != parameterKinds.Length)
        {
            throw new ArgumentException("Every parameter needs a kind.", nameof(parameterKinds));
        }

        Slot = slot;
        Sqlite = sqlite;
        Postgres = postgres;
        ParameterNames = parameterNames;
        ParameterKinds = parameterKinds;
    }

    /// <summary>The index of the prepared command in the database's cache.</summary>
    public int Slot { get; }

    /// <summary>The SQL for SQLite.</summary>
    public string Sqlite { get; }

    /// <summary>The SQL for PostgreSQL.</summary>
    public string Postgres { get; }

    /// <summary>Parameter names, with the '@'.</summary>
    public string[] ParameterNames { get; }

    /// <summary>How each parameter is bound.</summary>
    public DbValueKind[] ParameterKinds { get; }
}
