using System.Collections.Generic;

namespace AgentHive.Generator.Validation;

public enum SqlTokenKind
{
    /// <summary>An unquoted word: a keyword, a name or a function; <see cref="SqlToken.Text"/> is lower-cased.</summary>
    Word,

    /// <summary>A "quoted" identifier, case kept.</summary>
    QuotedName,
    String,
    Number,

    /// <summary>A named parameter written <c>@name</c>; <see cref="SqlToken.Text"/> is the name.</summary>
    Parameter,

    /// <summary>One of ( ) , . ; or an operator such as ::, -&gt;&gt;, #&gt;&gt;, &lt;=.</summary>
    Symbol,
}

/// <summary>A token of a query's SQL and the offset of its first character in that SQL.</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Offset)
{
    public bool Is(string symbolOrWord) => (Kind == SqlTokenKind.Word || Kind == SqlTokenKind.Symbol) && Text == symbolOrWord;
}

/// <summary>
/// Splits SQL into tokens, skipping comments. Knows both dialects' literal forms (doubled quotes,
/// E'...' prefixes, $tag$ strings); anything it cannot close is reported, never guessed.
/// </summary>
public static class SqlTokenizer
{
    /// <summary>The tokens, or the offset and reason of the first thing that does not close.</summary>
    public static (List<SqlToken> Tokens, int ErrorOffset, string? Error) Tokenize(string sql)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && Next(sql, i) == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && Next(sql, i) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                if (end < 0)
                {
                    return (tokens, i, "has a /* comment that is never closed");
                }

                i = end + 2;
            }
            else if (c == '\'')
            {
                if (Quoted(sql, i, '\'') is not { } end)
                {
                    return (tokens, i, "has a string literal that is never closed");
                }

                tokens.Add(new SqlToken(SqlTokenKind.String, sql.Substring(i, end - i), i));
                i = end;
            }
            else if (c == '"')
            {
                if (Quoted(sql, i, '"') is not { } end)
                {
                    return (tokens, i, "has a quoted name that is never closed");
                }

                tokens.Add(new SqlToken(SqlTokenKind.QuotedName, sql.Substring(i + 1, end - i - 2).Replace("\"\"", "\""), i));
                i = end;
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, System.StringComparison.Ordinal);
                if (end < 0)
                {
                    return (tokens, i, $"has a {tag} string that is never closed");
                }

                tokens.Add(new SqlToken(SqlTokenKind.String, sql.Substring(i, end + tag.Length - i), i));
                i = end + tag.Length;
            }
            else if (c == '@' && i + 1 < sql.Length && IsWordStart(sql[i + 1]))
            {
                var start = i++;
                while (i < sql.Length && IsWordPart(sql[i]))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Parameter, sql.Substring(start + 1, i - start - 1), start));
            }
            else if (IsWordStart(c))
            {
                var start = i;
                while (i < sql.Length && IsWordPart(sql[i]))
                {
                    i++;
                }

                // E'...', X'...', B'...', N'...': a literal with a prefix, not a name.
                if (i < sql.Length && sql[i] == '\'' && i - start == 1)
                {
                    continue;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, sql.Substring(start, i - start).ToLowerInvariant(), start));
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < sql.Length && char.IsDigit(sql[i + 1])))
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '.' ||
                                          ((sql[i] == '+' || sql[i] == '-') && (sql[i - 1] == 'e' || sql[i - 1] == 'E'))))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Number, sql.Substring(start, i - start), start));
            }
            else if (c is '(' or ')' or ',' or ';' or '.' or '[' or ']')
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, c.ToString(), i));
                i++;
            }
            else
            {
                var start = i;
                while (i < sql.Length && IsOperator(sql[i]) && !(sql[i] == '-' && Next(sql, i) == '-') && !(sql[i] == '/' && Next(sql, i) == '*') &&
                       !(i > start && sql[i] == '@' && IsWordStart(Next(sql, i))))
                {
                    i++;
                }

                if (i == start)
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Symbol, sql.Substring(start, i - start), start));
            }
        }

        return (tokens, -1, null);
    }

    private static char Next(string sql, int i) => i + 1 < sql.Length ? sql[i + 1] : '\0';

    /// <summary>The index just after the closing quote (a doubled quote stands for one), or null.</summary>
    private static int? Quoted(string sql, int start, char quote)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (Next(sql, i) == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return null;
    }

    private static string? DollarTag(string sql, int start)
    {
        var i = start + 1;
        while (i < sql.Length && sql[i] != '$' && IsWordPart(sql[i]) && !char.IsDigit(sql[start + 1]))
        {
            i++;
        }

        return i < sql.Length && sql[i] == '$' ? sql.Substring(start, i - start + 1) : null;
    }

    private static bool IsWordStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

    private static bool IsWordPart(char c) => IsWordStart(c) || (c >= '0' && c <= '9') || c == '$';

    private static bool IsOperator(char c) => c is '+' or '-' or '*' or '/' or '<' or '>' or '=' or '~' or '!' or '@' or '#' or '%' or '^' or '&' or '|' or '`' or '?' or ':';
}
