namespace AgentHive.Generator.Dialects;

/// <summary>
/// A decimal stored as an integer scaled by 10^scale (SQLite). Works on the canonical text, which has
/// exactly the column's scale digits after the point, so no floating point is ever involved.
/// </summary>
public static class StoredDecimal
{
    /// <summary>The stored integer of a canonical decimal literal: "-12.50" → "-1250".</summary>
    public static string Scaled(string canonical)
    {
        var negative = canonical.StartsWith("-");
        var digits = canonical.TrimStart('-').Replace(".", string.Empty).TrimStart('0');
        return digits.Length == 0 ? "0" : (negative ? "-" : string.Empty) + digits;
    }

    /// <summary>The largest stored integer of a decimal with <paramref name="precision"/> digits.</summary>
    public static string Largest(int precision) => new('9', precision);
}
