using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// Columns: types, defaults, min/max ranges, JSON shapes, renames and backfills.
public sealed partial class SchemaValidator
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
        ["decimal"] = ColumnKind.Decimal,
        ["date"] = ColumnKind.Date,
        ["time"] = ColumnKind.Time,
        ["uuid"] = ColumnKind.Uuid,
        ["smallint"] = ColumnKind.SmallInt,
    };

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
                Expression(backfill, table, $"The backfill of '{table.Name}.{column.Model.Name}'", ExpressionColumnOf(column.Model).Type) is { } sql)
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
        else if (Expression(downBackfill, table, $"The downBackfill of '{table.Name}.{column.Model.Name}'", ExpressionColumnOf(column.Model).Type) is { } sql)
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

        var size = BuildTypeSize(syntax, qualified, kind);
        var model = new ColumnModel(
            syntax.Name.Value,
            Names.ToPascalCase(syntax.Name.Value),
            kind,
            enumName,
            nullable,
            BuildDefault(syntax, qualified, kind, enumName is null ? null : enums[enumName], size),
            syntax.Description?.Value,
            autoUpdate,
            Precision: size.Precision,
            Scale: size.Scale,
            MaxLength: size.MaxLength);

        var column = new ColumnBuilder(syntax, model, primaryKey || kind == ColumnKind.Id, unique);
        BuildRange(column, qualified);
        BuildJsonShape(column, qualified);
        return column;
    }

    private DefaultModel? BuildDefault(ColumnSyntax syntax, string qualified, ColumnKind kind, EnumInfo? enumInfo, TypeSize size)
    {
        if (syntax.Default is not { } token)
        {
            return null;
        }

        var typeName = syntax.Type!.Value;
        var number = kind is ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real or ColumnKind.SmallInt ? TryNumber(token.Value, kind) : null;
        var (fits, defaultKind, value, problem) = kind switch
        {
            ColumnKind.Text => (token.Value.Length <= (size.MaxLength ?? int.MaxValue), DefaultKind.Text, token.Value, $"it is longer than 'maxLength' ({size.MaxLength})"),
            ColumnKind.Decimal or ColumnKind.Date or ColumnKind.Time or ColumnKind.Uuid => TypedDefault(token.Value, kind, size),
            ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real or ColumnKind.SmallInt =>
                (number is not null, DefaultKind.Number, number?.Text ?? string.Empty, NumberProblem(token.Value, kind)),
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

        Report(DiagnosticDescriptors.InvalidDefault, token.Location, Shorten(token.Value), qualified, typeName, problem);
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
        if (kind is not (ColumnKind.Integer or ColumnKind.BigInt or ColumnKind.Real or ColumnKind.SmallInt or ColumnKind.Decimal))
        {
            Report(DiagnosticDescriptors.InvalidRange, where, qualified, $"'min' and 'max' apply to smallint, integer, bigint, real and decimal columns, not {syntax.Type!.Value}");
            return;
        }

        var size = new TypeSize(column.Model.Precision, column.Model.Scale, null);
        var min = Number(syntax.Min, kind, qualified, size);
        var max = Number(syntax.Max, kind, qualified, size);
        if (min is { } low && max is { } high && Compare(low, high, kind) > 0)
        {
            Report(DiagnosticDescriptors.InvalidRange, syntax.Max!.Location, qualified, $"'min' ({low.Text}) is greater than 'max' ({high.Text})");
            return;
        }

        if ((syntax.Min is null || min is not null) && (syntax.Max is null || max is not null))
        {
            column.Range = new RangeRule(min?.Text, max?.Text, column.Model.Scale);
            CheckDefaultInRange(column, qualified, min, max);
        }
    }

    /// <summary>A default outside the column's own range would make every insert that relies on it fail.</summary>
    private void CheckDefaultInRange(ColumnBuilder column, string qualified, (double Value, string Text)? min, (double Value, string Text)? max)
    {
        if (column.Model.Default is not { Kind: DefaultKind.Number } value || TryNumber(value.Value, column.Model.Kind) is not { } number)
        {
            return;
        }

        var problem = min is { } low && Compare(number, low, column.Model.Kind) < 0 ? $"it is below 'min' ({low.Text})"
            : max is { } high && Compare(number, high, column.Model.Kind) > 0 ? $"it is above 'max' ({high.Text})"
            : null;
        if (problem is not null)
        {
            var token = column.Syntax.Default!;
            Report(DiagnosticDescriptors.InvalidDefault, token.Location, token.Value, qualified, column.Syntax.Type!.Value,
                problem + ", so every insert that relies on it would fail; change the default or the range");
        }
    }

    // Whole numbers and decimals compare exactly: a double cannot tell 2^53 from 2^53 + 1.
    private static int Compare((double Value, string Text) a, (double Value, string Text) b, ColumnKind kind) => kind switch
    {
        ColumnKind.Real => a.Value.CompareTo(b.Value),
        ColumnKind.Decimal => decimal.Parse(a.Text, NumberStyles.Float, CultureInfo.InvariantCulture)
            .CompareTo(decimal.Parse(b.Text, NumberStyles.Float, CultureInfo.InvariantCulture)),
        _ => long.Parse(a.Text, CultureInfo.InvariantCulture).CompareTo(long.Parse(b.Text, CultureInfo.InvariantCulture)),
    };

    private (double Value, string Text)? Number(Token? token, ColumnKind kind, string qualified, TypeSize size)
    {
        if (token is null)
        {
            return null;
        }

        if (kind == ColumnKind.Decimal && TryDecimal(token.Value, size) is { } exact)
        {
            return ((double)exact.Value, exact.Text);
        }

        if (kind != ColumnKind.Decimal && TryNumber(token.Value, kind) is { } number)
        {
            return number;
        }

        var expected = kind == ColumnKind.Decimal ? DecimalKind(size) : NumberKind(kind);
        Report(DiagnosticDescriptors.InvalidRange, token.Location, qualified,
            $"'{Shorten(token.Value)}': {(IsNotANumber(token.Value) ? NumberProblem(token.Value, kind) : $"expected {expected}")}");
        return null;
    }

    /// <summary>A number that fits the column kind, with its invariant spelling for SQL and C#.</summary>
    private static (double Value, string Text)? TryNumber(string text, ColumnKind kind)
    {
        if (kind == ColumnKind.Real)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !double.IsInfinity(real) && !double.IsNaN(real)
                ? (real, real.ToString("R", CultureInfo.InvariantCulture))
                : null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ||
            (kind == ColumnKind.Integer && (integer < int.MinValue || integer > int.MaxValue)) ||
            (kind == ColumnKind.SmallInt && (integer < short.MinValue || integer > short.MaxValue)))
        {
            return null;
        }

        return (integer, integer.ToString(CultureInfo.InvariantCulture));
    }

    private static string NumberProblem(string text, ColumnKind kind) =>
        IsNotANumber(text)
            ? "NaN and infinity have no SQL literal both databases accept (and fail every range check); use a finite number"
            : $"expected {NumberKind(kind)}";

    // .NET's and YAML's spellings of the IEEE special values.
    private static bool IsNotANumber(string text) =>
        text.Trim().TrimStart('+', '-').ToLowerInvariant() is "nan" or ".nan" or "inf" or ".inf" or "infinity" or "\u221e";

    private static string NumberKind(ColumnKind kind) => kind switch
    {
        ColumnKind.Real => "a number",
        ColumnKind.Integer => "a whole number that fits 32 bits",
        ColumnKind.SmallInt => "a whole number from -32768 to 32767",
        _ => "a whole number",
    };
}
