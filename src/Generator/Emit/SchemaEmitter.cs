using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>The schema's identity and its full DDL per backend, as constants.</summary>
internal static class SchemaEmitter
{
    public static string Emit(SchemaModel schema)
    {
        var w = new SourceWriter().Header(schema.Namespace);
        w.Summary($"Schema '{schema.Name}' at version {schema.Version}: its tables and DDL for each backend.");
        w.Open($"public static partial class {schema.TypeName}");
        w.Line("/// <summary>The schema's name in schema.yaml.</summary>");
        w.Line($"public const string Name = {SourceWriter.Literal(schema.Name)};");
        w.Line();
        w.Line("/// <summary>The version schema.yaml declares: the latest migration.</summary>");
        w.Line($"public const long Version = {schema.Version};");
        w.Line();
        w.Line("/// <summary>How generated entities write a timestamp (UTC, microseconds, fixed width); format your own parameters with it.</summary>");
        w.Line($"public const string TimestampFormat = {SourceWriter.Literal(SqliteDialect.TimestampFormat)};");
        w.Line();
        w.Line("/// <summary>Every table, parents before children.</summary>");
        w.Open("public static global::System.Collections.Generic.IReadOnlyList<string> Tables { get; } = new string[]");
        foreach (var table in schema.Tables)
        {
            w.Line(SourceWriter.Literal(table.Name) + ",");
        }

        w.Close(";");
        foreach (var dialect in new ISqlDialect[] { SqliteDialect.Instance, PostgresDialect.Instance })
        {
            w.Line();
            w.Line($"/// <summary>DDL for {dialect.Name}.</summary>");
            w.Open($"public static class {dialect.Name}");
            w.Line("/// <summary>Creates every table and index, one statement per item, in order.</summary>");
            WriteArray(w, "Create", DdlBuilder.Create(schema, dialect));
            w.Line();
            w.Line("/// <summary>Drops every table (children first), one statement per item.</summary>");
            WriteArray(w, "Drop", DdlBuilder.Drop(schema, dialect));
            w.Close();
        }

        QueryPlanEmitter.Write(w, schema);
        w.Close();
        return w.ToString();
    }

    public static void WriteArray(SourceWriter w, string name, System.Collections.Generic.IReadOnlyList<string> statements)
    {
        w.Open($"public static global::System.Collections.Generic.IReadOnlyList<string> {name} {{ get; }} = new string[]");
        foreach (var statement in statements)
        {
            w.Line(SourceWriter.Verbatim(statement) + ",");
        }

        w.Close(";");
    }
}
