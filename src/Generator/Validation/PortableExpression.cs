using System;
using System.Collections.Generic;
using System.Text;

namespace AgentHive.Generator.Validation;

/// <summary>A column as an expression sees it: its type and, for an enum column, the values it can hold.</summary>
public sealed record ExpressionColumn(ExpressionType Type, string? EnumName = null, IReadOnlyCollection<string>? EnumValues = null);

/// <summary>
/// Reads an expression in the SQL subset SQLite and PostgreSQL share and renders it with every column
/// quoted. Anything outside the subset, or that one backend would refuse or read differently, is refused,
/// so what compiles runs the same on both backends.
/// </summary>
public static class PortableExpression
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "not", "is", "null", "in", "between", "like", "true", "false", "case", "when", "then", "else", "end",
    };

    /// <summary>The outcome: rendered SQL and its tree, or the problem and its offset within the expression.</summary>
    public readonly struct Result
    {
        public Result(string? sql, ExpressionNode? tree, string? problem, int offset)
        {
            Sql = sql;
            Tree = tree;
            Problem = problem;
            Offset = offset;
        }

        public string? Sql { get; }
        public ExpressionNode? Tree { get; }
        public string? Problem { get; }
        public int Offset { get; }
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="column"/> answers null for a name that is no column.</summary>
    public static Result Render(string text, Func<string, ExpressionColumn?> column)
    {
        try
        {
            var tokens = Tokenize(text, column);
            if (tokens.Count == 1)
            {
                return new Result(null, null, "the expression is empty", 0);
            }

            var tree = new PortableExpressionParser(tokens, column).ParseWhole();
            return new Result(Join(tokens), tree, null, 0);
        }
        catch (PortableExpressionException ex)
        {
            return new Result(null, null, ex.Message, ex.Offset);
        }
    }

    private static List<ExpressionToken> Tokenize(string text, Func<string, ExpressionColumn?> column)
    {
        var tokens = new List<ExpressionToken>();
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
            if (c == '\'')
            {
                i++;
                while (i < text.Length && !(text[i] == '\'' && (i + 1 >= text.Length || text[i + 1] != '\'')))
                {
                    i += text[i] == '\'' ? 2 : 1;
                }

                if (i >= text.Length)
                {
                    throw new PortableExpressionException(start, "a string literal is not closed");
                }

                i++;
                tokens.Add(new ExpressionToken(ExpressionTokenKind.Text, text.Substring(start, i - start), start));
            }
            else if (char.IsDigit(c))
            {
                var dots = 0;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
                {
                    if (text[i] == '.' && ++dots > 1)
                    {
                        throw new PortableExpressionException(i, "a number has at most one '.'");
                    }

                    i++;
                }

                if (text[i - 1] == '.')
                {
                    throw new PortableExpressionException(start, "a number needs digits after its '.'");
                }

                tokens.Add(new ExpressionToken(ExpressionTokenKind.Number, text.Substring(start, i - start), start));
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
                    tokens.Add(new ExpressionToken(ExpressionTokenKind.Keyword, lower.ToUpperInvariant(), start));
                }
                else if (next < text.Length && text[next] == '(')
                {
                    if (!PortableExpressionParser.IsFunction(lower))
                    {
                        throw new PortableExpressionException(start,
                            $"function '{SchemaValidator.Shorten(word)}' is not in the portable subset ({PortableExpressionParser.FunctionList}); give 'sqlite' and 'postgres' versions instead");
                    }

                    tokens.Add(new ExpressionToken(ExpressionTokenKind.Function, lower, start));
                }
                else if (column(word) is not null)
                {
                    tokens.Add(new ExpressionToken(ExpressionTokenKind.Column, word, start));
                }
                else
                {
                    throw new PortableExpressionException(start, $"'{SchemaValidator.Shorten(word)}' is not a column of this table");
                }
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                if (two is "<>" or "!=" or "<=" or ">=" or "||")
                {
                    tokens.Add(new ExpressionToken(ExpressionTokenKind.Symbol, two, start));
                    i += 2;
                }
                else if ("=<>+-*/(),".IndexOf(c) >= 0)
                {
                    tokens.Add(new ExpressionToken(ExpressionTokenKind.Symbol, c.ToString(), start));
                    i++;
                }
                else
                {
                    throw new PortableExpressionException(start, $"'{c}' is not allowed in a portable expression");
                }
            }
        }

        tokens.Add(new ExpressionToken(ExpressionTokenKind.End, string.Empty, text.Length));
        return tokens;
    }

    /// <summary>One space between tokens, none inside parentheses, before commas or after a function name.</summary>
    private static string Join(List<ExpressionToken> tokens)
    {
        var output = new StringBuilder();
        var afterFunction = false;
        foreach (var token in tokens)
        {
            if (token.Kind == ExpressionTokenKind.End)
            {
                break;
            }

            var sql = token.Kind == ExpressionTokenKind.Column ? Dialects.SqlText.Quote(token.Text) : token.Text;
            if (output.Length > 0 && sql != ")" && sql != "," && output[output.Length - 1] != '(' && !(sql == "(" && afterFunction))
            {
                output.Append(' ');
            }

            output.Append(sql);
            afterFunction = token.Kind == ExpressionTokenKind.Function;
        }

        return output.ToString();
    }
}

internal enum ExpressionTokenKind
{
    Number,
    Text,
    Keyword,
    Function,
    Column,
    Symbol,
    End,
}

/// <summary>A token of a portable expression: keywords upper-case, functions lower-case, the rest as written.</summary>
internal readonly struct ExpressionToken
{
    public ExpressionToken(ExpressionTokenKind kind, string text, int offset)
    {
        Kind = kind;
        Text = text;
        Offset = offset;
    }

    public ExpressionTokenKind Kind { get; }
    public string Text { get; }
    public int Offset { get; }

    public bool Is(string text) => (Kind is ExpressionTokenKind.Keyword or ExpressionTokenKind.Symbol) && Text == text;

    public string Describe() => Kind == ExpressionTokenKind.End ? "the end of the expression" : $"'{SchemaValidator.Shorten(Text)}'";
}

internal sealed class PortableExpressionException : Exception
{
    public PortableExpressionException(int offset, string message)
        : base(message) => Offset = offset;

    public int Offset { get; }
}
