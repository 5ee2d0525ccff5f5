using System;
using System.Globalization;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using AgentHive.Generator.Parsing;

namespace AgentHive.Generator.Validation;

// Sized and canonical types: decimal precision and scale, text maxLength, date/time/uuid literals.
public sealed partial class SchemaValidator
{
    /// <summary>
    /// SQLite stores a decimal as a 64-bit integer scaled by 10^scale; 18 digits always fit (10^18 &lt; 2^63),
    /// and C# decimal holds them exactly.
    /// </summary>
    public const int MaxDecimalPrecision = 18;

    private sealed record TypeSize(int Precision, int Scale, int? MaxLength);

    private TypeSize BuildTypeSize(ColumnSyntax syntax, string qualified, ColumnKind kind)
    {
        var typeName = syntax.Type!.Value;
        foreach (var (token, option, appliesTo) in new[] { (syntax.Precision, "precision", ColumnKind.Decimal), (syntax.Scale, "scale", ColumnKind.Decimal), (syntax.MaxLength, "maxLength", ColumnKind.Text) })
        {
            if (token is not null && kind != appliesTo)
            {
                Report(DiagnosticDescriptors.OptionNotForType, token.Location, option, qualified, typeName, appliesTo.ToString().ToLowerInvariant());
            }
        }

        if (kind == ColumnKind.Text && syntax.MaxLength is { } maxLengthToken)
        {
            if (int.TryParse(maxLengthToken.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var maxLength) && maxLength > 0)
            {
                return new TypeSize(0, 0, maxLength);
            }

            Report(DiagnosticDescriptors.InvalidTypeSize, maxLengthToken.Location, $"'maxLength' {maxLengthToken.Value}", qualified, "expected a whole number of characters, at least 1");
            return new TypeSize(0, 0, null);
        }

        if (kind != ColumnKind.Decimal)
        {
            return new TypeSize(0, 0, null);
        }

        if (syntax.Precision is not { } precisionToken)
        {
            Report(DiagnosticDescriptors.InvalidTypeSize, syntax.Type.Location, "The type", qualified,
                "a decimal needs 'precision' (total digits, 1 to 18) and optionally 'scale' (digits after the point, default 0), e.g. { type: decimal, precision: 10, scale: 2 }");
            return new TypeSize(1, 0, null);
        }

        if (!int.TryParse(precisionToken.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var precision) || precision < 1 || precision > MaxDecimalPrecision)
        {
            Report(DiagnosticDescriptors.InvalidTypeSize, precisionToken.Location, $"'precision' {precisionToken.Value}", qualified,
                $"expected 1 to {MaxDecimalPrecision} digits (SQLite stores a decimal as a scaled 64-bit integer, which holds 18 digits exactly)");
            return new TypeSize(1, 0, null);
        }

        var scale = 0;
        if (syntax.Scale is { } scaleToken &&
            (!int.TryParse(scaleToken.Value, NumberStyles.None, CultureInfo.InvariantCulture, out scale) || scale > precision))
        {
            Report(DiagnosticDescriptors.InvalidTypeSize, scaleToken.Location, $"'scale' {scaleToken.Value}", qualified,
                $"expected 0 to the precision ({precision}) digits after the point");
            scale = 0;
        }

        return new TypeSize(precision, scale, null);
    }

    /// <summary>A default for a decimal, date, time or uuid column, in the canonical form both backends store.</summary>
    private static (bool Fits, DefaultKind Kind, string Value, string Problem) TypedDefault(string text, ColumnKind kind, TypeSize size)
    {
        switch (kind)
        {
            case ColumnKind.Decimal:
                return TryDecimal(text, size) is { } number
                    ? (true, DefaultKind.Decimal, number.Text, string.Empty)
                    : (false, DefaultKind.Decimal, string.Empty, $"expected {DecimalKind(size)}");
            case ColumnKind.Date:
                return DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? (true, DefaultKind.Canonical, text, string.Empty)
                    : (false, DefaultKind.Canonical, string.Empty, "expected a date written yyyy-MM-dd, such as 2024-01-31");
            case ColumnKind.Time:
                return DateTime.TryParseExact(text, new[] { "HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFF" }, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                    ? (true, DefaultKind.Canonical, time.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture), string.Empty)
                    : (false, DefaultKind.Canonical, string.Empty, "expected a time written HH:mm, HH:mm:ss or HH:mm:ss.ffffff, such as 09:30");
            default:
                if (text == "random")
                {
                    return (true, DefaultKind.RandomUuid, string.Empty, string.Empty);
                }

                return Guid.TryParseExact(text, "D", out var uuid)
                    ? (true, DefaultKind.Canonical, uuid.ToString("D"), string.Empty)
                    : (false, DefaultKind.Canonical, string.Empty, "expected 'random' (a new UUID per row) or a UUID written 8-4-4-4-12");
        }
    }

    /// <summary>A decimal that fits the precision and scale, spelled with exactly the scale's digits after the point.</summary>
    private static (decimal Value, string Text)? TryDecimal(string text, TypeSize size)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ||
            decimal.Round(value, size.Scale) != value ||
            Math.Abs(value) >= Pow10(size.Precision - size.Scale))
        {
            return null;
        }

        return (value, value.ToString("F" + size.Scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static string DecimalKind(TypeSize size) =>
        $"a number with at most {size.Precision - size.Scale} digits before the point and {size.Scale} after it (precision {size.Precision}, scale {size.Scale})";
}
