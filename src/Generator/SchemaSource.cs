namespace AgentHive.Generator;

/// <summary>The text of one schema file (schema.yaml, a frozen version or the checksums) as it entered the pipeline.</summary>
public sealed record SchemaSource(string Path, string Text);
