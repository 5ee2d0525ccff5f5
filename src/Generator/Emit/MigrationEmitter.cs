using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// One FluentMigrator migration per schema version. Each carries its own SQL text rather than pointing
/// at the current schema, so a shipped version keeps running exactly what it ran when it shipped.
/// </summary>
internal static class MigrationEmitter
{
    public static string ClassName(int version) => "SchemaVersion" + version.ToString("D4", CultureInfo.InvariantCulture);

    public static string Emit(SchemaModel schema)
    {
        var ns = schema.Namespace + ".Migrations";
        var className = ClassName(schema.Version);
        var description = schema.Description.Length > 0 ? schema.Description : $"{schema.Name} version {schema.Version}";
        var w = new SourceWriter().Header(ns);
        w.Summary($"Schema '{schema.Name}' version {schema.Version}: {description}");
        w.Line($"[global::FluentMigrator.Migration({schema.Version}, {SourceWriter.Literal(description)})]");
        w.Open($"public sealed partial class {className} : global::FluentMigrator.Migration");
        var dialects = new ISqlDialect[] { SqliteDialect.Instance, PostgresDialect.Instance };
        foreach (var dialect in dialects)
        {
            w.Line($"/// <summary>Statements Up runs on {dialect.Name}.</summary>");
            SchemaEmitter.WriteArray(w, dialect.Name + "Up", DdlBuilder.Create(schema, dialect));
            w.Line();
            w.Line($"/// <summary>Statements Down runs on {dialect.Name}.</summary>");
            SchemaEmitter.WriteArray(w, dialect.Name + "Down", DdlBuilder.Drop(schema, dialect));
            w.Line();
        }

        WriteDirection(w, "Up", dialects);
        w.Line();
        WriteDirection(w, "Down", dialects);
        w.Line();
        w.Line("// Statements are chosen by the processor's database type; a backend we have no SQL for is an error,");
        w.Line("// never a silently empty migration.");
        w.Open("private void Run(global::System.Collections.Generic.IReadOnlyList<string> sqlite, global::System.Collections.Generic.IReadOnlyList<string> postgres)");
        w.Line("string? databaseType = null;");
        w.Line("IfDatabase(type => { databaseType = type; return false; });");
        w.Open("var statements = databaseType switch");
        foreach (var dialect in dialects)
        {
            w.Line($"{{ }} type when type.StartsWith({SourceWriter.Literal(dialect.MigratorDatabaseType)}, global::System.StringComparison.OrdinalIgnoreCase) => {dialect.Name.ToLowerInvariant()},");
        }

        w.Line("_ => throw new global::System.NotSupportedException($\"Schema migrations have no SQL for database type '{databaseType}'.\"),");
        w.Close(";");
        w.Open("foreach (var statement in statements)");
        w.Line("Execute.Sql(statement);");
        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }

    private static void WriteDirection(SourceWriter w, string direction, IEnumerable<ISqlDialect> dialects)
    {
        w.Line("/// <inheritdoc/>");
        w.Line($"public override void {direction}() => Run({string.Join(", ", dialects.Select(d => d.Name + direction))});");
    }
}
