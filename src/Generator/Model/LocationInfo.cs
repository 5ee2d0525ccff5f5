namespace AgentHive.Generator.Model;

/// <summary>A position in schema.yaml as plain data (1-based line and column), safe to cache.</summary>
public sealed record LocationInfo(string FilePath, int Line, int Column)
{
    public override string ToString() => $"{FilePath}({Line},{Column})";
}
