using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Text.RegularExpressions;

namespace AgentHive.Runtime.Queries;

/// <summary>Reads SQLite's EXPLAIN QUERY PLAN: "SCAN t" without an index reads every row; "USING [COVERING] INDEX ix" uses ix.</summary>
internal static class SqlitePlan
{
    private static readonly Regex Scan = new(@"^SCAN (?<name>\S+)(?<rest>.*)$", RegexOptions.CultureInvariant);
    private static readonly Regex Index = new(@"USING (?:COVERING )?INDEX (?<index>[^\s(]+)", RegexOptions.CultureInvariant);

    public static ReadPlan Explain(DbConnection connection, string sql, IReadOnlyDictionary<string, object> values, IReadOnlyDictionary<string, string> aliases)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in values)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        var depth = new Dictionary<long, int>();
        var lines = new List<string>();
        var scanned = new HashSet<string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            var parent = reader.GetInt64(1);
            var detail = reader.GetString(3);
            var level = depth.TryGetValue(parent, out var parentLevel) ? parentLevel + 1 : 0;
            depth[id] = level;
            lines.Add(new string(' ', 2 * level) + detail);
            if (Scan.Match(detail) is { Success: true } scan && !scan.Groups["rest"].Value.Contains("USING", StringComparison.Ordinal))
            {
                var name = scan.Groups["name"].Value;
                scanned.Add(aliases.TryGetValue(name, out var table) ? table : name);
            }

            foreach (Match index in Index.Matches(detail))
            {
                used.Add(index.Groups["index"].Value);
            }
        }

        return new ReadPlan(lines, scanned, used);
    }
}
