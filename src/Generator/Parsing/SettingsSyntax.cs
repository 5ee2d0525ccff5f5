using System.Collections.Generic;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Parsing;

/// <summary>
/// A table's workload declaration (<c>queue:</c>, <c>retention:</c>, <c>memory:</c>): scalar and list
/// settings by key; a nested mapping's keys are joined with a dot (<c>backoff.base</c>).
/// </summary>
public sealed class SettingsSyntax
{
    public SettingsSyntax(Token key, LocationInfo location)
    {
        Key = key;
        Location = location;
    }

    /// <summary>The declaration's own key (queue, retention, memory).</summary>
    public Token Key { get; }

    public LocationInfo Location { get; }

    public Dictionary<string, Token> Scalars { get; } = new();

    public Dictionary<string, List<Token>> Lists { get; } = new();

    /// <summary>The keys of nested mappings that were given (<c>backoff</c>, <c>partition</c>), for their location.</summary>
    public Dictionary<string, Token> Mappings { get; } = new();

    public Token? Mapping(string key) => Mappings.TryGetValue(key, out var token) ? token : null;

    public Token? Scalar(string key) => Scalars.TryGetValue(key, out var token) ? token : null;

    public List<Token>? List(string key) => Lists.TryGetValue(key, out var list) ? list : null;
}
