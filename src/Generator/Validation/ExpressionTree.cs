using System.Collections.Generic;

namespace AgentHive.Generator.Validation;

/// <summary>What a portable expression yields, as far as both backends agree on it.</summary>
public enum ExpressionType
{
    /// <summary>NULL itself: fits anywhere.</summary>
    Null,
    Boolean,
    Number,
    Text,

    /// <summary>A quoted literal: PostgreSQL reads it as whatever it meets (text, timestamp, jsonb).</summary>
    TextLiteral,
    Timestamp,
    Json,
    Blob,
}

/// <summary>A parsed portable expression, kept only long enough for the validator to look at its shape.</summary>
public abstract class ExpressionNode
{
    protected ExpressionNode(int offset, ExpressionType type)
    {
        Offset = offset;
        Type = type;
    }

    /// <summary>Where the node starts within the expression text.</summary>
    public int Offset { get; }

    public ExpressionType Type { get; }

    public abstract IEnumerable<ExpressionNode> Children { get; }

    /// <summary>True when some column occurs in the node: otherwise it has the same value for every row.</summary>
    public bool MentionsColumn
    {
        get
        {
            // Iterative: nesting is bounded by the parser, but a walk should not depend on that.
            var pending = new Stack<ExpressionNode>();
            pending.Push(this);
            while (pending.Count > 0)
            {
                var node = pending.Pop();
                if (node is ColumnNode)
                {
                    return true;
                }

                foreach (var child in node.Children)
                {
                    pending.Push(child);
                }
            }

            return false;
        }
    }
}

public sealed class ColumnNode : ExpressionNode
{
    public ColumnNode(int offset, ExpressionType type, string name)
        : base(offset, type) => Name = name;

    public string Name { get; }

    public override IEnumerable<ExpressionNode> Children => new ExpressionNode[0];
}

public sealed class LiteralNode : ExpressionNode
{
    public LiteralNode(int offset, ExpressionType type, string text)
        : base(offset, type) => Text = text;

    /// <summary>The literal as written (a text literal keeps its quotes).</summary>
    public string Text { get; }

    public override IEnumerable<ExpressionNode> Children => new ExpressionNode[0];
}

/// <summary><c>x IS NULL</c> or <c>x IS NOT NULL</c>.</summary>
public sealed class NullTestNode : ExpressionNode
{
    public NullTestNode(int offset, ExpressionNode operand, bool negated)
        : base(offset, ExpressionType.Boolean)
    {
        Operand = operand;
        Negated = negated;
    }

    public ExpressionNode Operand { get; }

    public bool Negated { get; }

    public override IEnumerable<ExpressionNode> Children => new[] { Operand };
}

/// <summary>An operator or call: <see cref="Operator"/> is upper-case SQL (<c>AND</c>, <c>=</c>, <c>IN</c>, <c>lower</c>, ...).</summary>
public sealed class OperationNode : ExpressionNode
{
    public OperationNode(int offset, ExpressionType type, string @operator, IReadOnlyList<ExpressionNode> operands)
        : base(offset, type)
    {
        Operator = @operator;
        Operands = operands;
    }

    public string Operator { get; }

    public IReadOnlyList<ExpressionNode> Operands { get; }

    public override IEnumerable<ExpressionNode> Children => Operands;
}
