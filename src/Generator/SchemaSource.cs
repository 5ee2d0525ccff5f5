namespace AgentHive.Generator;

/// <summary>The text of one schema file (schema.yaml, a frozen version or the checksums) as it entered the pipeline.</summary>
/// <param name="Role">
/// What the project said the file is (the <c>AgentHiveRole</c> metadata the package's build files set):
/// then the schema file may have any name. Files without it are recognised by their names.
/// </param>
public sealed record SchemaSource(string Path, string Text, SchemaFileRole Role = SchemaFileRole.Unspecified);

/// <summary>The <c>AgentHiveRole</c> metadata of an AdditionalFiles item.</summary>
public enum SchemaFileRole
{
    /// <summary>No metadata: the file is recognised by its name.</summary>
    Unspecified,

    /// <summary>The project's schema file, whatever its name.</summary>
    Schema,

    /// <summary>A file of the history folder: <c>schema.vN.yaml</c> or <c>schema.checksums</c>.</summary>
    History,
}

/// <summary>The project-relative paths of the schema file and the history folder, as the project set them.</summary>
public sealed record ProjectPaths(string SchemaFile, string HistoryFolder)
{
    public static readonly ProjectPaths Default = new(HistoryPipeline.SchemaFileName, "history");
}
