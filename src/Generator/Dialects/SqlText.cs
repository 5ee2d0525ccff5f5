using System.Linq;
using AgentHive.Generator.Model;

namespace AgentHive.Generator.Dialects;

/// <summary>SQL spelling both backends share: identifier quoting, literals, referential actions.</summary>
public static class SqlText
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    public static string Action(ReferentialAction action) => action switch
    {
        ReferentialAction.Restrict => "RESTRICT",
        ReferentialAction.Cascade => "CASCADE",
        ReferentialAction.SetNull => "SET NULL",
        ReferentialAction.SetDefault => "SET DEFAULT",
        _ => "NO ACTION",
    };

    public static string InList(string quotedColumn, InListRule rule) =>
        $"{quotedColumn} IN ({string.Join(", ", rule.Values.Select(Literal))})";

    // length() counts characters on both backends.
    public static string MaxLength(string quotedColumn, MaxLengthRule rule) =>
        $"length({quotedColumn}) <= {rule.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public static string Range(string quotedColumn, RangeRule rule) => (rule.Min, rule.Max) switch
    {
        ({ } min, { } max) => $"{quotedColumn} BETWEEN {min} AND {max}",
        ({ } min, null) => $"{quotedColumn} >= {min}",
        (null, { } max) => $"{quotedColumn} <= {max}",
        _ => "1 = 1",
    };
}
