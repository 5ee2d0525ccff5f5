using System;
using System.Collections.Generic;
using System.Linq;

namespace AgentHive.Generator.Validation;

/// <summary>
/// Recursive descent over the portable subset, loosest first: OR, AND, NOT, one comparison
/// (<c>= &lt;&gt; != &lt; &lt;= &gt; &gt;=</c>, <c>IS [NOT] NULL</c>, <c>[NOT] IN (...)</c>,
/// <c>[NOT] BETWEEN</c>, <c>[NOT] LIKE</c>), <c>||</c>, <c>+ -</c>, <c>* /</c>, unary minus, and values
/// (literals, columns, calls, <c>CASE</c>, parentheses). Each node gets a type, and every place where
/// SQLite and PostgreSQL would disagree (one refuses, or both accept but read it differently) is an error.
/// </summary>
internal sealed class PortableExpressionParser
{
    /// <summary>Deep enough for any hand-written expression, shallow enough for any stack.</summary>
    private const int MaxDepth = 64;

    // Name → (fewest, most) arguments. SQLite's coalesce needs two; trim's second argument lists characters.
    private static readonly Dictionary<string, (int Min, int Max)> Functions = new(StringComparer.Ordinal)
    {
        ["length"] = (1, 1),
        ["lower"] = (1, 1),
        ["upper"] = (1, 1),
        ["abs"] = (1, 1),
        ["coalesce"] = (2, int.MaxValue),
        ["trim"] = (1, 2),
    };

    private static readonly string[] Comparisons = { "=", "<>", "!=", "<", "<=", ">", ">=" };

    private readonly List<ExpressionToken> _tokens;
    private readonly Func<string, ExpressionColumn?> _column;
    private readonly HashSet<ExpressionNode> _parenthesized = new();
    private int _position;
    private int _depth;

    public PortableExpressionParser(List<ExpressionToken> tokens, Func<string, ExpressionColumn?> column)
    {
        _tokens = tokens;
        _column = column;
    }

    public static string FunctionList => string.Join(", ", Functions.Keys);

    public static bool IsFunction(string name) => Functions.ContainsKey(name);

    private ExpressionToken Current => _tokens[_position];

    public ExpressionNode ParseWhole()
    {
        var node = ParseOr();
        if (Current.Kind != ExpressionTokenKind.End)
        {
            throw Unexpected(Current.Is(")") ? "a ')' has no matching '('" : $"{Current.Describe()} cannot follow a complete expression; join conditions with AND or OR");
        }

        return node;
    }

    private ExpressionNode ParseOr() => ParseChain("OR", ParseAnd);

    private ExpressionNode ParseAnd() => ParseChain("AND", ParseNot);

    private ExpressionNode ParseChain(string keyword, Func<ExpressionNode> operand)
    {
        var left = operand();
        while (Current.Is(keyword))
        {
            var at = Current.Offset;
            RequireCondition(left, keyword);
            _position++;
            var right = operand();
            RequireCondition(right, keyword);
            left = new OperationNode(left.Offset, ExpressionType.Boolean, keyword, new[] { left, right });
        }

        return left;
    }

    private ExpressionNode ParseNot()
    {
        if (!Current.Is("NOT"))
        {
            return ParsePredicate();
        }

        var at = Current.Offset;
        _position++;
        Enter(at);
        var operand = ParseNot();
        _depth--;
        RequireCondition(operand, "NOT");
        return new OperationNode(at, ExpressionType.Boolean, "NOT", new[] { operand });
    }

    private ExpressionNode ParsePredicate()
    {
        var left = ParseConcat();
        var result = ParseComparison(left);
        if (!ReferenceEquals(result, left) && StartsComparison())
        {
            throw Unexpected($"comparisons do not chain ({Current.Describe()} after a comparison); join them with AND, or add parentheses");
        }

        return result;
    }

    private bool StartsComparison() =>
        Comparisons.Any(Current.Is) || Current.Is("IS") || Current.Is("IN") || Current.Is("BETWEEN") || Current.Is("LIKE") ||
        (Current.Is("NOT") && Peek(1) is var next && (next.Is("IN") || next.Is("BETWEEN") || next.Is("LIKE")));

    private ExpressionNode ParseComparison(ExpressionNode left)
    {
        var at = Current.Offset;
        if (Comparisons.FirstOrDefault(Current.Is) is { } op)
        {
            _position++;
            var right = ParseConcat();
            if (left.Type == ExpressionType.Null || right.Type == ExpressionType.Null)
            {
                throw new PortableExpressionException(at, $"'{op}' with NULL is never true; use IS NULL or IS NOT NULL");
            }

            RequireComparable(left, right, at, op);
            return new OperationNode(left.Offset, ExpressionType.Boolean, op, new[] { left, right });
        }

        if (Current.Is("IS"))
        {
            _position++;
            var negated = Current.Is("NOT");
            if (negated)
            {
                _position++;
            }

            if (!Current.Is("NULL"))
            {
                throw Unexpected($"expected NULL after IS{(negated ? " NOT" : string.Empty)}, found {Current.Describe()} (only IS NULL and IS NOT NULL are portable)");
            }

            _position++;
            return new NullTestNode(left.Offset, left, negated);
        }

        var not = Current.Is("NOT") && (Peek(1).Is("IN") || Peek(1).Is("BETWEEN") || Peek(1).Is("LIKE"));
        if (not)
        {
            _position++;
        }

        var prefix = not ? "NOT " : string.Empty;
        if (Current.Is("IN"))
        {
            _position++;
            var open = Current;
            Expect("(", "a parenthesised list after IN");
            if (Current.Is(")"))
            {
                throw Unexpected("an IN list needs at least one value (PostgreSQL refuses an empty list)");
            }

            var items = new List<ExpressionNode> { left };
            Enter(open.Offset);
            do
            {
                var item = ParseConcat();
                RequireComparable(left, item, item.Offset, prefix + "IN");
                items.Add(item);
            }
            while (TryConsume(","));

            _depth--;
            Expect(")", "',' or ')' in the IN list");
            return new OperationNode(left.Offset, ExpressionType.Boolean, prefix + "IN", items);
        }

        if (Current.Is("BETWEEN"))
        {
            _position++;
            var low = ParseConcat();
            Expect("AND", "AND between the bounds of BETWEEN");
            var high = ParseConcat();
            RequireComparable(left, low, low.Offset, prefix + "BETWEEN");
            RequireComparable(left, high, high.Offset, prefix + "BETWEEN");
            return new OperationNode(left.Offset, ExpressionType.Boolean, prefix + "BETWEEN", new[] { left, low, high });
        }

        if (Current.Is("LIKE"))
        {
            _position++;
            var pattern = ParseConcat();
            RequireType(left, "LIKE", ExpressionType.Text, ExpressionType.TextLiteral);
            RequireType(pattern, "LIKE", ExpressionType.Text, ExpressionType.TextLiteral);
            return new OperationNode(left.Offset, ExpressionType.Boolean, prefix + "LIKE", new[] { left, pattern });
        }

        return left;
    }

    private ExpressionNode ParseConcat()
    {
        var left = ParseAdditive();
        while (Current.Is("||"))
        {
            var at = Current.Offset;
            _position++;
            var right = ParseAdditive();
            foreach (var side in new[] { left, right })
            {
                if (side is OperationNode { Operator: "+" or "-" or "*" or "/" } && !_parenthesized.Contains(side))
                {
                    throw new PortableExpressionException(at, "SQLite and PostgreSQL group '||' and arithmetic differently; add parentheses");
                }

                RequireType(side, "||", ExpressionType.Text, ExpressionType.TextLiteral);
            }

            left = new OperationNode(left.Offset, ExpressionType.Text, "||", new[] { left, right });
        }

        return left;
    }

    private ExpressionNode ParseAdditive() => ParseArithmetic(ParseMultiplicative, "+", "-");

    private ExpressionNode ParseMultiplicative() => ParseArithmetic(ParseUnary, "*", "/");

    private ExpressionNode ParseArithmetic(Func<ExpressionNode> operand, string first, string second)
    {
        var left = operand();
        while (Current.Is(first) || Current.Is(second))
        {
            var op = Current.Text;
            _position++;
            var right = operand();
            RequireType(left, op, ExpressionType.Number);
            RequireType(right, op, ExpressionType.Number);
            left = new OperationNode(left.Offset, ExpressionType.Number, op, new[] { left, right });
        }

        return left;
    }

    private ExpressionNode ParseUnary()
    {
        if (!Current.Is("-") && !Current.Is("+"))
        {
            return ParsePrimary();
        }

        var at = Current.Offset;
        var op = Current.Text;
        _position++;
        Enter(at);
        var operand = ParseUnary();
        _depth--;
        RequireType(operand, op, ExpressionType.Number);
        return new OperationNode(at, ExpressionType.Number, op, new[] { operand });
    }

    private ExpressionNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case ExpressionTokenKind.Number:
                _position++;
                return new LiteralNode(token.Offset, ExpressionType.Number, token.Text);

            case ExpressionTokenKind.Text:
                _position++;
                return new LiteralNode(token.Offset, ExpressionType.TextLiteral, token.Text);

            case ExpressionTokenKind.Column:
                _position++;
                return new ColumnNode(token.Offset, _column(token.Text)!.Type, token.Text);

            case ExpressionTokenKind.Function:
                return ParseCall();

            case ExpressionTokenKind.Keyword when token.Text is "TRUE" or "FALSE":
                _position++;
                return new LiteralNode(token.Offset, ExpressionType.Boolean, token.Text);

            case ExpressionTokenKind.Keyword when token.Text == "NULL":
                _position++;
                return new LiteralNode(token.Offset, ExpressionType.Null, token.Text);

            case ExpressionTokenKind.Keyword when token.Text == "CASE":
                return ParseCase();

            case ExpressionTokenKind.Symbol when token.Text == "(":
                _position++;
                Enter(token.Offset);
                var inner = ParseOr();
                _depth--;
                if (!Current.Is(")"))
                {
                    throw Current.Kind == ExpressionTokenKind.End
                        ? new PortableExpressionException(Current.Offset, "a '(' is not closed")
                        : Unexpected($"expected ')' to close the '(' at character {token.Offset + 1}, found {Current.Describe()}");
                }

                _position++;
                _parenthesized.Add(inner);
                return inner;

            case ExpressionTokenKind.End:
                throw Unexpected("the expression ends where a value is expected");

            default:
                throw Unexpected($"expected a value (a column, a literal or a call), found {token.Describe()}");
        }
    }

    private ExpressionNode ParseCall()
    {
        var name = Current;
        _position++;
        Expect("(", "'(' after a function name");
        Enter(name.Offset);
        var arguments = new List<ExpressionNode>();
        if (!Current.Is(")"))
        {
            do
            {
                arguments.Add(ParseOr());
            }
            while (TryConsume(","));
        }

        _depth--;
        Expect(")", "',' or ')' in the argument list");
        var (min, max) = Functions[name.Text];
        if (arguments.Count < min || arguments.Count > max)
        {
            var expected = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} or {max}";
            throw new PortableExpressionException(name.Offset, $"{name.Text}() takes {expected} argument{(expected == "1" ? string.Empty : "s")}, not {arguments.Count}");
        }

        ExpressionType result;
        switch (name.Text)
        {
            case "length":
                RequireType(arguments[0], "length()", ExpressionType.Text, ExpressionType.TextLiteral, ExpressionType.Blob);
                result = ExpressionType.Number;
                break;
            case "abs":
                RequireType(arguments[0], "abs()", ExpressionType.Number);
                result = ExpressionType.Number;
                break;
            case "coalesce":
                foreach (var argument in arguments.Skip(1))
                {
                    RequireComparable(arguments[0], argument, argument.Offset, "coalesce()");
                }

                result = CommonType(arguments);
                break;
            default:
                foreach (var argument in arguments)
                {
                    RequireType(argument, name.Text + "()", ExpressionType.Text, ExpressionType.TextLiteral);
                }

                result = ExpressionType.Text;
                break;
        }

        return new OperationNode(name.Offset, result, name.Text, arguments);
    }

    private ExpressionNode ParseCase()
    {
        var at = Current.Offset;
        _position++;
        Enter(at);
        var operand = Current.Is("WHEN") ? null : ParseOr();
        var parts = new List<ExpressionNode>();
        var results = new List<ExpressionNode>();
        if (!Current.Is("WHEN"))
        {
            throw Unexpected($"expected WHEN, found {Current.Describe()}");
        }

        while (TryConsume("WHEN"))
        {
            var when = ParseOr();
            if (operand is null)
            {
                RequireCondition(when, "WHEN");
            }
            else
            {
                RequireComparable(operand, when, when.Offset, "CASE ... WHEN");
            }

            Expect("THEN", "THEN after the WHEN condition");
            var then = ParseOr();
            parts.Add(when);
            parts.Add(then);
            results.Add(then);
        }

        if (TryConsume("ELSE"))
        {
            var otherwise = ParseOr();
            parts.Add(otherwise);
            results.Add(otherwise);
        }

        Expect("END", "WHEN, ELSE or END");
        _depth--;
        foreach (var result in results.Skip(1))
        {
            RequireComparable(results[0], result, result.Offset, "the branches of CASE");
        }

        if (operand is not null)
        {
            parts.Insert(0, operand);
        }

        return new OperationNode(at, CommonType(results), "CASE", parts);
    }

    /// <summary>The first type that is not NULL; a quoted literal gives way to the type it meets.</summary>
    private static ExpressionType CommonType(List<ExpressionNode> nodes)
    {
        var types = nodes.Select(n => n.Type).Where(t => t != ExpressionType.Null).ToList();
        return types.FirstOrDefault(t => t != ExpressionType.TextLiteral) is var strong && strong != ExpressionType.Null
            ? strong
            : types.Count > 0 ? ExpressionType.TextLiteral : ExpressionType.Null;
    }

    /// <summary>Whether PostgreSQL can compare the two and SQLite compares them the same way.</summary>
    public static bool Comparable(ExpressionType a, ExpressionType b)
    {
        if (a == ExpressionType.Null || b == ExpressionType.Null)
        {
            return true;
        }

        if (a == ExpressionType.Json || b == ExpressionType.Json)
        {
            return false; // text on SQLite, jsonb on PostgreSQL: equal JSON need not be equal text
        }

        if (a == ExpressionType.TextLiteral || b == ExpressionType.TextLiteral)
        {
            var other = a == ExpressionType.TextLiteral ? b : a;
            return other is ExpressionType.TextLiteral or ExpressionType.Text; // SQLite compares a timestamp literal as text, PostgreSQL parses it
        }

        return a == b;
    }

    private void RequireComparable(ExpressionNode left, ExpressionNode right, int at, string what)
    {
        if (!Comparable(left.Type, right.Type))
        {
            throw new PortableExpressionException(at,
                $"{what} compares {Describe(left.Type)} with {Describe(right.Type)}, which PostgreSQL refuses or SQLite reads differently");
        }

        // A literal an enum column can never hold makes the comparison constant: almost always a typo.
        foreach (var (column, literal) in new[] { (left, right), (right, left) })
        {
            if (column is ColumnNode { Name: var name } && _column(name) is { EnumValues: { } values, EnumName: var enumName } &&
                literal is LiteralNode { Type: ExpressionType.TextLiteral, Text: var text })
            {
                var value = text.Substring(1, text.Length - 2).Replace("''", "'");
                if (!values.Contains(value))
                {
                    throw new PortableExpressionException(literal.Offset,
                        $"'{SchemaValidator.Shorten(value)}' is not a value of enum '{enumName}' ({SchemaValidator.Shorten(string.Join(", ", values))})");
                }
            }
        }
    }

    private static void RequireType(ExpressionNode node, string what, params ExpressionType[] allowed)
    {
        if (node.Type != ExpressionType.Null && Array.IndexOf(allowed, node.Type) < 0)
        {
            throw new PortableExpressionException(node.Offset,
                $"{what} needs {string.Join(" or ", allowed.Where(t => t != ExpressionType.TextLiteral).Select(Describe))}, not {Describe(node.Type)}");
        }
    }

    private static void RequireCondition(ExpressionNode node, string what)
    {
        if (node.Type != ExpressionType.Boolean)
        {
            throw new PortableExpressionException(node.Offset,
                $"{what} needs a condition (true or false), not {Describe(node.Type)}; compare it, e.g. '... > 0' or '... IS NOT NULL'");
        }
    }

    public static string Describe(ExpressionType type) => type switch
    {
        ExpressionType.Null => "NULL",
        ExpressionType.Boolean => "a boolean",
        ExpressionType.Number => "a number",
        ExpressionType.Text => "text",
        ExpressionType.TextLiteral => "a quoted literal",
        ExpressionType.Timestamp => "a timestamp",
        ExpressionType.Json => "json",
        _ => "a blob",
    };

    /// <summary>Raises the nesting depth, refusing input nested deeper than any stack should follow.</summary>
    private void Enter(int offset)
    {
        if (++_depth > MaxDepth)
        {
            throw new PortableExpressionException(offset, $"the expression nests more than {MaxDepth} levels deep");
        }
    }

    private ExpressionToken Peek(int ahead) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private bool TryConsume(string text)
    {
        if (!Current.Is(text))
        {
            return false;
        }

        _position++;
        return true;
    }

    private void Expect(string text, string expected)
    {
        if (!TryConsume(text))
        {
            throw Unexpected($"expected {expected}, found {Current.Describe()}");
        }
    }

    private PortableExpressionException Unexpected(string message) => new(Current.Offset, message);
}
