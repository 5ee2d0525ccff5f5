using System;
using System.Collections.Generic;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentHive.Generator.Validation;

// Declared queries: SQL checked against the tables (names it can prove wrong), typed parameters and
// results, cardinality, and what the plan check expects. Queries are not DDL: they never need a new version.
public sealed partial class SchemaValidator
{
    private static readonly string[] Cardinalities = { "one", "optional", "many", "exec" };

    private List<QueryModel> BuildQueries(List<QuerySyntax> queries, List<TableBuilder> tables)
    {
        var result = new List<QueryModel>();
        var byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var indexes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            foreach (var (index, _) in table.Indexes)
            {
                indexes[index.Name] = table.Name;
            }
        }

        var takenMethods = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var takenTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            takenTypes[table.EntityName] = $"the entity of table '{table.Name}'";
        }

        foreach (var e in _enums.Values)
        {
            takenTypes[e.Model.TypeName] = $"enum '{e.Model.Name}'";
        }

        foreach (var query in queries)
        {
            if (BuildQuery(query, byName, indexes) is not { } model)
            {
                continue;
            }

            if (takenMethods.TryGetValue(model.MethodName, out var owner))
            {
                Report(DiagnosticDescriptors.QueryNameClash, query.Name.Location, query.Name.Value, "method", model.MethodName, owner, string.Empty);
                continue;
            }

            takenMethods[model.MethodName] = $"query '{query.Name.Value}'";
            if (model.Result.Kind == QueryResultKind.Projection)
            {
                var at = query.Result!.TypeName?.Location ?? query.Result.Location;
                if (takenTypes.TryGetValue(model.Result.TypeName!, out var typeOwner))
                {
                    Report(DiagnosticDescriptors.QueryNameClash, at, query.Name.Value, "result type", model.Result.TypeName!, typeOwner,
                        " or name its result type with 'typeName:'");
                    continue;
                }

                takenTypes[model.Result.TypeName!] = $"the result of query '{query.Name.Value}'";
            }

            _locations[$"query:{model.Name}"] = query.Name.Location;
            result.Add(model);
        }

        return result;
    }

    private QueryModel? BuildQuery(QuerySyntax query, Dictionary<string, TableBuilder> tables, Dictionary<string, string> indexes)
    {
        // A query's name never appears in SQL, so SQL's reserved words are fine (rename, others).
        if (!Names.IsValidIdentifier(query.Name.Value))
        {
            Report(DiagnosticDescriptors.InvalidIdentifier, query.Name.Location, query.Name.Value, "query");
            return null;
        }

        var name = query.Name.Value;
        var errors = _diagnostics.Count;
        var parameters = new List<(QueryValueSyntax Syntax, QueryParameterModel Model)>();
        foreach (var parameter in query.Parameters)
        {
            // Written @name, a parameter may take a reserved word's name (@limit).
            if (!Names.IsValidIdentifier(parameter.Name.Value))
            {
                Report(DiagnosticDescriptors.InvalidIdentifier, parameter.Name.Location, parameter.Name.Value, "parameter");
            }
            else if (QueryValue(parameter, tables, $"Parameter '{parameter.Name.Value}' of query '{name}'", isResult: false) is { } value)
            {
                var (table, column) = ColumnReference(parameter.Type!.Value);
                parameters.Add((parameter, new QueryParameterModel(parameter.Name.Value, ArgumentName(parameter.Name.Value), value, table, column)));
            }
        }

        var texts = new List<(Token Sql, string Backend)>();
        foreach (var (token, backend) in new[] { (query.Sql, "portable"), (query.Sqlite, "SQLite"), (query.Postgres, "PostgreSQL") })
        {
            if (token is not null)
            {
                texts.Add((token, backend));
            }
        }

        if (query.Sql is null && (query.Sqlite is null || query.Postgres is null))
        {
            Report(DiagnosticDescriptors.MissingKey, query.Location, $"Query '{name}'", "sql' (or both 'sqlite' and 'postgres");
            return null;
        }

        var scans = new Dictionary<string, QuerySqlScan>(StringComparer.Ordinal);
        foreach (var (sql, backend) in texts)
        {
            scans[backend] = ScanQuerySql(query, sql, backend, tables);
        }

        CheckParameters(query, parameters.Select(p => p.Syntax).ToList(), texts, scans);
        var read = new HashSet<string>(scans.Values.SelectMany(s => s.Tables), StringComparer.Ordinal);
        var uses = QueryExpectations(query, query.Uses, "uses", read, n => indexes.TryGetValue(n, out var t) ? t : null,
            n => Report(DiagnosticDescriptors.QueryUnknownIndex, n.Location, name, n.Value, string.Join(", ", indexes.Keys.OrderBy(k => k, StringComparer.Ordinal))));
        var mustNotScan = QueryExpectations(query, query.MustNotScan, "mustNotScan", read, n => tables.ContainsKey(n) ? n : null,
            n => Report(DiagnosticDescriptors.QueryUnknownTable, n.Location, $"'mustNotScan' of query '{name}'", n.Value, "is not declared under 'tables'"));

        var methodName = Names.ToPascalCase(name);
        var resultModel = QueryResult(query, methodName, tables);
        var cardinality = QueryCardinalityOf(query, resultModel, scans);
        if (_diagnostics.Skip(errors).Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error) ||
            resultModel is null || cardinality is null)
        {
            return null;
        }

        return new QueryModel(
            name,
            methodName,
            query.Description?.Value,
            (query.Sqlite ?? query.Sql)!.Value,
            (query.Postgres ?? query.Sql)!.Value,
            parameters.Select(p => p.Model).ToEquatableArray(),
            resultModel,
            cardinality.Value,
            uses.ToEquatableArray(),
            mustNotScan.ToEquatableArray());
    }

    private QuerySqlScan ScanQuerySql(QuerySyntax query, Token sql, string backend, Dictionary<string, TableBuilder> tables)
    {
        var scan = QuerySqlScan.Scan(sql.Value, t => tables.TryGetValue(t, out var table) ? table.Columns.Select(c => c.Model.Name).ToList() : null);
        var what = $"The {backend} SQL of query '{query.Name.Value}'";
        foreach (var problem in scan.Problems)
        {
            var at = sql.At(problem.Offset);
            switch (problem.Kind)
            {
                case SqlProblemKind.Syntax:
                    Report(DiagnosticDescriptors.QuerySqlUnreadable, at, backend, query.Name.Value, problem.Detail);
                    break;
                case SqlProblemKind.UnknownTable:
                    Report(DiagnosticDescriptors.QueryUnknownTable, at, what, problem.Name,
                        problem.Detail.Length > 0 ? problem.Detail : "is neither declared under 'tables' nor named by the query's WITH");
                    break;
                default:
                    Report(DiagnosticDescriptors.QueryUnknownColumn, at, what, problem.Name, problem.Detail);
                    break;
            }
        }

        // Only @name is bound; SQLite runs the portable SQL too, and reads any other parameter form as NULL.
        foreach (var marker in scan.ForeignParameters.Where(m => backend != "PostgreSQL" || !m.PostgresOperator))
        {
            Report(DiagnosticDescriptors.QuerySqlUnreadable, sql.At(marker.Offset), backend, query.Name.Value,
                $"writes a parameter as '{marker.Text}', but only @name parameters are bound by name (SQLite reads any other as NULL); write parameters as @name and declare them under 'parameters'");
        }

        return scan;
    }

    /// <summary>Every @name the SQL uses is declared; every declared one is used by the SQL each backend runs.</summary>
    private void CheckParameters(QuerySyntax query, List<QueryValueSyntax> declared, List<(Token Sql, string Backend)> texts, Dictionary<string, QuerySqlScan> scans)
    {
        var names = new HashSet<string>(query.Parameters.Select(p => p.Name.Value), StringComparer.Ordinal);
        foreach (var (sql, backend) in texts)
        {
            foreach (var (parameter, offset) in scans[backend].Parameters.Where(p => !names.Contains(p.Name)))
            {
                Report(DiagnosticDescriptors.QueryParameterUndeclared, sql.At(offset), query.Name.Value, parameter, backend);
            }
        }

        // The SQL each backend runs: its override, else the portable text.
        var effective = new List<(string Backend, QuerySqlScan Scan)>();
        foreach (var backend in new[] { "SQLite", "PostgreSQL" })
        {
            if (scans.TryGetValue(backend, out var own) || scans.TryGetValue("portable", out own))
            {
                effective.Add((scans.ContainsKey(backend) ? backend : "portable", own));
            }
        }

        foreach (var parameter in declared)
        {
            if (effective.FirstOrDefault(e => e.Scan.Problems.Count == 0 && !e.Scan.Parameters.Any(p => p.Name == parameter.Name.Value)) is { Scan: not null } unused)
            {
                Report(DiagnosticDescriptors.QueryParameterUnused, parameter.Name.Location, query.Name.Value, parameter.Name.Value, unused.Backend);
            }
        }
    }

    /// <summary>Names under 'uses' or 'mustNotScan' that exist and belong to a table the SQL reads.</summary>
    private List<string> QueryExpectations(QuerySyntax query, List<Token> names, string key, HashSet<string> read, Func<string, string?> tableOf, Action<Token> unknown)
    {
        var result = new List<string>();
        foreach (var token in names)
        {
            if (tableOf(token.Value) is not { } table)
            {
                unknown(token);
                continue;
            }

            if (!read.Contains(table))
            {
                Report(DiagnosticDescriptors.QueryExpectationOffTable, token.Location, query.Name.Value, token.Value, key, table,
                    key == "uses" ? $", which index '{token.Value}' belongs to" : string.Empty);
                continue;
            }

            if (result.Contains(token.Value))
            {
                Report(DiagnosticDescriptors.DuplicateName, token.Location, key == "uses" ? "Index" : "Table", token.Value, $" in '{key}' of query '{query.Name.Value}'");
                continue;
            }

            result.Add(token.Value);
        }

        return result;
    }

    private QueryResultModel? QueryResult(QuerySyntax query, string methodName, Dictionary<string, TableBuilder> tables)
    {
        var name = query.Name.Value;
        if (query.Result is not { } result)
        {
            return new QueryResultModel(QueryResultKind.RowsAffected, null, null, EquatableArray<QueryColumnModel>.Empty);
        }

        if (result.Single is { } single)
        {
            if (tables.TryGetValue(single.Value, out var table))
            {
                return new QueryResultModel(QueryResultKind.Entity, table.Name, table.EntityName, EquatableArray<QueryColumnModel>.Empty);
            }

            var scalar = new QueryValueSyntax(new Token("value", single.Location), single.Location) { Type = single };
            if (QueryValue(scalar, tables, $"The result of query '{name}'", isResult: true) is not { } value)
            {
                return null;
            }

            var columnName = ColumnReference(single.Value).Column ?? "value";
            return new QueryResultModel(QueryResultKind.Scalar, null, null,
                new[] { new QueryColumnModel(columnName, Names.ToPascalCase(columnName), value) }.ToEquatableArray());
        }

        var columns = new List<QueryColumnModel>();
        var ok = true;
        foreach (var column in result.Columns)
        {
            if (!Names.IsValidIdentifier(column.Name.Value))
            {
                Report(DiagnosticDescriptors.InvalidIdentifier, column.Name.Location, column.Name.Value, "result column");
                ok = false;
            }
            else if (QueryValue(column, tables, $"Result column '{column.Name.Value}' of query '{name}'", isResult: true) is { } value)
            {
                columns.Add(new QueryColumnModel(column.Name.Value, Names.ToPascalCase(column.Name.Value), value));
            }
            else
            {
                ok = false;
            }
        }

        if (columns.Count == 0 && ok)
        {
            Report(DiagnosticDescriptors.MissingKey, result.Location, $"The result of query '{name}'", "columns' with at least one column");
            return null;
        }

        var typeName = SpelledOrDerivedTypeName(result.TypeName, methodName + "Row", "typeName", "TaskCountRow");
        return ok ? new QueryResultModel(QueryResultKind.Projection, null, typeName, columns.ToEquatableArray()) : null;
    }

    private QueryCardinality? QueryCardinalityOf(QuerySyntax query, QueryResultModel? result, Dictionary<string, QuerySqlScan> scans)
    {
        var name = query.Name.Value;
        QueryCardinality cardinality;
        if (query.Cardinality is not { } token)
        {
            if (query.Result is not null)
            {
                Report(DiagnosticDescriptors.MissingKey, query.Result.Location, $"Query '{name}', which declares a result (read as one, optional or many rows),", "cardinality");
                return null;
            }

            cardinality = QueryCardinality.Exec;
        }
        else
        {
            var index = Array.IndexOf(Cardinalities, token.Value);
            if (index < 0)
            {
                Report(DiagnosticDescriptors.InvalidValue, token.Location, token.Value, $"'cardinality' of query '{name}'",
                    "one (exactly one row), optional (one or none), many (any number) or exec (no rows: the rows affected)");
                return null;
            }

            cardinality = (QueryCardinality)index;
        }

        var at = query.Cardinality?.Location ?? query.Location;
        if (cardinality == QueryCardinality.Exec && query.Result is not null)
        {
            Report(DiagnosticDescriptors.QueryResultMismatch, at, name, "cardinality 'exec' returns the number of rows affected, yet a 'result' is declared",
                "Remove 'result', or choose one, optional or many");
            return null;
        }

        if (cardinality != QueryCardinality.Exec && query.Result is null)
        {
            Report(DiagnosticDescriptors.QueryResultMismatch, at, name, $"cardinality '{query.Cardinality!.Value}' reads rows, yet no 'result' says what they are",
                "Declare 'result' (a table, a scalar type or column, or named 'columns'), or use cardinality 'exec'");
            return null;
        }

        foreach (var scan in scans.Values)
        {
            if (scan.Problems.Count > 0 || scan.ReturnsRows is not { } returnsRows)
            {
                continue;
            }

            if (returnsRows && cardinality == QueryCardinality.Exec && scan.Verb is "select" or "values")
            {
                Report(DiagnosticDescriptors.QueryResultMismatch, at, name, $"its SQL is a {scan.Verb.ToUpperInvariant()}, which returns rows, but cardinality 'exec' reads none",
                    "Declare 'result' and cardinality one, optional or many");
                return null;
            }

            if (!returnsRows && cardinality != QueryCardinality.Exec)
            {
                Report(DiagnosticDescriptors.QueryResultMismatch, at, name, $"its SQL is an {scan.Verb!.ToUpperInvariant()} without RETURNING, which returns no rows, but cardinality '{query.Cardinality!.Value}' reads them",
                    "Add RETURNING, or use cardinality 'exec' without 'result'");
                return null;
            }
        }

        return result is null ? null : cardinality;
    }

    /// <summary>The type of a parameter or result column: a column's (table.column) or a schema type's.</summary>
    private QueryValueModel? QueryValue(QueryValueSyntax syntax, Dictionary<string, TableBuilder> tables, string what, bool isResult)
    {
        var type = syntax.Type!;
        var nullable = Bool(syntax.Nullable, "'nullable'");
        var (tableName, columnName) = ColumnReference(type.Value);
        if (tableName is not null)
        {
            if (!tables.TryGetValue(tableName, out var table))
            {
                Report(DiagnosticDescriptors.QueryUnknownTable, type.Location, what, tableName, "is not declared under 'tables'");
                return null;
            }

            if (table.Column(columnName!) is not { } column)
            {
                Report(DiagnosticDescriptors.QueryUnknownColumn, type.At(tableName.Length + 1), what, columnName!, $"table '{tableName}' does not have");
                return null;
            }

            var model = column.Model;
            return new QueryValueModel(model.Kind, model.EnumName, nullable ?? (isResult && model.Nullable), model.Precision, model.Scale);
        }

        if (BuiltInTypes.TryGetValue(type.Value, out var kind))
        {
            return new QueryValueModel(kind, null, nullable ?? false, kind == ColumnKind.Decimal ? MaxDecimalPrecision : 0);
        }

        if (_enums.ContainsKey(type.Value))
        {
            return new QueryValueModel(ColumnKind.Enum, type.Value, nullable ?? false);
        }

        Report(DiagnosticDescriptors.QueryUnknownType, type.Location, what, type.Value, string.Join(", ", BuiltInTypes.Keys));
        return null;
    }

    private static (string? Table, string? Column) ColumnReference(string type)
    {
        var dot = type.IndexOf('.');
        return dot < 0 ? (null, null) : (type.Substring(0, dot), type.Substring(dot + 1));
    }

    /// <summary>The C# argument for a parameter: camelCase, escaped with @ where it is a keyword.</summary>
    private static string ArgumentName(string parameter)
    {
        var pascal = Names.ToPascalCase(parameter);
        var camel = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return SyntaxFacts.GetKeywordKind(camel) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(camel) != SyntaxKind.None ? "@" + camel : camel;
    }
}
