using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// The schema's database class: one connection, the backend chosen once from it, and a typed accessor
/// per table (<c>db.Tasks.Get(id)</c>). Emitted only when the compilation references AgentHive.Runtime.
/// </summary>
internal static class DatabaseEmitter
{
    /// <summary>The class name: the schema name in PascalCase + "Database" (agent_hive: AgentHiveDatabase).</summary>
    public static string ClassName(SchemaModel schema) => Validation.Names.ToPascalCase(schema.Name) + "Database";

    /// <summary>The first command cache slot of each table's accessor, and the total.</summary>
    public static (IReadOnlyList<int> FirstSlots, int Count) Slots(SchemaModel schema)
    {
        var first = new List<int>();
        var next = 0;
        foreach (var table in schema.Tables)
        {
            first.Add(next);
            next += TableAccessEmitter.StatementCount(table);
        }

        return (first, next);
    }

    public static string Emit(SchemaModel schema, int firstQuerySlot)
    {
        var statementCount = firstQuerySlot + schema.Queries.Count;
        var name = ClassName(schema);
        var w = new SourceWriter().Header(schema.Namespace);
        w.Line("/// <summary>");
        w.Line($"/// Typed data access to schema '{SourceWriter.Escape(schema.Name)}' on one SQLite or PostgreSQL connection: a property per table.");
        w.Line("/// Commands are prepared once per connection and run in <see cref=\"global::AgentHive.Runtime.Data.SchemaDatabase.Transaction\"/>;");
        w.Line("/// dispose it to release them. Not thread-safe, like its connection.");
        w.Line("/// </summary>");
        w.Open($"public sealed partial class {name} : {DataTypes.Runtime}.SchemaDatabase");
        w.Line($"private const int StatementCount = {statementCount};");
        w.Line();
        w.Line("/// <summary>Uses an open (or opens a closed) SqliteConnection or NpgsqlConnection; the caller keeps ownership of it.</summary>");
        w.Line($"public {name}(global::System.Data.Common.DbConnection connection)");
        w.Open("    : this(connection, ownsConnection: false)");
        w.Close();
        w.Line();
        w.Line($"private {name}(global::System.Data.Common.DbConnection connection, bool ownsConnection)");
        w.Open("    : base(connection, StatementCount, ownsConnection)");
        foreach (var table in schema.Tables)
        {
            w.Line($"{TableAccessEmitter.PropertyName(table)} = new global::{TableAccessEmitter.Namespace(schema)}.{TableAccessEmitter.ClassName(table)}(this);");
        }

        w.Close();
        w.Line();
        w.Line("/// <summary>Opens a connection as configured (AgentHive:Database) and owns it: disposing the database closes it.</summary>");
        w.Line($"public static {name} Open(global::AgentHive.Runtime.Configuration.DatabaseOptions options) => new(OpenConnection(options), ownsConnection: true);");
        foreach (var table in schema.Tables)
        {
            w.Line();
            w.Line($"/// <summary>Table '{SourceWriter.Escape(table.Name)}'.</summary>");
            w.Line($"public global::{TableAccessEmitter.Namespace(schema)}.{TableAccessEmitter.ClassName(table)} {TableAccessEmitter.PropertyName(table)} {{ get; }}");
        }

        for (var i = 0; i < schema.Queries.Count; i++)
        {
            w.Line();
            QueryEmitter.Write(w, schema, schema.Queries[i], firstQuerySlot + i);
        }

        w.Close();
        return w.ToString();
    }
}
