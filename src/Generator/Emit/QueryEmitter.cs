using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Emit;

/// <summary>
/// One typed method per declared query on the schema's database class (sync and async), and a record per
/// projection result. Entity and projection rows are read by column name: the ordinals are resolved once
/// per prepared command, so a query may select its columns in any order.
/// </summary>
internal static class QueryEmitter
{
    private const string Ct = "global::System.Threading.CancellationToken";

    // The largest list a LIMIT parameter presizes: a LIMIT only bounds the rows, so a large one must not allocate ahead.
    private const int MaxPresized = 256;

    /// <summary>The records of projection results, in the entities namespace.</summary>
    public static string? EmitResults(SchemaModel schema)
    {
        var projections = schema.Queries.Where(q => q.Result.Kind == QueryResultKind.Projection).ToList();
        if (projections.Count == 0)
        {
            return null;
        }

        var w = new SourceWriter().Header(CSharpTypes.EntitiesNamespace(schema));
        foreach (var query in projections)
        {
            w.Line($"/// <summary>A row of query '{SourceWriter.Escape(query.Name)}'.</summary>");
            foreach (var column in query.Result.Columns)
            {
                w.Line($"/// <param name=\"{column.PropertyName}\">Result column {SourceWriter.Escape(column.Name)}.</param>");
            }

            var properties = query.Result.Columns.Select(c => $"{ValueType(schema, c.Value)} {c.PropertyName}");
            w.Line($"public sealed record {query.Result.TypeName}({string.Join(", ", properties)});");
            w.Line();
        }

        return w.ToString();
    }

    /// <summary>The query's statement field, methods and readers, inside the database class.</summary>
    public static void Write(SourceWriter w, SchemaModel schema, QueryModel query, int slot)
    {
        var statement = query.MethodName + "Statement";
        w.Line($"private static readonly {DataTypes.Runtime}.Statement {statement} = new({slot},");
        w.Line($"    {SourceWriter.Verbatim(SqliteDialect.Instance.QueryText(query.Sqlite))},");
        w.Line($"    {SourceWriter.Verbatim(PostgresDialect.Instance.QueryText(query.Postgres))},");
        w.Line($"    new string[] {{ {string.Join(", ", query.Parameters.Select(p => SourceWriter.Literal("@" + p.Name)))} }},");
        w.Line($"    new {DataTypes.Runtime}.DbValueKind[] {{ {string.Join(", ", query.Parameters.Select(p => $"{DataTypes.Runtime}.DbValueKind.{DataTypes.ValueKind(p.Value.Kind)}"))} }});");
        w.Line();
        if (query.Result.Kind == QueryResultKind.Projection)
        {
            WriteProjectionReader(w, schema, query);
        }

        var row = RowType(schema, query);
        var returnType = query.Cardinality switch
        {
            QueryCardinality.Exec => "int",
            QueryCardinality.Many => $"global::System.Collections.Generic.List<{row}>",
            QueryCardinality.Optional => NullableOf(row),
            _ => row,
        };
        var parameters = string.Join(", ", query.Parameters.Select(p => $"{ValueType(schema, p.Value)} {p.ArgumentName}"));
        var arguments = string.Join(", ", query.Parameters.Select(p => p.ArgumentName));
        var separator = parameters.Length == 0 ? string.Empty : ", ";
        var summary = SourceWriter.Escape(query.Description ?? $"Runs query '{query.Name}'.") + " " + Returns(query);

        w.Line($"/// <summary>{summary}</summary>");
        w.Open($"public {returnType} {query.MethodName}({parameters})");
        Body(w, schema, query, statement, row, async: false);
        w.Close();
        w.Line();
        w.Line($"/// <summary>{summary} Asynchronous on PostgreSQL; on SQLite it completes synchronously.</summary>");
        w.Line($"public global::System.Threading.Tasks.ValueTask<{returnType}> {query.MethodName}Async({parameters}{separator}{Ct} cancellationToken = default) =>");
        w.Line($"    Backend.RunsSynchronously ? new({query.MethodName}({arguments})) : {query.MethodName}CoreAsync({arguments}{separator}cancellationToken);");
        w.Line();
        w.Open($"private async global::System.Threading.Tasks.ValueTask<{returnType}> {query.MethodName}CoreAsync({parameters}{separator}{Ct} cancellationToken)");
        Body(w, schema, query, statement, row, async: true);
        w.Close();
        w.Line();
    }

    private static string Returns(QueryModel query) => query.Cardinality switch
    {
        QueryCardinality.Exec => "Returns the number of rows affected.",
        QueryCardinality.Many => "Returns every row.",
        QueryCardinality.Optional => "Returns the first row, or null when there is none.",
        _ => "Returns the first row; throws InvalidOperationException when there is none.",
    };

    private static void Body(SourceWriter w, SchemaModel schema, QueryModel query, string statement, string row, bool async)
    {
        var wait = async ? "await " : string.Empty;
        var configure = async ? ".ConfigureAwait(false)" : string.Empty;
        var ct = async ? "cancellationToken" : string.Empty;
        var suffix = async ? "Async" : string.Empty;
        w.Line(async
            ? $"var _command = await PrepareAsync({statement}, cancellationToken).ConfigureAwait(false);"
            : $"var _command = Prepare({statement});");
        if (query.Parameters.Count > 0)
        {
            w.Line("var _values = _command.Values;");
            foreach (var parameter in query.Parameters)
            {
                var v = parameter.Value;
                w.Line(DataTypes.Write(schema, "_values", v.Kind, v.EnumName, v.Nullable, v.Scale, parameter.ArgumentName));
            }
        }

        if (query.Cardinality == QueryCardinality.Exec)
        {
            w.Line($"return {wait}_command.Command.ExecuteNonQuery{suffix}({ct}){configure};");
            return;
        }

        var read = $"{wait}_reader.Read{suffix}({ct}){configure}";
        if (async)
        {
            w.Line("var _reader = await _command.ExecuteReaderAsync(global::System.Data.CommandBehavior.Default, cancellationToken).ConfigureAwait(false);");
            w.Open("await using (global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait(_reader, false))");
        }
        else
        {
            w.Line("using var _reader = _command.Command.ExecuteReader();");
        }

        var many = query.Cardinality == QueryCardinality.Many;
        if (many)
        {
            w.Line($"var _rows = new global::System.Collections.Generic.List<{row}>({Capacity(query)});");
        }

        w.Open($"if ({read})");
        w.Line("var _backend = Backend;");
        var mapper = Mapper(schema, query);
        if (query.Result.Kind != QueryResultKind.Scalar)
        {
            w.Line($"var _ordinals = _command.Ordinals(_reader, {OrdinalNames(schema, query)});");
        }

        if (many)
        {
            w.Line("do");
            w.Line("{");
            w.Line($"    _rows.Add({mapper});");
            w.Line("}");
            w.Line($"while ({read});");
        }
        else
        {
            w.Line($"return {mapper};");
        }

        w.Close();
        w.Line();
        w.Line(query.Cardinality switch
        {
            QueryCardinality.Many => "return _rows;",
            QueryCardinality.Optional => "return null;",
            _ => $"throw new global::System.InvalidOperationException({SourceWriter.Literal($"Query '{query.Name}' returned no row; it must return exactly one.")});",
        });
        if (async)
        {
            w.Close();
        }
    }

    // The list's first size: a LIMIT bound to a parameter says how many rows to expect (capped, since it only
    // bounds them), so the list does not grow 4, 8, 16 on its way to 10; otherwise the list's default.
    private static string Capacity(QueryModel query)
    {
        foreach (var parameter in query.Parameters)
        {
            var v = parameter.Value;
            if (v.Nullable || v.Kind is not (ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.SmallInt))
            {
                continue;
            }

            var limit = new Regex(@"\bLIMIT\s+@" + Regex.Escape(parameter.Name) + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            if (limit.IsMatch(query.Sqlite) && limit.IsMatch(query.Postgres))
            {
                return $"(int)global::System.Math.Clamp((long){parameter.ArgumentName}, 0L, {MaxPresized}L)";
            }
        }

        return string.Empty;
    }

    private static string Mapper(SchemaModel schema, QueryModel query) => query.Result.Kind switch
    {
        QueryResultKind.Entity => $"global::{TableAccessEmitter.Namespace(schema)}.{TableAccessEmitter.ClassName(Table(schema, query))}.Read(_reader, _backend, _ordinals)",
        QueryResultKind.Projection => $"Read{query.Result.TypeName}(_reader, _backend, _ordinals)",
        _ => ScalarRead(schema, query.Result.Columns[0].Value),
    };

    private static string ScalarRead(SchemaModel schema, QueryValueModel value)
    {
        var read = DataTypes.Read(schema, value.Kind, value.EnumName, value.Nullable, value.Scale, "0", "_reader", "_backend");
        return value.Nullable ? $"({ValueType(schema, value)})({read})" : read;
    }

    private static string OrdinalNames(SchemaModel schema, QueryModel query) => query.Result.Kind == QueryResultKind.Entity
        ? $"global::{TableAccessEmitter.Namespace(schema)}.{TableAccessEmitter.ClassName(Table(schema, query))}.ColumnNames"
        : query.MethodName + "Columns";

    private static void WriteProjectionReader(SourceWriter w, SchemaModel schema, QueryModel query)
    {
        var type = $"global::{CSharpTypes.EntitiesNamespace(schema)}.{query.Result.TypeName}";
        w.Line($"private static readonly string[] {query.MethodName}Columns = new string[] {{ {string.Join(", ", query.Result.Columns.Select(c => SourceWriter.Literal(c.Name)))} }};");
        w.Line();
        w.Line($"private static {type} Read{query.Result.TypeName}(global::System.Data.Common.DbDataReader reader, {DataTypes.Runtime}.DataBackend backend, int[] ordinals) => new(");
        var columns = query.Result.Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            var v = columns[i].Value;
            var read = DataTypes.Read(schema, v.Kind, v.EnumName, v.Nullable, v.Scale, $"ordinals[{i}]");
            w.Line($"    {(v.Nullable ? $"({ValueType(schema, v)})({read})" : read)}{(i == columns.Count - 1 ? ");" : ",")}");
        }

        w.Line();
    }

    private static string RowType(SchemaModel schema, QueryModel query) => query.Result.Kind switch
    {
        QueryResultKind.Entity => $"global::{CSharpTypes.EntitiesNamespace(schema)}.{Table(schema, query).EntityName}",
        QueryResultKind.Projection => $"global::{CSharpTypes.EntitiesNamespace(schema)}.{query.Result.TypeName}",
        QueryResultKind.Scalar => ValueType(schema, query.Result.Columns[0].Value),
        _ => "int",
    };

    private static string NullableOf(string type) => type.EndsWith("?") ? type : type + "?";

    private static string ValueType(SchemaModel schema, QueryValueModel value) => DataTypes.Type(schema, value.Kind, value.EnumName, value.Nullable);

    private static TableModel Table(SchemaModel schema, QueryModel query) => schema.Tables.First(t => t.Name == query.Result.Table);
}
