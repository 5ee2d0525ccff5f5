using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// Where the schema file and its history live, relative to the project, so the deploy command line's
/// <c>schema freeze</c> finds them in any project.
/// </summary>
internal static class ProjectEmitter
{
    public static string Emit(SchemaModel schema, ProjectPaths paths)
    {
        var w = new SourceWriter().Header(schema.Namespace);
        w.Open($"public static partial class {schema.TypeName}");
        w.Line("/// <summary>The schema file, relative to the project directory (MSBuild property AgentHiveSchemaFile).</summary>");
        w.Line($"public const string SchemaFile = {SourceWriter.Literal(paths.SchemaFile)};");
        w.Line();
        w.Line("/// <summary>The folder of frozen versions, relative to the project directory (MSBuild property AgentHiveHistoryFolder).</summary>");
        w.Line($"public const string HistoryFolder = {SourceWriter.Literal(paths.HistoryFolder)};");
        w.Line();
        w.Line("/// <summary>The schema's description in the schema file, for help texts.</summary>");
        w.Line($"public const string Description = {SourceWriter.Literal(schema.Description)};");
        w.Close();
        return w.ToString();
    }
}
