using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>The schema's ER diagram and Markdown document as constants of the schema class, so every app carries them.</summary>
internal static class DocumentationEmitter
{
    public static string Emit(SchemaModel schema)
    {
        var w = new SourceWriter().Header(schema.Namespace);
        w.Open($"public static partial class {schema.TypeName}");
        w.Line("/// <summary>The schema as a Mermaid erDiagram: tables, columns, keys and one relationship per foreign key.</summary>");
        w.Line($"public const string Diagram = {SourceWriter.Verbatim(MermaidDiagram.Build(schema))};");
        w.Line();
        w.Line("/// <summary>The schema as Markdown: the diagram, then every table's columns, constraints and indexes, then the enums.</summary>");
        w.Line($"public const string Documentation = {SourceWriter.Verbatim(SchemaDocument.Build(schema))};");
        w.Close();
        return w.ToString();
    }
}
