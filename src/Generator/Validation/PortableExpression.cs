using System;
using System.Collections.Generic;
using System.Text;

namespace AgentHive.Generator.Validation;

/// <summary>
/// Reads an expression in the SQL subset SQLite and PostgreSQL share and renders it with every column
/// quoted. Anything outside the subset is refused, so what compiles runs the same on both backends.
/// </summary>
public static class PortableExpression
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "not", "is", "null", "in", "between", "like", "true", "false", "case", "when", "then", "else", "end",
    };

    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "length", "lower", "upper", "abs", "coalesce", "trim",
    };

    /// <summary>The outcome: rendered SQL, or the problem and its offset within the expression.</summary>
    public readonly struct Result
    {
        public Result(string? sql, string? problem, int offset)
        {
            Sql = sql;
            Problem = problem;
            Offset = offset;
        }

        public string? Sql { get; }
        public string? Problem { get; }
        public int Offset { get; }
    }

    public static Result Render(string text, Func<string, bool> isColumn)
    {
        var output = new StringBuilder();
        var depth = 0;
        var afterFunction = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            string token;
            if (c == '\'')
            {
                i++;
                while (i < text.Length && !(text[i] == '\'' && (i + 1 >= text.Length || text[i + 1] != '\'')))
                {
                    i += text[i] == '\'' ? 2 : 1;
                }

                if (i >= text.Length)
                {
                    return new Result(null, "a string literal is not closed", start);
                }

                i++;
                token = text.Substring(start, i - start);
            }
            else if (char.IsDigit(c))
            {
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                token = text.Substring(start, i - start);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                var word = text.Substring(start, i - start);
                var lower = word.ToLowerInvariant();
                var next = i;
                while (next < text.Length && char.IsWhiteSpace(text[next]))
                {
                    next++;
                }

                if (Keywords.Contains(lower))
                {
                    token = lower.ToUpperInvariant();
                }
                else if (next < text.Length && text[next] == '(')
                {
                    if (!Functions.Contains(lower))
                    {
                        return new Result(null, $"function '{word}' is not in the portable subset ({string.Join(", ", Functions)}); give 'sqlite' and 'postgres' versions instead", start);
                    }

                    token = lower;
                }
                else if (isColumn(word))
                {
                    token = Dialects.SqlText.Quote(word);
                }
                else
                {
                    return new Result(null, $"'{word}' is not a column of this table", start);
                }
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                if (two is "<>" or "!=" or "<=" or ">=" or "||")
                {
                    token = two;
                    i += 2;
                }
                else if ("=<>+-*/(),".IndexOf(c) >= 0)
                {
                    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                    if (depth < 0)
                    {
                        return new Result(null, "a ')' has no matching '('", start);
                    }

                    token = c.ToString();
                    i++;
                }
                else
                {
                    return new Result(null, $"'{c}' is not allowed in a portable expression", start);
                }
            }

            var isFunction = Functions.Contains(token);
            if (output.Length > 0 && token != ")" && token != "," && output[output.Length - 1] != '(' && !(token == "(" && afterFunction))
            {
                output.Append(' ');
            }

            output.Append(token);
            afterFunction = isFunction;
        }

        if (depth != 0)
        {
            return new Result(null, "a '(' is not closed", text.Length);
        }

        return output.Length == 0 ? new Result(null, "the expression is empty", 0) : new Result(output.ToString(), null, 0);
    }
}
