using System;
using System.Collections.Generic;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Parsing;

/// <summary>Shapes the YAML tree into <see cref="SchemaSyntax"/>, reporting structural mistakes.</summary>
public static class SchemaReader
{
    private static readonly string[] RootKeys = { "schema", "namespace", "version", "description", "enums", "tables", "allowDataLoss", "steps", "queries" };
    private static readonly string[] EnumKeys = { "typeName", "values", "description", "valueMap" };
    private static readonly string[] TableKeys =
        { "entity", "description", "columns", "primaryKey", "unique", "indexes", "checks", "stateMachines", "renamedFrom" };
    private static readonly string[] DataLossKeys = { "up", "down" };
    private static readonly string[] StepKeys = { "name", "phase", "sql", "sqlite", "postgres" };
    private static readonly string[] ColumnKeys =
    {
        "type", "nullable", "default", "primaryKey", "unique", "references", "onDelete", "onUpdate", "min", "max", "description",
        "shape", "requiredKeys", "autoUpdate", "renamedFrom", "backfill", "downBackfill", "precision", "scale", "maxLength",
    };
    private static readonly string[] UniqueKeys = { "name", "columns" };
    private static readonly string[] IndexKeys = { "name", "columns", "unique", "description", "where", "include" };
    private static readonly string[] IndexEntryKeys = { "column", "json", "path", "expression", "order" };
    private static readonly string[] CheckKeys = { "name", "expression", "sqlite", "postgres", "description" };
    private static readonly string[] QueryKeys =
        { "description", "sql", "sqlite", "postgres", "parameters", "result", "cardinality", "uses", "mustNotScan" };
    private static readonly string[] QueryValueKeys = { "type", "nullable" };
    private static readonly string[] QueryResultKeys = { "columns", "typeName" };
    private static readonly string[] StateMachineKeys = { "initial", "terminal", "transitions", "description" };

    /// <summary>Reads schema.yaml; returns null when nothing usable could be read (diagnostics say why).</summary>
    public static SchemaSyntax? Read(string filePath, string text, List<DiagnosticInfo> diagnostics)
    {
        var root = YamlTreeReader.Read(filePath, text, diagnostics);
        if (root is null)
        {
            if (diagnostics.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingKey, new LocationInfo(filePath, 1, 1), "schema.yaml", "version"));
            }

            return null;
        }

        return new Reader(diagnostics).ReadRoot(root);
    }

    private sealed class Reader
    {
        private readonly List<DiagnosticInfo> _diagnostics;

        public Reader(List<DiagnosticInfo> diagnostics) => _diagnostics = diagnostics;

        public SchemaSyntax? ReadRoot(YamlNode root)
        {
            if (Expect<YamlMapping>(root, "schema.yaml") is not { } mapping)
            {
                return null;
            }

            var schema = new SchemaSyntax { Location = root.Location };
            foreach (var (key, value) in Entries(mapping, RootKeys, "the schema root", "key"))
            {
                switch (key.Value)
                {
                    case "schema": schema.Name = Scalar(value, "'schema'"); break;
                    case "namespace": schema.Namespace = Scalar(value, "'namespace'"); break;
                    case "version": schema.Version = Scalar(value, "'version'"); break;
                    case "description": schema.Description = Scalar(value, "'description'"); break;
                    case "enums": ReadEnums(value, schema); break;
                    case "tables": ReadTables(value, schema); break;
                    case "allowDataLoss": ReadAllowDataLoss(value, schema); break;
                    case "steps": ReadSteps(value, schema); break;
                    case "queries": ReadQueries(value, schema); break;
                }
            }

            if (schema.Version is null)
            {
                Report(DiagnosticDescriptors.MissingKey, root.Location, "schema.yaml", "version");
            }

            if (!HasKey(mapping, "tables"))
            {
                Report(DiagnosticDescriptors.MissingKey, root.Location, "schema.yaml", "tables");
            }

            return schema;
        }

        private void ReadEnums(YamlNode node, SchemaSyntax schema)
        {
            if (Expect<YamlMapping>(node, "'enums'") is not { } mapping)
            {
                return;
            }

            foreach (var (key, value) in Entries(mapping, null, "'enums'", "enum"))
            {
                var syntax = new EnumSyntax(ToToken(key));
                schema.Enums.Add(syntax);
                if (value is YamlSequence)
                {
                    syntax.Values.AddRange(ScalarList(value, $"enum '{key.Value}'"));
                    continue;
                }

                if (Expect<YamlMapping>(value, $"enum '{key.Value}'", "a list of values or a mapping") is not { } body)
                {
                    continue;
                }

                foreach (var (enumKey, enumValue) in Entries(body, EnumKeys, $"enum '{key.Value}'", "key"))
                {
                    if (enumKey.Value == "values")
                    {
                        syntax.Values.AddRange(ScalarList(enumValue, $"values of enum '{key.Value}'"));
                    }
                    else if (enumKey.Value == "valueMap")
                    {
                        if (Expect<YamlMapping>(enumValue, $"'valueMap' of enum '{key.Value}'") is { } map)
                        {
                            foreach (var (old, replacement) in Entries(map, null, $"'valueMap' of enum '{key.Value}'", "old value"))
                            {
                                if (Scalar(replacement, $"the new value for '{old.Value}'") is { } target)
                                {
                                    syntax.ValueMap.Add((ToToken(old), target));
                                }
                            }
                        }
                    }
                    else if (enumKey.Value == "typeName")
                    {
                        syntax.TypeName = Scalar(enumValue, "'typeName'");
                    }
                    else
                    {
                        syntax.Description = Scalar(enumValue, "'description'");
                    }
                }

                if (!HasKey(body, "values"))
                {
                    Report(DiagnosticDescriptors.MissingKey, value.Location, $"Enum '{key.Value}'", "values");
                }
            }
        }

        private void ReadTables(YamlNode node, SchemaSyntax schema)
        {
            if (Expect<YamlMapping>(node, "'tables'") is not { } mapping)
            {
                return;
            }

            foreach (var (key, value) in Entries(mapping, null, "'tables'", "table"))
            {
                var table = new TableSyntax(ToToken(key));
                schema.Tables.Add(table);
                var context = $"table '{key.Value}'";
                if (Expect<YamlMapping>(value, context) is not { } body)
                {
                    continue;
                }

                foreach (var (tableKey, tableValue) in Entries(body, TableKeys, context, "key"))
                {
                    switch (tableKey.Value)
                    {
                        case "entity": table.Entity = Scalar(tableValue, "'entity'"); break;
                        case "renamedFrom": table.RenamedFrom = Scalar(tableValue, "'renamedFrom'"); break;
                        case "description": table.Description = Scalar(tableValue, "'description'"); break;
                        case "columns": ReadColumns(tableValue, table); break;
                        case "primaryKey":
                            table.PrimaryKey = ScalarList(tableValue, $"'primaryKey' of {context}");
                            table.PrimaryKeyLocation = tableValue.Location;
                            break;
                        case "unique": ReadUniques(tableValue, table, context); break;
                        case "indexes": ReadIndexes(tableValue, table, context); break;
                        case "checks": ReadChecks(tableValue, table, context); break;
                        case "stateMachines": ReadStateMachines(tableValue, table, context); break;
                    }
                }

                if (!HasKey(body, "columns"))
                {
                    Report(DiagnosticDescriptors.MissingKey, value.Location, $"Table '{key.Value}'", "columns");
                }
            }
        }

        private void ReadColumns(YamlNode node, TableSyntax table)
        {
            if (Expect<YamlMapping>(node, $"'columns' of table '{table.Name.Value}'") is not { } mapping)
            {
                return;
            }

            foreach (var (key, value) in Entries(mapping, null, $"table '{table.Name.Value}'", "column"))
            {
                var column = new ColumnSyntax(ToToken(key));
                table.Columns.Add(column);
                var context = $"column '{table.Name.Value}.{key.Value}'";
                if (value is YamlScalar { IsNull: false } typeOnly)
                {
                    column.Type = ToToken(typeOnly);
                    continue;
                }

                if (Expect<YamlMapping>(value, context, "a type name or a mapping") is not { } body)
                {
                    continue;
                }

                foreach (var (columnKey, columnValue) in Entries(body, ColumnKeys, context, "key"))
                {
                    if (columnKey.Value == "requiredKeys")
                    {
                        column.RequiredKeys = ScalarList(columnValue, $"'requiredKeys' of {context}");
                        column.RequiredKeysLocation = columnValue.Location;
                        continue;
                    }

                    var token = Scalar(columnValue, $"'{columnKey.Value}' of {context}");
                    switch (columnKey.Value)
                    {
                        case "type": column.Type = token; break;
                        case "nullable": column.Nullable = token; break;
                        case "default": column.Default = token; break;
                        case "primaryKey": column.PrimaryKey = token; break;
                        case "unique": column.Unique = token; break;
                        case "references": column.References = token; break;
                        case "onDelete": column.OnDelete = token; break;
                        case "onUpdate": column.OnUpdate = token; break;
                        case "min": column.Min = token; break;
                        case "max": column.Max = token; break;
                        case "description": column.Description = token; break;
                        case "shape": column.Shape = token; break;
                        case "autoUpdate": column.AutoUpdate = token; break;
                        case "renamedFrom": column.RenamedFrom = token; break;
                        case "backfill": column.Backfill = token; break;
                        case "downBackfill": column.DownBackfill = token; break;
                        case "precision": column.Precision = token; break;
                        case "scale": column.Scale = token; break;
                        case "maxLength": column.MaxLength = token; break;
                    }
                }

                if (column.Type is null)
                {
                    Report(DiagnosticDescriptors.MissingKey, value.Location, $"Column '{table.Name.Value}.{key.Value}'", "type");
                }
            }
        }

        private void ReadUniques(YamlNode node, TableSyntax table, string context)
        {
            if (Expect<YamlSequence>(node, $"'unique' of {context}") is not { } sequence)
            {
                return;
            }

            foreach (var item in sequence.Items)
            {
                var key = new KeySyntax(item.Location);
                table.Uniques.Add(key);
                if (item is YamlSequence)
                {
                    key.Columns.AddRange(ScalarList(item, $"a unique constraint of {context}"));
                    continue;
                }

                if (Expect<YamlMapping>(item, $"a unique constraint of {context}", "a list of columns or a mapping") is not { } body)
                {
                    continue;
                }

                foreach (var (uniqueKey, value) in Entries(body, UniqueKeys, $"a unique constraint of {context}", "key"))
                {
                    if (uniqueKey.Value == "name")
                    {
                        key.Name = Scalar(value, "'name'");
                    }
                    else
                    {
                        key.Columns.AddRange(ScalarList(value, $"'columns' of a unique constraint of {context}"));
                    }
                }
            }
        }

        private void ReadIndexes(YamlNode node, TableSyntax table, string context)
        {
            if (Expect<YamlSequence>(node, $"'indexes' of {context}") is not { } sequence)
            {
                return;
            }

            foreach (var item in sequence.Items)
            {
                var index = new IndexSyntax(item.Location);
                table.Indexes.Add(index);
                if (Expect<YamlMapping>(item, $"an index of {context}") is not { } body)
                {
                    continue;
                }

                foreach (var (indexKey, value) in Entries(body, IndexKeys, $"an index of {context}", "key"))
                {
                    switch (indexKey.Value)
                    {
                        case "name": index.Name = Scalar(value, "'name'"); break;
                        case "unique": index.Unique = Scalar(value, "'unique'"); break;
                        case "description": index.Description = Scalar(value, "'description'"); break;
                        case "where": index.Where = Scalar(value, "'where'"); break;
                        case "include": index.Include = ScalarList(value, $"'include' of an index of {context}"); break;
                        case "columns":
                            index.HasColumnsKey = true;
                            ReadIndexEntries(value, index, context);
                            break;
                    }
                }

                if (!HasKey(body, "columns"))
                {
                    Report(DiagnosticDescriptors.MissingKey, item.Location, $"An index of {context}", "columns");
                }
            }
        }

        private void ReadAllowDataLoss(YamlNode node, SchemaSyntax schema)
        {
            if (node is YamlSequence)
            {
                schema.AllowDataLossUp.AddRange(ScalarList(node, "'allowDataLoss'"));
                return;
            }

            if (Expect<YamlMapping>(node, "'allowDataLoss'", "a list of objects or a mapping with 'up' and 'down'") is not { } mapping)
            {
                return;
            }

            foreach (var (key, value) in Entries(mapping, DataLossKeys, "'allowDataLoss'", "key"))
            {
                (key.Value == "up" ? schema.AllowDataLossUp : schema.AllowDataLossDown).AddRange(ScalarList(value, $"'allowDataLoss.{key.Value}'"));
            }
        }

        private void ReadSteps(YamlNode node, SchemaSyntax schema)
        {
            if (Expect<YamlSequence>(node, "'steps'") is not { } sequence)
            {
                return;
            }

            foreach (var item in sequence.Items)
            {
                var step = new StepSyntax(item.Location);
                schema.Steps.Add(step);
                if (Expect<YamlMapping>(item, "a step") is not { } body)
                {
                    continue;
                }

                foreach (var (key, value) in Entries(body, StepKeys, "a step", "key"))
                {
                    var token = Scalar(value, $"'{key.Value}' of a step");
                    switch (key.Value)
                    {
                        case "name": step.Name = token; break;
                        case "phase": step.Phase = token; break;
                        case "sql": step.Sql = token; break;
                        case "sqlite": step.Sqlite = token; break;
                        case "postgres": step.Postgres = token; break;
                    }
                }
            }
        }

        private void ReadQueries(YamlNode node, SchemaSyntax schema)
        {
            if (Expect<YamlMapping>(node, "'queries'") is not { } mapping)
            {
                return;
            }

            foreach (var (key, value) in Entries(mapping, null, "'queries'", "query"))
            {
                var query = new QuerySyntax(ToToken(key), value.Location);
                schema.Queries.Add(query);
                var context = $"query '{key.Value}'";
                if (Expect<YamlMapping>(value, context) is not { } body)
                {
                    continue;
                }

                foreach (var (queryKey, queryValue) in Entries(body, QueryKeys, context, "key"))
                {
                    switch (queryKey.Value)
                    {
                        case "description": query.Description = Scalar(queryValue, "'description'"); break;
                        case "sql": query.Sql = Scalar(queryValue, $"'sql' of {context}"); break;
                        case "sqlite": query.Sqlite = Scalar(queryValue, $"'sqlite' of {context}"); break;
                        case "postgres": query.Postgres = Scalar(queryValue, $"'postgres' of {context}"); break;
                        case "cardinality": query.Cardinality = Scalar(queryValue, $"'cardinality' of {context}"); break;
                        case "uses": query.Uses.AddRange(ScalarOrList(queryValue, $"'uses' of {context}")); break;
                        case "mustNotScan": query.MustNotScan.AddRange(ScalarOrList(queryValue, $"'mustNotScan' of {context}")); break;
                        case "parameters": query.Parameters.AddRange(ReadQueryValues(queryValue, $"'parameters' of {context}", "parameter")); break;
                        case "result": query.Result = ReadQueryResult(queryValue, context); break;
                    }
                }

                if (query.Sql is null && query.Sqlite is null && query.Postgres is null)
                {
                    Report(DiagnosticDescriptors.MissingKey, value.Location, Capitalize(context), "sql");
                }
            }
        }

        private QueryResultSyntax? ReadQueryResult(YamlNode node, string context)
        {
            var result = new QueryResultSyntax(node.Location);
            if (node is YamlScalar { IsNull: false } scalar)
            {
                result.Single = ToToken(scalar);
                return result;
            }

            if (Expect<YamlMapping>(node, $"'result' of {context}", "a table, a type, table.column or a mapping with 'columns'") is not { } body)
            {
                return null;
            }

            foreach (var (key, value) in Entries(body, QueryResultKeys, $"the result of {context}", "key"))
            {
                if (key.Value == "typeName")
                {
                    result.TypeName = Scalar(value, "'typeName'");
                }
                else
                {
                    result.HasColumnsKey = true;
                    result.Columns.AddRange(ReadQueryValues(value, $"'columns' of the result of {context}", "result column"));
                }
            }

            if (!result.HasColumnsKey)
            {
                Report(DiagnosticDescriptors.MissingKey, node.Location, $"The result of {context}", "columns");
                return null;
            }

            return result;
        }

        /// <summary>name: type, or name: { type, nullable }, in declaration order.</summary>
        private List<QueryValueSyntax> ReadQueryValues(YamlNode node, string context, string what)
        {
            var list = new List<QueryValueSyntax>();
            if (Expect<YamlMapping>(node, context) is not { } mapping)
            {
                return list;
            }

            foreach (var (key, value) in Entries(mapping, null, context, what))
            {
                var item = new QueryValueSyntax(ToToken(key), value.Location);
                if (value is YamlScalar { IsNull: false } typeOnly)
                {
                    item.Type = ToToken(typeOnly);
                    list.Add(item);
                    continue;
                }

                var where = $"{what} '{key.Value}'";
                if (Expect<YamlMapping>(value, Capitalize(where), "a type or a mapping with 'type'") is not { } body)
                {
                    continue;
                }

                foreach (var (valueKey, valueValue) in Entries(body, QueryValueKeys, where, "key"))
                {
                    var token = Scalar(valueValue, $"'{valueKey.Value}' of {where}");
                    if (valueKey.Value == "type")
                    {
                        item.Type = token;
                    }
                    else
                    {
                        item.Nullable = token;
                    }
                }

                if (item.Type is null)
                {
                    Report(DiagnosticDescriptors.MissingKey, value.Location, Capitalize(where), "type");
                    continue;
                }

                list.Add(item);
            }

            return list;
        }

        private List<Token> ScalarOrList(YamlNode node, string context) =>
            node is YamlScalar { IsNull: false } scalar ? new List<Token> { ToToken(scalar) } : ScalarList(node, context);

        private void ReadIndexEntries(YamlNode node, IndexSyntax index, string context)
        {
            if (Expect<YamlSequence>(node, $"'columns' of an index of {context}") is not { } sequence)
            {
                return;
            }

            foreach (var item in sequence.Items)
            {
                if (item is YamlScalar { IsNull: false } scalar)
                {
                    index.Columns.Add(new IndexEntrySyntax(IndexEntryKind.Column, ToToken(scalar), scalar.Location));
                    continue;
                }

                if (Expect<YamlMapping>(item, $"An index key of {context}", "a column name or a mapping") is not { } body)
                {
                    continue;
                }

                IndexEntrySyntax? entry = null;
                Token? path = null;
                Token? order = null;
                foreach (var (key, value) in Entries(body, IndexEntryKeys, $"an index key of {context}", "key"))
                {
                    var token = Scalar(value, $"'{key.Value}' of an index key");
                    if (token is null)
                    {
                        continue;
                    }

                    switch (key.Value)
                    {
                        case "path": path = token; break;
                        case "order": order = token; break;
                        default:
                            var kind = key.Value == "column" ? IndexEntryKind.Column : key.Value == "json" ? IndexEntryKind.Json : IndexEntryKind.Expression;
                            if (entry is not null)
                            {
                                Report(DiagnosticDescriptors.InvalidValue, key.Location, key.Value, "an index key",
                                    "exactly one of 'column', 'json' or 'expression'");
                                continue;
                            }

                            entry = new IndexEntrySyntax(kind, token, item.Location);
                            break;
                    }
                }

                if (entry is null)
                {
                    Report(DiagnosticDescriptors.MissingKey, item.Location, $"An index key of {context}", "column', 'json' or 'expression");
                    continue;
                }

                entry.Path = path;
                entry.Order = order;
                index.Columns.Add(entry);
            }
        }

        private void ReadChecks(YamlNode node, TableSyntax table, string context)
        {
            if (Expect<YamlSequence>(node, $"'checks' of {context}") is not { } sequence)
            {
                return;
            }

            foreach (var item in sequence.Items)
            {
                var check = new CheckSyntax(item.Location);
                table.Checks.Add(check);
                if (Expect<YamlMapping>(item, $"a check of {context}") is not { } body)
                {
                    continue;
                }

                foreach (var (key, value) in Entries(body, CheckKeys, $"a check of {context}", "key"))
                {
                    var token = Scalar(value, $"'{key.Value}' of a check");
                    switch (key.Value)
                    {
                        case "name": check.Name = token; break;
                        case "expression": check.Expression = token; break;
                        case "sqlite": check.Sqlite = token; break;
                        case "postgres": check.Postgres = token; break;
                        case "description": check.Description = token; break;
                    }
                }
            }
        }

        private void ReadStateMachines(YamlNode node, TableSyntax table, string context)
        {
            if (Expect<YamlMapping>(node, $"'stateMachines' of {context}") is not { } mapping)
            {
                return;
            }

            foreach (var (key, value) in Entries(mapping, null, $"'stateMachines' of {context}", "state machine"))
            {
                var machine = new StateMachineSyntax(ToToken(key));
                table.StateMachines.Add(machine);
                var where = $"the state machine of '{table.Name.Value}.{key.Value}'";
                if (Expect<YamlMapping>(value, where) is not { } body)
                {
                    continue;
                }

                foreach (var (machineKey, machineValue) in Entries(body, StateMachineKeys, where, "key"))
                {
                    switch (machineKey.Value)
                    {
                        case "initial": machine.Initial = ScalarList(machineValue, $"'initial' of {where}"); break;
                        case "terminal": machine.Terminal = ScalarList(machineValue, $"'terminal' of {where}"); break;
                        case "description": machine.Description = Scalar(machineValue, "'description'"); break;
                        case "transitions":
                            machine.HasTransitions = true;
                            if (Expect<YamlMapping>(machineValue, $"'transitions' of {where}") is { } transitions)
                            {
                                foreach (var (from, targets) in Entries(transitions, null, $"'transitions' of {where}", "from-state"))
                                {
                                    var to = targets is YamlScalar { IsNull: true } ? new List<Token>() : ScalarList(targets, $"transitions from '{from.Value}'");
                                    machine.Transitions.Add((ToToken(from), to));
                                }
                            }

                            break;
                    }
                }

                if (machine.Initial is null)
                {
                    Report(DiagnosticDescriptors.MissingKey, value.Location, Capitalize(where), "initial");
                }

                if (!machine.HasTransitions)
                {
                    Report(DiagnosticDescriptors.MissingKey, value.Location, Capitalize(where), "transitions");
                }
            }
        }

        /// <summary>Entries of a mapping, reporting duplicate and (when <paramref name="allowed"/> is given) unknown keys.</summary>
        private IEnumerable<(YamlScalar Key, YamlNode Value)> Entries(YamlMapping mapping, string[]? allowed, string context, string what)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in mapping.Entries)
            {
                var key = entry.Key;
                if (!seen.Add(key.Value))
                {
                    var where = what == "key" ? $" in {context}" : string.Empty;
                    Report(DiagnosticDescriptors.DuplicateKey, key.Location, what, key.Value, where);
                    continue;
                }

                if (allowed is not null && Array.IndexOf(allowed, key.Value) < 0)
                {
                    Report(DiagnosticDescriptors.UnknownKey, key.Location, key.Value, context, string.Join(", ", allowed));
                    continue;
                }

                yield return (key, entry.Value);
            }
        }

        private static bool HasKey(YamlMapping mapping, string key)
        {
            foreach (var entry in mapping.Entries)
            {
                if (entry.Key.Value == key)
                {
                    return true;
                }
            }

            return false;
        }

        private Token? Scalar(YamlNode node, string context) =>
            Expect<YamlScalar>(node, context) is { } scalar ? ToToken(scalar) : null;

        private List<Token> ScalarList(YamlNode node, string context)
        {
            var list = new List<Token>();
            if (Expect<YamlSequence>(node, context) is not { } sequence)
            {
                return list;
            }

            foreach (var item in sequence.Items)
            {
                if (Expect<YamlScalar>(item, $"An item of {context}") is { } scalar)
                {
                    list.Add(ToToken(scalar));
                }
            }

            return list;
        }

        private T? Expect<T>(YamlNode node, string context, string? expected = null)
            where T : YamlNode
        {
            if (node is T typed && !(typed is YamlScalar { IsNull: true }))
            {
                return typed;
            }

            expected ??= typeof(T) == typeof(YamlMapping) ? "a mapping" : typeof(T) == typeof(YamlSequence) ? "a list" : "a value";
            Report(DiagnosticDescriptors.WrongNodeKind, node.Location, Capitalize(context), expected, node.KindName);
            return null;
        }

        private static Token ToToken(YamlScalar scalar) => new(scalar.Value, scalar.Location, scalar.IsPlain, scalar.Source);

        private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo location, params string[] args) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

        private static string Capitalize(string text) =>
            text.Length == 0 || text[0] == '\'' ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
