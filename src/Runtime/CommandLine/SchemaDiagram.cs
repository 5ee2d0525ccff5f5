using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace AgentHive.Runtime.CommandLine;

/// <summary>
/// <c>schema diagram</c>: writes the schema's Markdown document (Mermaid ER diagram, then every table's
/// columns, constraints and indexes) or, with <c>--mermaid</c>, the diagram alone, as the generator
/// compiled them into the app (the schema class's <c>Documentation</c> and <c>Diagram</c> constants).
/// </summary>
internal static class SchemaDiagram
{
    public static int Run(SchemaProject project, bool mermaidOnly, string? outputPath, TextWriter output, TextWriter error)
    {
        var name = mermaidOnly ? "Diagram" : "Documentation";
        var schemaClass = project.Assembly.GetTypes().FirstOrDefault(t => t.IsAbstract && t.IsSealed && t.IsPublic
            && t.GetField("SchemaFile") is not null && t.GetField(name, BindingFlags.Public | BindingFlags.Static) is not null);
        if (schemaClass?.GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is not string text)
        {
            error.WriteLine($"The schema class of {project.Assembly.GetName().Name} has no {name}: it was built by an older AgentHive.Schema.Generator. " +
                "Update the package and build again.");
            return SchemaCommandLine.Usage;
        }

        if (outputPath is null)
        {
            output.Write(text);
            return SchemaCommandLine.Success;
        }

        if (outputPath.Trim().Length == 0)
        {
            error.WriteLine("--output needs a file path, such as docs/schema.md.");
            return SchemaCommandLine.Usage;
        }

        var path = outputPath;
        try
        {
            path = Path.GetFullPath(outputPath);
            if (Directory.Exists(path))
            {
                error.WriteLine($"Could not write {path}: it is a folder. Name a file, such as {Path.Combine(path, "schema.md")}.");
                return SchemaCommandLine.Usage;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error.WriteLine($"Could not write {path}: {ex.Message}");
            return SchemaCommandLine.Usage;
        }

        output.WriteLine($"Wrote the {(mermaidOnly ? "Mermaid ER diagram" : "schema document")} of '{project.Name}' version {project.Version} to {path}.");
        return SchemaCommandLine.Success;
    }
}
