using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using AgentHive.Runtime.Configuration;

namespace AgentHive.Runtime.Queries;

/// <summary>A parameter of a declared query: its schema type and the column its realistic values come from.</summary>
/// <param name="Name">The name, written <c>@Name</c> in the SQL.</param>
/// <param name="Type">The schema type: id, integer, bigint, text, timestamp, enum, ...</param>
/// <param name="FirstEnumValue">For an enum, its first value (bound when the column holds none); else empty.</param>
/// <param name="Table">The table of the column it refers to, or null when typed by a schema type.</param>
/// <param name="Column">The column it refers to, or null.</param>
public sealed record DeclaredParameter(string Name, string Type, string FirstEnumValue, string? Table, string? Column);

/// <summary>A query declared in schema.yaml, as the plan check needs it.</summary>
/// <param name="Name">The query's name.</param>
/// <param name="Sql">Its SQL per backend.</param>
/// <param name="Parameters">Its parameters, in declaration order.</param>
/// <param name="Uses">Indexes its plan must use.</param>
/// <param name="MustNotScan">Tables its plan must not read in full.</param>
/// <param name="Aliases">Per backend, alias → table for the aliases its SQL gives tables.</param>
public sealed record DeclaredQuery(
    string Name,
    IReadOnlyDictionary<DatabaseProvider, string> Sql,
    IReadOnlyList<DeclaredParameter> Parameters,
    IReadOnlyList<string> Uses,
    IReadOnlyList<string> MustNotScan,
    IReadOnlyDictionary<DatabaseProvider, IReadOnlyDictionary<string, string>> Aliases);

/// <summary>An index declared in schema.yaml.</summary>
/// <param name="Table">Its table.</param>
/// <param name="Name">Its name.</param>
/// <param name="ServesForeignKey">True when it leads with a foreign key's columns, so deleting a parent row needs it.</param>
/// <param name="GeneratedUses">
/// The generated operations that read it ("queue claim", "lease expiry", "retention", "memory pruning",
/// "memory de-duplication"), judged by what their SQL filters and orders by; empty for none.
/// </param>
public sealed record DeclaredIndex(string Table, string Name, bool ServesForeignKey, IReadOnlyList<string> GeneratedUses)
{
    /// <summary>An index no generated operation reads.</summary>
    public DeclaredIndex(string table, string name, bool servesForeignKey)
        : this(table, name, servesForeignKey, Array.Empty<string>())
    {
    }
}

/// <summary>The declared queries and indexes the generator compiled into an assembly (its <c>QueryPlans</c> class).</summary>
public sealed record DeclaredQueries(IReadOnlyList<DeclaredQuery> Queries, IReadOnlyList<DeclaredIndex> Indexes)
{
    /// <summary>Reads the generated <c>&lt;Schema&gt;.QueryPlans</c> rows of <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">The assembly holds no schema compiled by this version of the generator.</exception>
    public static DeclaredQueries Load(Assembly assembly)
    {
        var plans = assembly.GetTypes().FirstOrDefault(t => t.Name == "QueryPlans" && t.DeclaringType is not null && t.GetProperty("Queries") is not null)
            ?? throw new InvalidOperationException(
                $"{assembly.GetName().Name} holds no declared queries: build it with AgentHive.Generator (its schema class has a QueryPlans class).");
        var parameters = Rows(plans, "Parameters").ToLookup(r => r[0], StringComparer.Ordinal);
        var expectations = Rows(plans, "Expectations").ToLookup(r => r[0], StringComparer.Ordinal);
        var aliases = Rows(plans, "Aliases").ToLookup(r => r[0], StringComparer.Ordinal);
        var queries = Rows(plans, "Queries").Select(row => new DeclaredQuery(
                row[0],
                new Dictionary<DatabaseProvider, string> { [DatabaseProvider.Sqlite] = row[1], [DatabaseProvider.Postgres] = row[2] },
                parameters[row[0]].Select(p => new DeclaredParameter(p[1], p[2], p[3], NullIfEmpty(p[4]), NullIfEmpty(p[5]))).ToList(),
                expectations[row[0]].Where(e => e[1] == "uses").Select(e => e[2]).ToList(),
                expectations[row[0]].Where(e => e[1] == "mustNotScan").Select(e => e[2]).ToList(),
                new Dictionary<DatabaseProvider, IReadOnlyDictionary<string, string>>
                {
                    [DatabaseProvider.Sqlite] = aliases[row[0]].Where(a => a[1] == "sqlite").ToDictionary(a => a[2], a => a[3], StringComparer.Ordinal),
                    [DatabaseProvider.Postgres] = aliases[row[0]].Where(a => a[1] == "postgres").ToDictionary(a => a[2], a => a[3], StringComparer.Ordinal),
                }))
            .ToList();
        var indexes = Rows(plans, "Indexes").Select(r => new DeclaredIndex(r[0], r[1], r[2] == "foreignKey",
            r.Length > 3 && r[3].Length > 0 ? r[3].Split(new[] { ", " }, StringSplitOptions.None) : Array.Empty<string>())).ToList();
        return new DeclaredQueries(queries, indexes);
    }

    private static IReadOnlyList<string[]> Rows(Type plans, string name) =>
        (IReadOnlyList<string[]>)(plans.GetProperty(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? throw new InvalidOperationException($"{plans.FullName} has no {name}; rebuild it with this version of AgentHive.Generator."));

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
