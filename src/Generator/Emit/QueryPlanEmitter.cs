using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;
using AgentHive.Generator.Validation;

namespace AgentHive.Generator.Emit;

/// <summary>
/// The declared queries and indexes as plain string rows on the schema class, for the plan check
/// ('check-queries'): it needs no generated data access, only the SQL, the parameters and the expectations.
/// </summary>
internal static class QueryPlanEmitter
{
    public static void Write(SourceWriter w, SchemaModel schema)
    {
        w.Line();
        w.Line("/// <summary>Declared queries and every declared index, as rows of plain text for the plan check ('check-queries').</summary>");
        w.Open("public static class QueryPlans");
        w.Line("/// <summary>One row per declared query: name, SQLite SQL, PostgreSQL SQL.</summary>");
        WriteRows(w, "Queries", schema.Queries.Select(q => new[] { q.Name, SqliteDialect.Instance.QueryText(q.Sqlite), PostgresDialect.Instance.QueryText(q.Postgres) }));
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// One row per parameter: query, parameter, schema type (id, integer, text, enum, ...), the value to bind when the");
        w.Line("/// column holds none (an enum's first value, else empty: a typed default), and the table and column it refers to (empty when typed by a schema type).");
        w.Line("/// </summary>");
        WriteRows(w, "Parameters", schema.Queries.SelectMany(q => q.Parameters.Select(p => new[]
        {
            q.Name, p.Name, p.Value.Kind.ToString().ToLowerInvariant(), FirstValue(schema, p.Value), p.Table ?? string.Empty, p.Column ?? string.Empty,
        })));
        w.Line();
        w.Line("/// <summary>One row per plan expectation: query, 'uses' or 'mustNotScan', the index or table.</summary>");
        WriteRows(w, "Expectations", schema.Queries.SelectMany(q =>
            q.Uses.Select(u => new[] { q.Name, "uses", u }).Concat(q.MustNotScan.Select(t => new[] { q.Name, "mustNotScan", t }))));
        w.Line();
        w.Line("/// <summary>One row per table alias of a query's SQL, as SQLite's plan names the table: query, backend (sqlite or postgres), alias, table.</summary>");
        WriteRows(w, "Aliases", schema.Queries.SelectMany(q => Aliases(schema, q, "sqlite", q.Sqlite).Concat(Aliases(schema, q, "postgres", q.Postgres))));
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// One row per declared index: table, index, 'foreignKey' when it leads with a foreign key's columns (deletes of the parent");
        w.Line("/// need it) else empty, and the generated operations that read it (queue claim, lease expiry, retention, memory pruning, memory de-duplication), comma-separated.");
        w.Line("/// </summary>");
        WriteRows(w, "Indexes", schema.Tables.SelectMany(t => t.Indexes.Select(i => new[]
        {
            t.Name, i.Name, ServesForeignKey(t, i) ? "foreignKey" : string.Empty, string.Join(", ", GeneratedIndexUse.Operations(t, i)),
        })));
        w.Close();
    }

    private static IEnumerable<string[]> Aliases(SchemaModel schema, QueryModel query, string backend, string sql) =>
        QuerySqlScan.Scan(sql, t => schema.Tables.FirstOrDefault(table => table.Name == t)?.Columns.Select(c => c.Name).ToList())
            .TableAliases.OrderBy(a => a.Key, System.StringComparer.Ordinal)
            .Select(a => new[] { query.Name, backend, a.Key, a.Value });

    private static string FirstValue(SchemaModel schema, QueryValueModel value) =>
        value.EnumName is { } name ? schema.Enums.First(e => e.Name == name).Values[0].Value : string.Empty;

    private static bool ServesForeignKey(TableModel table, IndexModel index) =>
        index.Where is null && table.ForeignKeys.Any(fk =>
            fk.Columns.Count <= index.Keys.Count &&
            fk.Columns.Select((c, n) => index.Keys[n].Kind == IndexKeyKind.Column && index.Keys[n].Value == c).All(x => x));

    private static void WriteRows(SourceWriter w, string name, IEnumerable<string[]> rows)
    {
        w.Open($"public static global::System.Collections.Generic.IReadOnlyList<string[]> {name} {{ get; }} = new string[][]");
        foreach (var row in rows)
        {
            w.Line("new[] { " + string.Join(", ", row.Select(text => text.Contains("\n") ? SourceWriter.Verbatim(text) : SourceWriter.Literal(text))) + " },");
        }

        w.Close(";");
    }
}
