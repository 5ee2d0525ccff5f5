using System.Collections.Generic;

namespace AgentHive.Generator.Parsing;

// The workload declarations of a table: queue, retention and memory.
public static partial class SchemaReader
{
    /// <summary>Keys of each declaration; a key ending in '.' is a nested mapping with the keys that follow its prefix.</summary>
    internal static readonly Dictionary<string, string[]> WorkloadKeys = new()
    {
        ["queue"] = new[]
        {
            "state", "claimable", "leased", "acked", "retry", "dead", "lease", "maxAttempts", "backoff.", "backoff.base",
            "backoff.max", "backoff.exponential", "partition", "order", "attempts", "leaseOwner", "leaseExpiresAt", "visibleAt",
            "idempotencyKey",
        },
        ["retention"] = new[] { "time", "keep", "state", "states", "partition.", "partition.interval", "partition.ahead" },
        ["memory"] = new[]
        {
            "owner", "importance", "time", "lastUse", "keepTop", "dropBelow", "unusedFor", "contentHash", "compress.",
            "compress.column", "compress.above",
        },
    };

    // Keys whose value is a list; every other key takes a scalar.
    private static readonly HashSet<string> ListKeys = new() { "claimable", "leased", "order", "states" };

    private sealed partial class Reader
    {
        private SettingsSyntax? ReadSettings(YamlScalar key, YamlNode node, string table)
        {
            var context = $"'{key.Value}' of table '{table}'";
            if (Expect<YamlMapping>(node, context) is not { } mapping)
            {
                return null;
            }

            var settings = new SettingsSyntax(ToToken(key), node.Location);
            ReadSettingsInto(settings, mapping, WorkloadKeys[key.Value], string.Empty, context);
            return settings;
        }

        private void ReadSettingsInto(SettingsSyntax settings, YamlMapping mapping, string[] allowed, string prefix, string context)
        {
            var here = new List<string>();
            foreach (var name in allowed)
            {
                if (name.StartsWith(prefix, System.StringComparison.Ordinal) && name.Length > prefix.Length &&
                    name.IndexOf('.', prefix.Length) is var dot && (dot < 0 || dot == name.Length - 1))
                {
                    here.Add(name.Substring(prefix.Length).TrimEnd('.'));
                }
            }

            foreach (var (entryKey, value) in Entries(mapping, here.ToArray(), context, "key"))
            {
                var full = prefix + entryKey.Value;
                if (System.Array.IndexOf(allowed, full + ".") >= 0)
                {
                    if (Expect<YamlMapping>(value, $"'{full}' of {context}") is { } nested)
                    {
                        settings.Mappings[full] = ToToken(entryKey);
                        ReadSettingsInto(settings, nested, allowed, full + ".", $"'{full}' of {context}");
                    }
                }
                else if (ListKeys.Contains(full))
                {
                    settings.Lists[full] = ScalarList(value, $"'{full}' of {context}");
                }
                else if (Scalar(value, $"'{full}' of {context}") is { } token)
                {
                    settings.Scalars[full] = token;
                }
            }
        }
    }
}
