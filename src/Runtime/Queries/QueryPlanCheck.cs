using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Postgres;

namespace AgentHive.Runtime.Queries;

/// <summary>One declared query's plan and what it breaks.</summary>
/// <param name="Query">The query's name.</param>
/// <param name="Plan">The plan, one node per line, indented by depth.</param>
/// <param name="Problems">Each broken expectation, in a sentence naming the query, the table or index, and the plan; empty when it passed.</param>
/// <param name="Parameters">The values bound, by parameter name.</param>
/// <param name="UsedIndexes">Every index the plan uses.</param>
public sealed record QueryPlanResult(
    string Query,
    IReadOnlyList<string> Plan,
    IReadOnlyList<string> Problems,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> UsedIndexes)
{
    /// <summary>True when the plan meets every expectation of the query.</summary>
    public bool Passed => Problems.Count == 0;
}

/// <summary>The plan check of every declared query, and the declared indexes none of their plans use.</summary>
/// <param name="Queries">One result per declared query, in declaration order.</param>
/// <param name="UnusedIndexes">
/// Indexes no declared query's plan and no generated operation (queue, retention, memory) uses: write cost with no
/// read benefit (unless they serve a foreign key).
/// </param>
public sealed record QueryPlanReport(IReadOnlyList<QueryPlanResult> Queries, IReadOnlyList<DeclaredIndex> UnusedIndexes)
{
    /// <summary>True when every query met its expectations.</summary>
    public bool Passed => Queries.All(q => q.Passed);
}

/// <summary>
/// Reads each declared query's plan (<c>EXPLAIN QUERY PLAN</c> on SQLite, <c>EXPLAIN (FORMAT JSON)</c> on PostgreSQL)
/// with realistic parameter values, and checks that it uses the indexes it declares and scans no table it must not.
/// Nothing is executed: EXPLAIN without ANALYZE only plans.
/// </summary>
public static class QueryPlanCheck
{
    /// <summary>Checks every query of <paramref name="declared"/> on an open connection to a migrated database.</summary>
    public static QueryPlanReport Run(DbConnection connection, DatabaseProvider provider, DeclaredQueries declared)
    {
        var samples = new Dictionary<(string, string), object>();
        var results = new List<QueryPlanResult>();
        foreach (var query in declared.Queries)
        {
            var values = query.Parameters.ToDictionary(p => p.Name, p => Sample(connection, provider, p, samples), StringComparer.Ordinal);
            var plan = provider == DatabaseProvider.Postgres
                ? PostgresPlan.Explain(connection, query.Sql[provider], values)
                : SqlitePlan.Explain(connection, query.Sql[provider], values, query.Aliases[provider]);
            var problems = new List<string>();
            var planText = string.Join("; ", plan.Lines.Select(l => l.Trim()));
            foreach (var table in query.MustNotScan.Where(plan.ScannedTables.Contains))
            {
                problems.Add($"Query '{query.Name}' reads every row of table '{table}' (it must not scan it). Plan: {planText}");
            }

            foreach (var index in query.Uses.Where(i => !plan.UsedIndexes.Contains(i)))
            {
                var table = declared.Indexes.FirstOrDefault(i => i.Name == index)?.Table ?? "?";
                problems.Add($"Query '{query.Name}' does not use index '{index}' on table '{table}' (declared under 'uses'). Plan: {planText}");
            }

            results.Add(new QueryPlanResult(query.Name, plan.Lines, problems,
                values.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal),
                plan.UsedIndexes.OrderBy(i => i, StringComparer.Ordinal).ToList()));
        }

        var used = new HashSet<string>(results.SelectMany(r => r.UsedIndexes), StringComparer.Ordinal);
        return new QueryPlanReport(results, declared.Indexes.Where(i => !used.Contains(i.Name) && i.GeneratedUses.Count == 0).ToList());
    }

    /// <summary>
    /// A value the column really holds (the first non-null one), else a typed default. Never NULL: PostgreSQL
    /// plans "col = NULL" as an empty result and would prove nothing.
    /// </summary>
    private static object Sample(DbConnection connection, DatabaseProvider provider, DeclaredParameter parameter, Dictionary<(string, string), object> samples)
    {
        if (parameter.Table is { } table && parameter.Column is { } column)
        {
            if (samples.TryGetValue((table, column), out var known))
            {
                return known;
            }

            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {PostgresSchema.Quote(column)} FROM {PostgresSchema.Quote(table)} WHERE {PostgresSchema.Quote(column)} IS NOT NULL LIMIT 1";
            if (command.ExecuteScalar() is { } value and not DBNull)
            {
                samples[(table, column)] = value;
                return value;
            }
        }

        return TypedDefault(provider, parameter);
    }

    private static object TypedDefault(DatabaseProvider provider, DeclaredParameter parameter)
    {
        var postgres = provider == DatabaseProvider.Postgres;
        return parameter.Type switch
        {
            "id" or "bigint" => 1L,
            "integer" => 10,
            "smallint" => (short)1,
            "real" => 1.0,
            "decimal" => 1m,
            "boolean" => postgres ? true : 1L,
            "timestamp" => postgres ? DateTime.UtcNow : DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00:00", CultureInfo.InvariantCulture),
            "date" => postgres ? DateOnly.FromDateTime(DateTime.UtcNow) : DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "time" => postgres ? new TimeOnly(12, 0) : "12:00:00.000000",
            "uuid" => postgres ? Guid.Empty : Guid.Empty.ToString(),
            "json" => "{}",
            "blob" => Array.Empty<byte>(),
            "enum" => parameter.FirstEnumValue,
            _ => "sample",
        };
    }

}

/// <summary>A plan as the check reads it: its lines, the tables it reads in full and the indexes it uses.</summary>
internal sealed record ReadPlan(List<string> Lines, HashSet<string> ScannedTables, HashSet<string> UsedIndexes);
