using System.Collections.Generic;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Parsing;

/// <summary>A YAML node with its position; the only YAML shape the rest of the parser sees.</summary>
internal abstract class YamlNode
{
    protected YamlNode(LocationInfo location) => Location = location;

    public LocationInfo Location { get; }

    public abstract string KindName { get; }
}

internal sealed class YamlScalar : YamlNode
{
    public YamlScalar(string value, bool isPlain, LocationInfo location, ScalarSource? source = null)
        : base(location)
    {
        Value = value;
        IsPlain = isPlain;
        Source = source;
    }

    public string Value { get; }

    /// <summary>The scalar as written, to locate positions inside its value.</summary>
    public ScalarSource? Source { get; }

    /// <summary>True when unquoted: only plain scalars can mean null, booleans or numbers.</summary>
    public bool IsPlain { get; }

    public bool IsNull => IsPlain && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");

    public override string KindName => IsNull ? "null" : "a scalar";
}

internal sealed class YamlSequence : YamlNode
{
    public YamlSequence(IReadOnlyList<YamlNode> items, LocationInfo location)
        : base(location) => Items = items;

    public IReadOnlyList<YamlNode> Items { get; }

    public override string KindName => "a list";
}

internal sealed class YamlMapping : YamlNode
{
    public YamlMapping(IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries, LocationInfo location)
        : base(location) => Entries = entries;

    /// <summary>Entries in document order, duplicates included: the schema reader reports them in context.</summary>
    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; }

    public override string KindName => "a mapping";
}
