using System.Globalization;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Diff;

/// <summary>
/// SQLite: how a copied value changes when its column's stored form changes (a decimal is an integer
/// scaled by 10^scale, text with maxLength is cut to fit). PostgreSQL converts with ALTER COLUMN TYPE.
/// </summary>
internal static class StoredValue
{
    public static string Convert(ColumnModel from, ColumnModel to, string value, bool isUpgrade)
    {
        var converted = (from.Kind, to.Kind) switch
        {
            (ColumnKind.Decimal, ColumnKind.Decimal) => Rescale(value, to.Scale - from.Scale),
            (ColumnKind.Decimal, ColumnKind.Real) => $"{value} / {Power(from.Scale)}.0",
            (ColumnKind.Decimal, ColumnKind.Text) => DecimalText(value, from.Scale),
            (ColumnKind.Decimal, _) => Rescale(value, -from.Scale),
            (ColumnKind.Real, ColumnKind.Decimal) => $"CAST(round({value} * {Power(to.Scale)}) AS INTEGER)",
            (ColumnKind.Text, ColumnKind.Decimal) => $"CAST(round(CAST({value} AS REAL) * {Power(to.Scale)}) AS INTEGER)",
            (_, ColumnKind.Decimal) => Rescale(value, to.Scale),
            (ColumnKind.Text, ColumnKind.Uuid) => $"lower({value})",
            _ => value,
        };

        // Cutting text is the data loss an upgrade's allowDataLoss accepted; a downgrade fails on the CHECK instead.
        return isUpgrade && to.MaxLength is { } limit && VersionChanges.Narrows(from, to)
            ? $"substr({converted}, 1, {limit.ToString(CultureInfo.InvariantCulture)})"
            : converted;
    }

    /// <summary>Multiplies by 10^shift, or divides rounding half away from zero (as numeric casts do).</summary>
    private static string Rescale(string value, int shift)
    {
        if (shift >= 0)
        {
            return shift == 0 ? value : $"{value} * {Power(shift)}";
        }

        var factor = Power(-shift);
        var half = "5" + new string('0', -shift - 1);
        return $"(({value} + CASE WHEN {value} < 0 THEN -{half} ELSE {half} END) / {factor})";
    }

    /// <summary>The canonical text PostgreSQL gives numeric(p,s)::text, such as -0.50.</summary>
    private static string DecimalText(string value, int scale)
    {
        if (scale == 0)
        {
            return $"CAST({value} AS TEXT)";
        }

        var factor = Power(scale);
        return $"(CASE WHEN {value} < 0 THEN '-' ELSE '' END || (abs({value}) / {factor}) || '.' || printf('%0{scale}d', abs({value}) % {factor}))";
    }

    private static string Power(int exponent) => "1" + new string('0', exponent);
}
