using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace AgentHive.Generator.Validation;

/// <summary>Checks the meaning of a <see cref="SchemaSyntax"/> and builds the <see cref="SchemaModel"/>.</summary>
public sealed class SchemaValidator
{
    private static readonly Dictionary<string, ColumnKind> BuiltInTypes = new(StringComparer.Ordinal)
    {
        ["id"] = ColumnKind.Id,
        ["integer"] = ColumnKind.Integer,
        ["bigint"] = ColumnKind.BigInt,
        ["real"] = ColumnKind.Real,
        ["boolean"] = ColumnKind.Boolean,
        ["text"] = ColumnKind.Text,
        ["timestamp"] = ColumnKind.Timestamp,
        ["json"] = ColumnKind.Json,
        ["blob"] = ColumnKind.Blob,
    };

    // Members every generated entity has; a column whose property would take one of these names is refused.
    private static readonly HashSet<string> EntityMemberNames = new(StringComparer.Ordinal)
    {
        "TableName", "SqliteInsertSql", "PostgresInsertSql", "AddInsertParameters",
        "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers", "GetType", "MemberwiseClone",
    };

    private static readonly string[] ActionNames = { "noAction", "restrict", "cascade", "setNull", "setDefault" };

    private readonly List<DiagnosticInfo> _diagnostics;

    private readonly Dictionary<string, LocationInfo> _locations;

    private SchemaValidator(List<DiagnosticInfo> diagnostics, Dictionary<string, LocationInfo> locations)
    {
        _diagnostics = diagnostics;
        _locations = locations;
    }

    /// <summary>
    /// Returns the model, or null when any error was reported, and fills <paramref name="locations"/> with
    /// where things are declared (keys like <c>table:tasks</c>, <c>column:tasks.status</c>) for later stages.
    /// </summary>
    public static SchemaModel? Validate(SchemaSyntax syntax, List<DiagnosticInfo> diagnostics, Dictionary<string, LocationInfo> locations)
    {
        var errorsBefore = diagnostics.Count(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
        var model = new SchemaValidator(diagnostics, locations).Build(syntax);
        var errorsAfter = diagnostics.Count(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
        return errorsAfter == 0 && errorsBefore == 0 ? model : null;
    }

    private SchemaModel Build(SchemaSyntax syntax)
    {
        var name = "schema";
        if (syntax.Name is { } nameToken && CheckIdentifier(nameToken, "schema"))
        {
            name = nameToken.Value;
        }

        var ns = Names.ToPascalCase(name);
        if (syntax.Namespace is { } nsToken)
        {
            if (nsToken.Value.Split('.').All(Names.IsValidCSharpIdentifier))
            {
                ns = nsToken.Value;
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidValue, nsToken.Location, nsToken.Value, "'namespace'", "a C# namespace such as AgentHive.Data");
            }
        }

        var version = 0;
        if (syntax.Version is { } versionToken &&
            (!int.TryParse(versionToken.Value, NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1))
        {
            Report(DiagnosticDescriptors.InvalidVersion, versionToken.Location, versionToken.Value);
        }

        var enums = BuildEnums(syntax.Enums);
        var tableNames = new HashSet<string>(syntax.Tables.Select(t => t.Name.Value), StringComparer.Ordinal);
        var typeNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in enums.Values)
        {
            typeNames[e.Model.TypeName] = $"enum '{e.Model.Name}'";
            typeNames[e.Model.TypeName + "Extensions"] = $"enum '{e.Model.Name}'";
        }

        var tables = new List<TableBuilder>();
        foreach (var tableSyntax in syntax.Tables)
        {
            if (BuildTable(tableSyntax, enums, typeNames) is { } table)
            {
                tables.Add(table);
            }
        }

        var byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var table in tables)
        {
            ResolveForeignKeys(table, byName, tableNames);
        }

        CheckGlobalIndexNames(tables);
        foreach (var table in tables)
        {
            WarnAboutIndexes(table);
        }

        var ordered = OrderByDependencies(tables);

        _locations["version"] = syntax.Version?.Location ?? syntax.Location;
        foreach (var (entries, direction) in new[] { (syntax.AllowDataLossUp, "up"), (syntax.AllowDataLossDown, "down") })
        {
            foreach (var entry in entries)
            {
                _locations[$"loss-{direction}:{entry.Value}"] = entry.Location;
            }
        }

        return new SchemaModel(
            name,
            ns,
            Names.ToPascalCase(name) + "Schema",
            version,
            syntax.Description?.Value ?? string.Empty,
            enums.Values.Select(e => e.Model).ToEquatableArray(),
            ordered.Select(t => t.ToModel()).ToEquatableArray(),
            syntax.AllowDataLossUp.Select(t => t.Value).Distinct().ToEquatableArray(),
            syntax.AllowDataLossDown.Select(t => t.Value).Distinct().ToEquatableArray(),
            BuildSteps(syntax.Steps).ToEquatableArray());
    }

    private List<StepModel> BuildSteps(List<StepSyntax> steps)
    {
        var result = new List<StepModel>();
        var number = 0;
        foreach (var step in steps)
        {
            number++;
            if (step.Sql is null && (step.Sqlite is null || step.Postgres is null))
            {
                Report(DiagnosticDescriptors.MissingKey, step.Location, "A step", "sql' (or both 'sqlite' and 'postgres");
                continue;
            }

            var before = false;
            if (step.Phase is { } phase)
            {
                if (phase.Value is not ("before" or "after"))
                {
                    Report(DiagnosticDescriptors.InvalidValue, phase.Location, phase.Value, "'phase'", "before or after (the version's schema changes)");
                    continue;
                }

                before = phase.Value == "before";
            }

            var name = step.Name is { } nameToken && CheckIdentifier(nameToken, "step") ? nameToken.Value : $"step_{number}";
            _locations[$"step:{name}"] = step.Name?.Location ?? step.Location;
            result.Add(new StepModel(name, before, (step.Sqlite ?? step.Sql)!.Value, (step.Postgres ?? step.Sql)!.Value));
        }

        return result;
    }

    private Dictionary<string, EnumInfo> BuildEnums(List<EnumSyntax> syntaxes)
    {
        var result = new Dictionary<string, EnumInfo>(StringComparer.Ordinal);
        foreach (var syntax in syntaxes)
        {
            if (!CheckIdentifier(syntax.Name, "enum"))
            {
                continue;
            }

            if (syntax.Values.Count == 0)
            {
                Report(DiagnosticDescriptors.EmptyEnum, syntax.Name.Location, syntax.Name.Value);
                continue;
            }

            var values = new List<EnumValueModel>();
            var seenValues = new HashSet<string>(StringComparer.Ordinal);
            var members = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var value in syntax.Values)
            {
                if (!Names.IsValidEnumValue(value.Value))
                {
                    Report(DiagnosticDescriptors.InvalidEnumValue, value.Location, syntax.Name.Value, value.Value);
                    continue;
                }

                if (!seenValues.Add(value.Value))
                {
                    Report(DiagnosticDescriptors.DuplicateName, value.Location, "Enum value", value.Value, $" in enum '{syntax.Name.Value}'");
                    continue;
                }

                var member = Names.ToPascalCase(value.Value);
                if (members.TryGetValue(member, out var other))
                {
                    Report(DiagnosticDescriptors.GeneratedNameCollision, value.Location, "Enum values", other, value.Value, member);
                    continue;
                }

                members[member] = value.Value;
                values.Add(new EnumValueModel(value.Value, member));
            }

            var map = new List<ValueMapping>();
            foreach (var (old, replacement) in syntax.ValueMap)
            {
                if (seenValues.Contains(old.Value))
                {
                    Report(DiagnosticDescriptors.InvalidValueMap, old.Location, old.Value, syntax.Name.Value, "it is still a value; map only values this version removes");
                }
                else if (!seenValues.Contains(replacement.Value))
                {
                    Report(DiagnosticDescriptors.InvalidValueMap, replacement.Location, old.Value, syntax.Name.Value, $"'{replacement.Value}' is not one of its values");
                }
                else
                {
                    map.Add(new ValueMapping(old.Value, replacement.Value));
                    _locations[$"value-map:{syntax.Name.Value}.{old.Value}"] = old.Location;
                }
            }

            _locations[$"enum:{syntax.Name.Value}"] = syntax.Name.Location;
            var model = new EnumModel(syntax.Name.Value, Names.ToPascalCase(syntax.Name.Value), syntax.Description?.Value, values.ToEquatableArray(), map.ToEquatableArray());
            result[syntax.Name.Value] = new EnumInfo(model, seenValues);
        }

        return result;
    }

    private TableBuilder? BuildTable(TableSyntax syntax, Dictionary<string, EnumInfo> enums, Dictionary<string, string> typeNames)
    {
        if (!CheckIdentifier(syntax.Name, "table"))
        {
            return null;
        }

        var entityName = Names.ToEntityName(syntax.Name.Value);
        if (syntax.Entity is { } entityToken)
        {
            if (Names.IsValidCSharpIdentifier(entityToken.Value))
            {
                entityName = entityToken.Value;
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidValue, entityToken.Location, entityToken.Value, "'entity'", "a C# type name such as Agent");
            }
        }

        if (typeNames.TryGetValue(entityName, out var clash))
        {
            Report(DiagnosticDescriptors.GeneratedNameCollision, syntax.Entity?.Location ?? syntax.Name.Location,
                "Names", clash, $"table '{syntax.Name.Value}'", entityName);
        }
        else
        {
            typeNames[entityName] = $"table '{syntax.Name.Value}'";
        }

        var table = new TableBuilder(syntax, entityName);
        _locations[$"table:{syntax.Name.Value}"] = syntax.Name.Location;
        if (syntax.RenamedFrom is { } tableRename && CheckIdentifier(tableRename, "table"))
        {
            table.RenamedFrom = tableRename.Value;
            _locations[$"table-renamed:{syntax.Name.Value}"] = tableRename.Location;
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var columnSyntax in syntax.Columns)
        {
            if (BuildColumn(syntax, columnSyntax, enums) is not { } column)
            {
                continue;
            }

            if (column.Model.PropertyName == entityName || EntityMemberNames.Contains(column.Model.PropertyName))
            {
                Report(DiagnosticDescriptors.GeneratedNameCollision, columnSyntax.Name.Location,
                    "Names", $"column '{column.Model.Name}'", $"a member of entity {entityName}", column.Model.PropertyName);
                continue;
            }

            if (properties.TryGetValue(column.Model.PropertyName, out var otherColumn))
            {
                Report(DiagnosticDescriptors.GeneratedNameCollision, columnSyntax.Name.Location,
                    "Columns", otherColumn, column.Model.Name, column.Model.PropertyName);
                continue;
            }

            properties[column.Model.PropertyName] = column.Model.Name;
            table.Columns.Add(column);
        }

        BuildBackfills(table);
        BuildPrimaryKey(table);
        BuildUniques(table);
        BuildIndexes(table);
        BuildChecks(table, enums);
        BuildStateMachines(table, enums);
        return table;
    }

    private void BuildBackfills(TableBuilder table)
    {
        foreach (var column in table.Columns)
        {
            _locations[$"column:{table.Name}.{column.Model.Name}"] = column.Syntax.Name.Location;
            if (column.Syntax.RenamedFrom is { } rename && CheckIdentifier(rename, "column"))
            {
                column.Model = column.Model with { RenamedFrom = rename.Value };
                _locations[$"column-renamed:{table.Name}.{column.Model.Name}"] = rename.Location;
            }

            if (column.Syntax.Backfill is { } backfill &&
                Expression(backfill, table, $"The backfill of '{table.Name}.{column.Model.Name}'") is { } sql)
            {
                column.Model = column.Model with { Backfill = sql };
            }

            BuildDownBackfill(table, column);
        }
    }

    /// <summary>A plain (unquoted) <c>downBackfill: refuse</c> declares that rows the previous version cannot hold block the downgrade.</summary>
    private void BuildDownBackfill(TableBuilder table, ColumnBuilder column)
    {
        if (column.Syntax.DownBackfill is not { } downBackfill)
        {
            return;
        }

        _locations[$"down-backfill:{table.Name}.{column.Model.Name}"] = downBackfill.Location;
        if (downBackfill.IsPlain && downBackfill.Value == "refuse")
        {
            column.Model = column.Model with { DownRefuses = true };
        }
        else if (Expression(downBackfill, table, $"The downBackfill of '{table.Name}.{column.Model.Name}'") is { } sql)
        {
            column.Model = column.Model with { DownBackfill = sql };
        }
    }

    private ColumnBuilder? BuildColumn(TableSyntax table, ColumnSyntax syntax, Dictionary<string, EnumInfo> enums)
    {
        if (!CheckIdentifier(syntax.Name, "column"))
        {
            return null;
        }

        var qualified = $"{table.Name.Value}.{syntax.Name.Value}";
        if (syntax.Type is not { } typeToken)
        {
            return null; // reported by the reader
        }

        ColumnKind kind;
        string? enumName = null;
        if (BuiltInTypes.TryGetValue(typeToken.Value, out var builtIn))
        {
            kind = builtIn;
        }
        else if (enums.ContainsKey(typeToken.Value))
        {
            kind = ColumnKind.Enum;
            enumName = typeToken.Value;
        }
        else
        {
            Report(DiagnosticDescriptors.UnknownType, typeToken.Location, qualified, typeToken.Value, string.Join(", ", BuiltInTypes.Keys));
            return null;
        }

        var nullable = Bool(syntax.Nullable, "'nullable'") ?? false;
        var primaryKey = Bool(syntax.PrimaryKey, "'primaryKey'") ?? false;
        var unique = Bool(syntax.Unique, "'unique'") ?? false;
        if (kind == ColumnKind.Id && nullable)
        {
            Report(DiagnosticDescriptors.InvalidValue, syntax.Nullable!.Location, "true", $"'nullable' of id column '{qualified}'", "false: an id is never null");
        }

        var autoUpdate = false;
        if (syntax.AutoUpdate is { } autoUpdateToken)
        {
            autoUpdate = Bool(autoUpdateToken, "'autoUpdate'") ?? false;
            if (kind != ColumnKind.Timestamp)
            {
                Report(DiagnosticDescriptors.OptionNotForType, autoUpdateToken.Location, "autoUpdate", qualified, typeToken.Value, "timestamp");
                autoUpdate = false;
            }
        }

        var model = new ColumnModel(
            syntax.Name.Value,
            Names.ToPascalCase(syntax.Name.Value),
            kind,
            enumName,
            nullable,
            BuildDefault(syntax, qualified, kind, enumName is null ? null : enums[enumName]),
            syntax.Description?.Value,
            autoUpdate);

        var column = new ColumnBuilder(syntax, model, primaryKey || kind == ColumnKind.Id, unique);
        BuildRange(column, qualified);
        BuildJsonShape(column, qualified);
        return column;
    }

    private DefaultModel? BuildDefault(ColumnSyntax syntax, string qualified, ColumnKind kind, EnumInfo? enumInfo)
    {
        if (syntax.Default is not { } token)
        {
            return null;
        }

        var typeName = syntax.Type!.Value;
        var number = kind is ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real ? TryNumber(token.Value, kind) : null;
        var (fits, defaultKind, value, problem) = kind switch
        {
            ColumnKind.Text => (true, DefaultKind.Text, token.Value, string.Empty),
            ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real =>
                (number is not null, DefaultKind.Number, number?.Text ?? string.Empty, $"expected {NumberKind(kind)}"),
            ColumnKind.Boolean => (token.Value is "true" or "false", DefaultKind.Boolean, token.Value, "expected true or false"),
            ColumnKind.Timestamp => (token.Value == "now", DefaultKind.Now, string.Empty, "the only timestamp default is 'now' (the time the row is inserted)"),
            ColumnKind.Json => (token.Value is "{}" or "[]", DefaultKind.Text, token.Value, "a JSON default is '{}' or '[]' (quote it in YAML)"),
            ColumnKind.Enum => (enumInfo!.Values.Contains(token.Value), DefaultKind.EnumValue, token.Value,
                $"it is not a value of enum '{enumInfo.Model.Name}' ({string.Join(", ", enumInfo.Model.Values.Select(v => v.Value))})"),
            _ => (false, DefaultKind.Text, string.Empty, $"a {typeName} column takes no default"),
        };

        if (fits)
        {
            return new DefaultModel(defaultKind, value);
        }

        Report(DiagnosticDescriptors.InvalidDefault, token.Location, token.Value, qualified, typeName, problem);
        return null;
    }

    private void BuildJsonShape(ColumnBuilder column, string qualified)
    {
        var syntax = column.Syntax;
        if (syntax.Shape is null && syntax.RequiredKeys is null)
        {
            return;
        }

        if (column.Model.Kind != ColumnKind.Json)
        {
            var where = syntax.Shape?.Location ?? syntax.RequiredKeysLocation!;
            Report(DiagnosticDescriptors.OptionNotForType, where, syntax.Shape is null ? "requiredKeys" : "shape", qualified, syntax.Type!.Value, "json");
            return;
        }

        if (syntax.Shape is { } shape)
        {
            if (shape.Value is not ("object" or "array"))
            {
                Report(DiagnosticDescriptors.InvalidValue, shape.Location, shape.Value, $"'shape' of column '{qualified}'", "object or array");
                return;
            }

            if (shape.Value == "array" && syntax.RequiredKeys is { Count: > 0 })
            {
                Report(DiagnosticDescriptors.InvalidValue, shape.Location, shape.Value, $"'shape' of column '{qualified}'", "object, since 'requiredKeys' is given");
                return;
            }
        }

        column.Shape = syntax.Shape?.Value ?? "object";
        var keys = new List<string>();
        foreach (var key in syntax.RequiredKeys ?? new List<Token>())
        {
            if (!IsJsonKey(key.Value))
            {
                Report(DiagnosticDescriptors.InvalidJsonPath, key.Location, key.Value, "key", string.Empty);
                return;
            }

            keys.Add(key.Value);
        }

        column.RequiredKeys = keys;
    }

    private static bool IsJsonKey(string key) =>
        key.Length > 0 && key.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');

    private void BuildRange(ColumnBuilder column, string qualified)
    {
        var syntax = column.Syntax;
        if (syntax.Min is null && syntax.Max is null)
        {
            return;
        }

        var kind = column.Model.Kind;
        var where = (syntax.Min ?? syntax.Max)!.Location;
        if (kind is not (ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real))
        {
            Report(DiagnosticDescriptors.InvalidRange, where, qualified, $"'min' and 'max' apply to integer, bigint and real columns, not {syntax.Type!.Value}");
            return;
        }

        var min = Number(syntax.Min, kind, qualified);
        var max = Number(syntax.Max, kind, qualified);
        if (min is { } low && max is { } high && low.Value > high.Value)
        {
            Report(DiagnosticDescriptors.InvalidRange, syntax.Max!.Location, qualified, $"'min' ({low.Text}) is greater than 'max' ({high.Text})");
            return;
        }

        if ((syntax.Min is null || min is not null) && (syntax.Max is null || max is not null))
        {
            column.Range = new RangeRule(min?.Text, max?.Text);
        }
    }

    private (double Value, string Text)? Number(Token? token, ColumnKind kind, string qualified)
    {
        if (token is null)
        {
            return null;
        }

        if (TryNumber(token.Value, kind) is { } number)
        {
            return number;
        }

        Report(DiagnosticDescriptors.InvalidRange, token.Location, qualified, $"'{token.Value}' is not {NumberKind(kind)}");
        return null;
    }

    /// <summary>A number that fits the column kind, with its invariant spelling for SQL and C#.</summary>
    private static (double Value, string Text)? TryNumber(string text, ColumnKind kind)
    {
        if (kind == ColumnKind.Real)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !double.IsInfinity(real)
                ? (real, real.ToString("R", CultureInfo.InvariantCulture))
                : null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ||
            (kind == ColumnKind.Integer && (integer < int.MinValue || integer > int.MaxValue)))
        {
            return null;
        }

        return (integer, integer.ToString(CultureInfo.InvariantCulture));
    }

    private static string NumberKind(ColumnKind kind) => kind switch
    {
        ColumnKind.Real => "a number",
        ColumnKind.Integer => "a whole number that fits 32 bits",
        _ => "a whole number",
    };

    private void BuildPrimaryKey(TableBuilder table)
    {
        var syntax = table.Syntax;
        var idColumns = table.Columns.Where(c => c.Model.Kind == ColumnKind.Id).ToList();
        var marked = table.Columns.Where(c => c.IsPrimaryKey).ToList();
        if (idColumns.Count > 1 || (idColumns.Count == 1 && (marked.Count > 1 || syntax.PrimaryKey is not null)))
        {
            var offender = idColumns.Count > 1 ? idColumns[1] : idColumns[0];
            Report(DiagnosticDescriptors.IdTypeNotSolePrimaryKey, offender.Syntax.Type!.Location, $"{table.Name}.{offender.Model.Name}");
            return;
        }

        var name = Names.Fit($"pk_{table.Name}");
        var keyNames = syntax.PrimaryKey?.Select(t => t.Value).ToList() ?? marked.Select(c => c.Model.Name).ToList();
        foreach (var nullableKey in table.Columns.Where(c => c.Model.Nullable && c.Syntax.Nullable is not null && keyNames.Contains(c.Model.Name)))
        {
            Report(DiagnosticDescriptors.InvalidValue, nullableKey.Syntax.Nullable!.Location, "true",
                $"'nullable' of primary key column '{table.Name}.{nullableKey.Model.Name}'", "false: a primary key column is never null");
            return;
        }

        if (syntax.PrimaryKey is { } listed)
        {
            if (marked.Count > 0)
            {
                Report(DiagnosticDescriptors.InvalidValue, marked[0].Syntax.PrimaryKey!.Location, "primaryKey",
                    $"column '{table.Name}.{marked[0].Model.Name}'", $"no column-level primaryKey when table '{table.Name}' lists 'primaryKey'");
                return;
            }

            if (listed.Count == 0)
            {
                Report(DiagnosticDescriptors.EmptyIndex, syntax.PrimaryKeyLocation!, "The primary key", table.Name);
                return;
            }

            var columns = ResolveColumns(table, listed, "The primary key");
            if (columns is not null)
            {
                table.PrimaryKey = new PrimaryKeyModel(name, columns.ToEquatableArray(), IsIdentity: false);
            }

            return;
        }

        if (marked.Count == 0)
        {
            Report(DiagnosticDescriptors.MissingPrimaryKey, syntax.Name.Location, table.Name);
            return;
        }

        table.PrimaryKey = new PrimaryKeyModel(name, marked.Select(c => c.Model.Name).ToEquatableArray(), IsIdentity: idColumns.Count == 1);
    }

    private void BuildUniques(TableBuilder table)
    {
        foreach (var column in table.Columns.Where(c => c.IsUnique))
        {
            table.Uniques.Add((new UniqueModel(Names.Fit($"uq_{table.Name}_{column.Model.Name}"), new[] { column.Model.Name }.ToEquatableArray()),
                column.Syntax.Unique!.Location));
        }

        foreach (var key in table.Syntax.Uniques)
        {
            if (key.Columns.Count == 0)
            {
                Report(DiagnosticDescriptors.EmptyIndex, key.Location, "A unique constraint", table.Name);
                continue;
            }

            var columns = ResolveColumns(table, key.Columns, "A unique constraint");
            if (columns is null)
            {
                continue;
            }

            var name = key.Name is { } nameToken && CheckIdentifier(nameToken, "constraint")
                ? nameToken.Value
                : Names.Fit($"uq_{table.Name}_{string.Join("_", columns)}");
            table.Uniques.Add((new UniqueModel(name, columns.ToEquatableArray()), key.Name?.Location ?? key.Location));
        }
    }

    private void BuildIndexes(TableBuilder table)
    {
        foreach (var index in table.Syntax.Indexes)
        {
            if (index.Columns.Count == 0)
            {
                if (index.HasColumnsKey)
                {
                    Report(DiagnosticDescriptors.EmptyIndex, index.Location, "An index", table.Name);
                }

                continue;
            }

            var label = index.Name?.Value ?? $"on {table.Name}";
            var keys = new List<IndexKeyModel>();
            foreach (var entry in index.Columns)
            {
                if (BuildIndexKey(table, entry, label) is not { } key)
                {
                    keys = null;
                    break;
                }

                keys.Add(key);
            }

            if (keys is null)
            {
                continue;
            }

            string? where = null;
            if (index.Where is { } whereToken && (where = Expression(whereToken, table, $"The 'where' of index {label}")) is null)
            {
                continue;
            }

            var include = new List<string>();
            foreach (var column in index.Include ?? new List<Token>())
            {
                if (!table.HasColumn(column.Value))
                {
                    Report(DiagnosticDescriptors.IndexColumnMissing, column.Location, label, column.Value, table.Name);
                    include = null;
                    break;
                }

                include.Add(column.Value);
            }

            if (include is null)
            {
                continue;
            }

            if (index.Name is null && keys.Any(k => k.Kind == IndexKeyKind.Expression))
            {
                Report(DiagnosticDescriptors.MissingKey, index.Location, $"An expression index of table '{table.Name}'", "name");
                continue;
            }

            var unique = Bool(index.Unique, "'unique'") ?? false;
            var name = index.Name is { } nameToken
                ? (CheckIdentifier(nameToken, "index") ? nameToken.Value : null)
                : Names.Fit($"ix_{table.Name}_{string.Join("_", keys.Select(k => k.Path.Count == 0 ? k.Value : k.Value + "_" + string.Join("_", k.Path)))}");
            if (name is not null)
            {
                table.Indexes.Add((new IndexModel(name, keys.ToEquatableArray(), unique, index.Description?.Value, where, include.ToEquatableArray()),
                    index.Name?.Location ?? index.Location));
            }
        }
    }

    private IndexKeyModel? BuildIndexKey(TableBuilder table, IndexEntrySyntax entry, string label)
    {
        var value = entry.Value;
        var descending = false;
        var name = value.Value;
        if (entry.Kind == IndexEntryKind.Column && entry.Order is null)
        {
            var parts = value.Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].ToLowerInvariant() is "asc" or "desc")
            {
                descending = parts[1].ToLowerInvariant() == "desc";
            }
            else if (parts.Length != 1)
            {
                Report(DiagnosticDescriptors.InvalidValue, value.Location, value.Value, "an index column", "a column name, optionally followed by 'asc' or 'desc'");
                return null;
            }

            name = parts[0];
        }

        if (entry.Order is { } order)
        {
            if (order.Value is not ("asc" or "desc"))
            {
                Report(DiagnosticDescriptors.InvalidValue, order.Location, order.Value, "'order'", "asc or desc");
                return null;
            }

            descending = order.Value == "desc";
        }

        if (entry.Path is { } strayPath && entry.Kind != IndexEntryKind.Json)
        {
            Report(DiagnosticDescriptors.InvalidValue, strayPath.Location, strayPath.Value, "'path'", "'json' beside it: a path applies to a json column");
            return null;
        }

        switch (entry.Kind)
        {
            case IndexEntryKind.Expression:
                var sql = Expression(value, table, $"The index expression '{value.Value}'");
                return sql is null ? null : new IndexKeyModel(IndexKeyKind.Expression, sql, EquatableArray<string>.Empty, descending);

            case IndexEntryKind.Json:
                if (table.Column(name) is not { } jsonColumn)
                {
                    Report(DiagnosticDescriptors.IndexColumnMissing, value.Location, label, name, table.Name);
                    return null;
                }

                if (jsonColumn.Model.Kind != ColumnKind.Json)
                {
                    Report(DiagnosticDescriptors.OptionNotForType, value.Location, "json", $"{table.Name}.{name}", jsonColumn.Syntax.Type!.Value, "json");
                    return null;
                }

                if (entry.Path is not { } path)
                {
                    Report(DiagnosticDescriptors.MissingKey, entry.Location, $"The json index key on '{name}'", "path");
                    return null;
                }

                var segments = path.Value.Split('.');
                if (segments.Any(segment => !IsJsonKey(segment)))
                {
                    Report(DiagnosticDescriptors.InvalidJsonPath, path.Location, path.Value, "path", ", with '.' between keys");
                    return null;
                }

                return new IndexKeyModel(IndexKeyKind.JsonPath, name, segments.ToEquatableArray(), descending);

            default:
                if (!table.HasColumn(name))
                {
                    Report(DiagnosticDescriptors.IndexColumnMissing, value.Location, label, name, table.Name);
                    return null;
                }

                return new IndexKeyModel(IndexKeyKind.Column, name, EquatableArray<string>.Empty, descending);
        }
    }

    private void BuildChecks(TableBuilder table, Dictionary<string, EnumInfo> enums)
    {
        foreach (var column in table.Columns)
        {
            var model = column.Model;
            CheckRule? rule = model.Kind switch
            {
                ColumnKind.Enum => new InListRule(enums[model.EnumName!].Model.Values.Select(v => v.Value).ToEquatableArray()),
                ColumnKind.Boolean => new BooleanRule(),
                ColumnKind.Json => new JsonValidRule(),
                _ => null,
            };
            if (rule is not null)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}"), model.Name, rule));
            }

            if (column.Shape is { } shape)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}_shape"), model.Name, new JsonShapeRule(shape)));
            }

            if (column.RequiredKeys is { Count: > 0 } keys)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}_keys"), model.Name, new JsonKeysRule(keys.ToEquatableArray())));
            }

            if (column.Range is { } range)
            {
                table.Checks.Add(new CheckModel(Names.Fit($"ck_{table.Name}_{model.Name}_range"), model.Name, range));
            }
        }

        var number = 0;
        foreach (var check in table.Syntax.Checks)
        {
            number++;
            if (check.Expression is null && (check.Sqlite is null || check.Postgres is null))
            {
                Report(DiagnosticDescriptors.CheckWithoutExpression, check.Location, table.Name);
                continue;
            }

            string? portable = null;
            if (check.Expression is { } expression && (portable = Expression(expression, table, $"The check expression '{expression.Value}'")) is null)
            {
                continue;
            }

            var name = check.Name is { } nameToken
                ? (CheckIdentifier(nameToken, "constraint") ? nameToken.Value : null)
                : Names.Fit($"ck_{table.Name}_{number}");
            if (name is not null)
            {
                table.Checks.Add(new CheckModel(name, null, new ExpressionRule(portable, check.Sqlite?.Value, check.Postgres?.Value)));
            }
        }
    }

    private void BuildStateMachines(TableBuilder table, Dictionary<string, EnumInfo> enums)
    {
        foreach (var syntax in table.Syntax.StateMachines)
        {
            var qualified = $"{table.Name}.{syntax.Column.Value}";
            if (table.Column(syntax.Column.Value) is not { } column)
            {
                Report(DiagnosticDescriptors.MissingColumn, syntax.Column.Location, "A state machine", syntax.Column.Value, table.Name);
                continue;
            }

            if (column.Model.Kind != ColumnKind.Enum || column.Model.Nullable)
            {
                Report(DiagnosticDescriptors.InvalidStateMachineColumn, syntax.Column.Location, qualified,
                    "of an enum type and not nullable (the states are the enum's values)");
                continue;
            }

            var enumInfo = enums[column.Model.EnumName!];
            var valid = true;
            bool Known(Token state)
            {
                if (enumInfo.Values.Contains(state.Value))
                {
                    return true;
                }

                Report(DiagnosticDescriptors.UndeclaredState, state.Location, state.Value, enumInfo.Model.Name, qualified);
                valid = false;
                return false;
            }

            var initial = (syntax.Initial ?? new List<Token>()).Where(Known).Select(t => t.Value).Distinct().ToList();
            if (syntax.Initial is { Count: 0 })
            {
                Report(DiagnosticDescriptors.InvalidValue, syntax.Column.Location, "[]", $"'initial' of the state machine of '{qualified}'", "at least one state");
                continue;
            }

            var transitions = new List<TransitionModel>();
            foreach (var (from, targets) in syntax.Transitions)
            {
                if (!Known(from))
                {
                    continue;
                }

                foreach (var to in targets.Where(Known))
                {
                    if (to.Value != from.Value && !transitions.Contains(new TransitionModel(from.Value, to.Value)))
                    {
                        transitions.Add(new TransitionModel(from.Value, to.Value));
                    }
                }
            }

            foreach (var terminal in (syntax.Terminal ?? new List<Token>()).Where(Known))
            {
                var outgoing = transitions.Where(t => t.From == terminal.Value).Select(t => $"'{t.To}'").ToList();
                if (outgoing.Count > 0)
                {
                    Report(DiagnosticDescriptors.TerminalStateWithTransitions, terminal.Location, terminal.Value, string.Join(", ", outgoing));
                    valid = false;
                }
            }

            if (!valid || syntax.Initial is null)
            {
                continue;
            }

            var reached = new HashSet<string>(initial, StringComparer.Ordinal);
            var queue = new Queue<string>(initial);
            while (queue.Count > 0)
            {
                var state = queue.Dequeue();
                foreach (var next in transitions.Where(t => t.From == state && reached.Add(t.To)))
                {
                    queue.Enqueue(next.To);
                }
            }

            var unreachable = enumInfo.Model.Values.Select(v => v.Value).Where(v => !reached.Contains(v)).Select(v => $"'{v}'").ToList();
            if (unreachable.Count > 0)
            {
                var list = string.Join(", ", unreachable);
                Report(DiagnosticDescriptors.UnreachableState, syntax.Column.Location, qualified, list, unreachable.Count == 1 ? "it" : "them");
            }

            table.StateMachines.Add(new StateMachineModel(
                column.Model.Name, enumInfo.Model.Name, enumInfo.Model.Values.Select(v => v.Value).ToEquatableArray(), initial.ToEquatableArray(), transitions.ToEquatableArray(), syntax.Description?.Value));
        }
    }

    /// <summary>Renders a portable expression over the table's columns, reporting where it goes wrong.</summary>
    private string? Expression(Token token, TableBuilder table, string what)
    {
        var result = PortableExpression.Render(token.Value, table.HasColumn);
        if (result.Sql is null)
        {
            var shift = token.IsPlain ? 0 : 1;
            var location = token.Location with { Column = token.Location.Column + shift + result.Offset };
            Report(DiagnosticDescriptors.InvalidExpression, location, what, result.Problem!);
        }

        return result.Sql;
    }

    private void ResolveForeignKeys(TableBuilder table, Dictionary<string, TableBuilder> tables, HashSet<string> declaredTables)
    {
        foreach (var column in table.Columns)
        {
            var syntax = column.Syntax;
            if (syntax.References is not { } reference)
            {
                foreach (var (stray, actionKey) in new[] { (syntax.OnDelete, "onDelete"), (syntax.OnUpdate, "onUpdate") })
                {
                    if (stray is not null)
                    {
                        Report(DiagnosticDescriptors.InvalidValue, stray.Location, stray.Value,
                            $"'{actionKey}' of column '{table.Name}.{column.Model.Name}'", "'references' beside it: an action needs a foreign key");
                    }
                }

                continue;
            }

            var qualified = $"{table.Name}.{column.Model.Name}";
            var parts = reference.Value.Split('.');
            if (parts.Length > 2 || parts.Any(p => p.Length == 0))
            {
                Report(DiagnosticDescriptors.InvalidValue, reference.Location, reference.Value, $"'references' of column '{qualified}'", "'table' or 'table.column'");
                continue;
            }

            if (!tables.TryGetValue(parts[0], out var target))
            {
                if (!declaredTables.Contains(parts[0]))
                {
                    Report(DiagnosticDescriptors.MissingTable, reference.Location, $"Column '{qualified}'", parts[0]);
                }

                continue; // a declared but invalid table was reported where it is declared
            }

            string targetColumnName;
            if (parts.Length == 2)
            {
                targetColumnName = parts[1];
            }
            else if (target.PrimaryKey is { Columns.Count: 1 } pk)
            {
                targetColumnName = pk.Columns[0];
            }
            else
            {
                Report(DiagnosticDescriptors.ForeignKeyTargetNotKey, reference.Location, qualified, parts[0]);
                continue;
            }

            if (target.Column(targetColumnName) is not { } targetColumn)
            {
                Report(DiagnosticDescriptors.MissingColumn, reference.Location, $"Column '{qualified}'", targetColumnName, target.Name);
                continue;
            }

            var isKey = (target.PrimaryKey is { Columns.Count: 1 } key && key.Columns[0] == targetColumnName) ||
                        target.Uniques.Any(u => u.Model.Columns.Count == 1 && u.Model.Columns[0] == targetColumnName);
            if (!isKey)
            {
                Report(DiagnosticDescriptors.ForeignKeyTargetNotKey, reference.Location, qualified, $"{target.Name}.{targetColumnName}");
                continue;
            }

            var expectedKind = targetColumn.Model.Kind == ColumnKind.Id ? ColumnKind.BigInt : targetColumn.Model.Kind;
            if (column.Model.Kind != expectedKind || column.Model.EnumName != targetColumn.Model.EnumName)
            {
                var expected = expectedKind == ColumnKind.BigInt ? "bigint" : targetColumn.Syntax.Type!.Value;
                Report(DiagnosticDescriptors.ForeignKeyTypeMismatch, syntax.Type!.Location,
                    qualified, syntax.Type.Value, $"{target.Name}.{targetColumnName}", targetColumn.Syntax.Type!.Value, expected);
                continue;
            }

            var onDelete = Action(syntax.OnDelete, column, "Delete");
            var onUpdate = Action(syntax.OnUpdate, column, "Update");
            if (onDelete is null || onUpdate is null)
            {
                continue;
            }

            table.ForeignKeyLocations[column.Model.Name] = reference.Location;
            table.ForeignKeys.Add(new ForeignKeyModel(
                Names.Fit($"fk_{table.Name}_{column.Model.Name}"),
                new[] { column.Model.Name }.ToEquatableArray(),
                target.Name,
                new[] { targetColumnName }.ToEquatableArray(),
                onDelete.Value,
                onUpdate.Value));
        }
    }

    private ReferentialAction? Action(Token? token, ColumnBuilder column, string which)
    {
        if (token is null)
        {
            return ReferentialAction.NoAction;
        }

        var index = Array.IndexOf(ActionNames, token.Value);
        if (index < 0)
        {
            Report(DiagnosticDescriptors.InvalidValue, token.Location, token.Value, $"'on{which}'", string.Join(", ", ActionNames));
            return null;
        }

        var action = (ReferentialAction)index;
        if (action == ReferentialAction.SetNull && !column.Model.Nullable)
        {
            Report(DiagnosticDescriptors.SetNullOnRequiredColumn, token.Location, column.Model.Name, which);
            return null;
        }

        return action;
    }

    /// <summary>Foreign keys no index can serve, and indexes another index already serves.</summary>
    private void WarnAboutIndexes(TableBuilder table)
    {
        // Key column sequences that can serve lookups on their leading columns: full indexes and keys.
        var candidates = new List<(string Name, List<(string Column, bool Descending)> Keys)>();
        if (table.PrimaryKey is { } pk)
        {
            candidates.Add((pk.Name, pk.Columns.Select(c => (c, false)).ToList()));
        }

        candidates.AddRange(table.Uniques.Select(u => (u.Model.Name, u.Model.Columns.Select(c => (c, false)).ToList())));
        foreach (var (index, _) in table.Indexes.Where(i => i.Model.Where is null))
        {
            candidates.Add((index.Name, index.Keys.TakeWhile(k => k.Kind == IndexKeyKind.Column).Select(k => (k.Value, k.Descending)).ToList()));
        }

        foreach (var fk in table.ForeignKeys)
        {
            if (!candidates.Any(c => c.Keys.Count > 0 && c.Keys[0].Column == fk.Columns[0]))
            {
                Report(DiagnosticDescriptors.ForeignKeyWithoutIndex, table.ForeignKeyLocations[fk.Columns[0]],
                    $"{table.Name}.{fk.Columns[0]}", fk.ReferencedTable, table.Name, fk.Columns[0]);
            }
        }

        foreach (var (index, location) in table.Indexes)
        {
            if (index.Unique || index.Where is not null || index.Include.Count > 0 || index.Keys.Any(k => k.Kind != IndexKeyKind.Column))
            {
                continue;
            }

            var keys = index.Keys.Select(k => (k.Value, k.Descending)).ToList();
            var wider = candidates.FirstOrDefault(c => c.Name != index.Name && c.Keys.Count >= keys.Count && c.Keys.Take(keys.Count).SequenceEqual(keys) &&
                (c.Keys.Count > keys.Count || string.CompareOrdinal(c.Name, index.Name) < 0 || table.Uniques.Any(u => u.Model.Name == c.Name) || c.Name == table.PrimaryKey?.Name));
            if (wider.Name is not null)
            {
                Report(DiagnosticDescriptors.RedundantIndex, location, index.Name, string.Join(", ", keys.Select(k => k.Value)), wider.Name);
            }
        }
    }

    /// <summary>Index and constraint names share one namespace per database schema on both backends.</summary>
    private void CheckGlobalIndexNames(List<TableBuilder> tables)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            if (table.PrimaryKey is { } pk)
            {
                seen.Add(pk.Name);
            }
        }

        foreach (var table in tables)
        {
            foreach (var (unique, location) in table.Uniques.ToList())
            {
                if (!seen.Add(unique.Name))
                {
                    Report(DiagnosticDescriptors.DuplicateName, location, "Constraint or index name", unique.Name, string.Empty);
                    table.Uniques.RemoveAll(u => ReferenceEquals(u.Model, unique));
                }
            }
        }

        foreach (var table in tables)
        {
            foreach (var (index, location) in table.Indexes.ToList())
            {
                if (!seen.Add(index.Name))
                {
                    Report(DiagnosticDescriptors.DuplicateName, location, "Index name", index.Name, string.Empty);
                    table.Indexes.RemoveAll(i => ReferenceEquals(i.Model, index));
                }
            }
        }
    }

    /// <summary>Parents before children (self-references aside), otherwise in the order written.</summary>
    private List<TableBuilder> OrderByDependencies(List<TableBuilder> tables)
    {
        var ordered = new List<TableBuilder>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var remaining = new List<TableBuilder>(tables);
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(t => t.ForeignKeys.All(fk => fk.ReferencedTable == t.Name || placed.Contains(fk.ReferencedTable)));
            if (next is null)
            {
                var cycle = string.Join(", ", remaining.Select(t => $"'{t.Name}'"));
                Report(DiagnosticDescriptors.ForeignKeyCycle, remaining[0].Syntax.Name.Location, cycle);
                ordered.AddRange(remaining);
                break;
            }

            ordered.Add(next);
            placed.Add(next.Name);
            remaining.Remove(next);
        }

        return ordered;
    }

    private List<string>? ResolveColumns(TableBuilder table, List<Token> tokens, string what)
    {
        var result = new List<string>();
        foreach (var token in tokens)
        {
            if (!table.HasColumn(token.Value))
            {
                Report(DiagnosticDescriptors.MissingColumn, token.Location, what, token.Value, table.Name);
                return null;
            }

            if (result.Contains(token.Value))
            {
                Report(DiagnosticDescriptors.DuplicateName, token.Location, "Column", token.Value, $" in {what.ToLowerInvariant()}");
                return null;
            }

            result.Add(token.Value);
        }

        return result;
    }

    private bool? Bool(Token? token, string what)
    {
        if (token is null)
        {
            return null;
        }

        switch (token.Value)
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                Report(DiagnosticDescriptors.InvalidValue, token.Location, token.Value, what, "true or false");
                return null;
        }
    }

    private bool CheckIdentifier(Token token, string what)
    {
        if (!Names.IsValidIdentifier(token.Value))
        {
            Report(DiagnosticDescriptors.InvalidIdentifier, token.Location, token.Value, what);
            return false;
        }

        if (Names.IsReserved(token.Value))
        {
            Report(DiagnosticDescriptors.ReservedIdentifier, token.Location, token.Value, what);
            return false;
        }

        return true;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo location, params string[] args) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

    private sealed record EnumInfo(EnumModel Model, HashSet<string> Values);

    private sealed class ColumnBuilder
    {
        public ColumnBuilder(ColumnSyntax syntax, ColumnModel model, bool isPrimaryKey, bool isUnique)
        {
            Syntax = syntax;
            Model = model;
            IsPrimaryKey = isPrimaryKey;
            IsUnique = isUnique;
        }

        public ColumnSyntax Syntax { get; }
        public ColumnModel Model { get; set; }
        public bool IsPrimaryKey { get; }
        public bool IsUnique { get; }
        public RangeRule? Range { get; set; }
        public string? Shape { get; set; }
        public List<string>? RequiredKeys { get; set; }
    }

    private sealed class TableBuilder
    {
        public TableBuilder(TableSyntax syntax, string entityName)
        {
            Syntax = syntax;
            EntityName = entityName;
        }

        public TableSyntax Syntax { get; }
        public string Name => Syntax.Name.Value;
        public string EntityName { get; }
        public List<ColumnBuilder> Columns { get; } = new();
        public PrimaryKeyModel? PrimaryKey { get; set; }
        public List<(UniqueModel Model, LocationInfo Location)> Uniques { get; } = new();
        public List<ForeignKeyModel> ForeignKeys { get; } = new();
        public List<CheckModel> Checks { get; } = new();
        public List<(IndexModel Model, LocationInfo Location)> Indexes { get; } = new();
        public List<StateMachineModel> StateMachines { get; } = new();
        public Dictionary<string, LocationInfo> ForeignKeyLocations { get; } = new(StringComparer.Ordinal);
        public string? RenamedFrom { get; set; }

        public bool HasColumn(string name) => Column(name) is not null;

        public ColumnBuilder? Column(string name) => Columns.FirstOrDefault(c => c.Model.Name == name);

        public TableModel ToModel() => new(
            Name,
            EntityName,
            Syntax.Description?.Value,
            Columns.Select(c => c.Model).ToEquatableArray(),
            PrimaryKey!,
            Uniques.Select(u => u.Model).ToEquatableArray(),
            ForeignKeys.ToEquatableArray(),
            Checks.ToEquatableArray(),
            Indexes.Select(i => i.Model).ToEquatableArray(),
            StateMachines.ToEquatableArray(),
            RenamedFrom);
    }
}
