using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentHive.Generator;

/// <summary>
/// What the project's build files tell the generator: the AgentHiveRole of each AdditionalFiles item and the
/// AgentHiveSchemaFile / AgentHiveHistoryFolder properties (see the package's build/*.props and *.targets).
/// </summary>
internal static class ProjectOptions
{
    public const string RoleMetadata = "build_metadata.AdditionalFiles.AgentHiveRole";
    public const string SchemaFileProperty = "build_property.AgentHiveSchemaFile";
    public const string HistoryFolderProperty = "build_property.AgentHiveHistoryFolder";

    public static SchemaFileRole Role(AnalyzerConfigOptions options)
    {
        if (!options.TryGetValue(RoleMetadata, out var role))
        {
            return SchemaFileRole.Unspecified;
        }

        return role.Trim().ToLowerInvariant() switch
        {
            "schema" => SchemaFileRole.Schema,
            "history" => SchemaFileRole.History,
            _ => SchemaFileRole.Unspecified,
        };
    }

    public static ProjectPaths Paths(AnalyzerConfigOptions options) => new(
        Value(options, SchemaFileProperty) ?? ProjectPaths.Default.SchemaFile,
        Value(options, HistoryFolderProperty) ?? ProjectPaths.Default.HistoryFolder);

    private static string? Value(AnalyzerConfigOptions options, string key) =>
        options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim().Replace('\\', '/') : null;
}
