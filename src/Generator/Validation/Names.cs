using System;
using System.Collections.Generic;
using System.Text;

namespace AgentHive.Generator.Validation;

/// <summary>Rules for SQL identifiers and how schema names become C# names.</summary>
public static class Names
{
    public const int MaxIdentifierLength = 63; // PostgreSQL's NAMEDATALEN - 1; longer names are silently truncated there.

    // Reserved in PostgreSQL or SQLite (or both). Quoting would make them work, but a schema that needs
    // quotes to be read by hand is a trap for every later query writer.
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "abort", "action", "add", "after", "all", "alter", "always", "analyse", "analyze", "and", "any", "array", "as", "asc",
        "asymmetric", "attach", "authorization", "autoincrement", "before", "begin", "between", "binary", "both", "by",
        "cascade", "case", "cast", "check", "collate", "collation", "column", "commit", "concurrently", "conflict",
        "constraint", "create", "cross", "current", "current_catalog", "current_date", "current_role", "current_schema",
        "current_time", "current_timestamp", "current_user", "database", "default", "deferrable", "deferred", "delete",
        "desc", "detach", "distinct", "do", "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive",
        "exists", "explain", "fail", "false", "fetch", "filter", "first", "following", "for", "foreign", "freeze", "from",
        "full", "generated", "glob", "grant", "group", "groups", "having", "if", "ignore", "ilike", "immediate", "in",
        "index", "indexed", "initially", "inner", "insert", "instead", "intersect", "into", "is", "isnull", "join", "last",
        "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "match", "materialized", "natural",
        "no", "not", "nothing", "notnull", "null", "nulls", "of", "offset", "on", "only", "or", "order", "others", "outer",
        "over", "overlaps", "partition", "placing", "plan", "pragma", "preceding", "primary", "query", "raise", "range",
        "recursive", "references", "regexp", "reindex", "release", "rename", "replace", "restrict", "returning", "right",
        "rollback", "row", "rows", "savepoint", "select", "session_user", "set", "similar", "some", "symmetric", "table",
        "tablesample", "temp", "temporary", "then", "ties", "to", "trailing", "transaction", "trigger", "true", "unbounded",
        "union", "unique", "update", "user", "using", "vacuum", "values", "variadic", "verbose", "view", "virtual", "when",
        "where", "window", "with", "within", "without",
    };

    public static bool IsValidIdentifier(string name)
    {
        if (name.Length == 0 || name.Length > MaxIdentifierLength || !(name[0] >= 'a' && name[0] <= 'z'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsReserved(string name) => Reserved.Contains(name);

    public static bool IsValidEnumValue(string value)
    {
        if (value.Length == 0 || value.Length > MaxIdentifierLength || !(value[0] >= 'a' && value[0] <= 'z'))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A C# identifier such as <c>Agent</c> or <c>AgentHive.Data</c> segment.</summary>
    public static bool IsValidCSharpIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>agent_messages</c> → <c>AgentMessages</c>; <c>in-progress</c> → <c>InProgress</c>.</summary>
    public static string ToPascalCase(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upper = true;
        foreach (var c in name)
        {
            if (c == '_' || c == '-')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }

    /// <summary>The entity name of a table: <c>agent_messages</c> → <c>AgentMessage</c>, <c>git_state</c> → <c>GitState</c>.</summary>
    public static string ToEntityName(string tableName) => Singular(ToPascalCase(tableName));

    private static string Singular(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 3)
        {
            return word.Substring(0, word.Length - 3) + "y";
        }

        foreach (var ending in new[] { "sses", "uses", "xes", "shes" })
        {
            if (word.EndsWith(ending, StringComparison.Ordinal) && word.Length > ending.Length)
            {
                return word.Substring(0, word.Length - 2);
            }
        }

        if (word.EndsWith("s", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal) &&
            !word.EndsWith("us", StringComparison.Ordinal) && word.Length > 1)
        {
            return word.Substring(0, word.Length - 1);
        }

        return word;
    }

    /// <summary>
    /// A constraint or index name that fits <see cref="MaxIdentifierLength"/>: long names keep a readable
    /// prefix and end in a stable hash of the full name, so two long names never collide by truncation.
    /// </summary>
    public static string Fit(string name)
    {
        if (name.Length <= MaxIdentifierLength)
        {
            return name;
        }

        uint hash = 2166136261;
        foreach (var c in name)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        var suffix = "_" + hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        return name.Substring(0, MaxIdentifierLength - suffix.Length) + suffix;
    }
}
