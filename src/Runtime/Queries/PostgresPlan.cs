using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Text.Json;

namespace AgentHive.Runtime.Queries;

/// <summary>Reads PostgreSQL's EXPLAIN (FORMAT JSON): a Seq Scan reads every row of its relation; any node with an Index Name uses that index.</summary>
internal static class PostgresPlan
{
    public static ReadPlan Explain(DbConnection connection, string sql, IReadOnlyDictionary<string, object> values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN (FORMAT JSON) " + sql;
        foreach (var (name, value) in values)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        var json = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
        using var document = JsonDocument.Parse(json);
        var plan = new ReadPlan(new List<string>(), new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        foreach (var root in document.RootElement.EnumerateArray())
        {
            Walk(root.GetProperty("Plan"), 0, plan);
        }

        return plan;
    }

    private static void Walk(JsonElement node, int depth, ReadPlan plan)
    {
        var type = Text(node, "Node Type") ?? "?";
        var relation = Text(node, "Relation Name");
        var index = Text(node, "Index Name");
        var line = new string(' ', 2 * depth) + type;
        if (relation is not null)
        {
            line += " on " + relation;
        }

        if (index is not null)
        {
            line += " using " + index;
            plan.UsedIndexes.Add(index);
        }

        if (Text(node, "Filter") is { } filter)
        {
            line += " (filter: " + filter + ")";
        }

        plan.Lines.Add(line);
        if (type == "Seq Scan" && relation is not null)
        {
            plan.ScannedTables.Add(relation);
        }

        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                Walk(child, depth + 1, plan);
            }
        }
    }

    private static string? Text(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
