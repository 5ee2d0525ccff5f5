using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using AgentHive.Generator.Diagnostics;
using AgentHive.Generator.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AgentHive.Generator.Parsing;

/// <summary>
/// Builds a <see cref="YamlNode"/> tree from YamlDotNet's event stream. Reading events (rather than
/// YamlStream) lets duplicate keys become a precise diagnostic instead of an exception.
/// </summary>
internal sealed class YamlTreeReader
{
    /// <summary>A schema nests about eight levels deep; far deeper input is a mistake or an attack on the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>Nodes aliases may copy in all: enough for any hand-written reuse, far short of a "billion laughs".</summary>
    public const int MaxAliasNodes = 100_000;

    /// <summary>The longest scalar: keeps every constant the generated C# holds far inside the compiler's string limits.</summary>
    public const int MaxScalarLength = 65_536;

    private readonly string _filePath;
    private readonly string _text;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly Dictionary<string, YamlNode> _anchors = new();
    private IParser _parser = null!;
    private Mark _lastEnd = Mark.Empty;
    private int _aliasNodes;

    private YamlTreeReader(string filePath, string text, List<DiagnosticInfo> diagnostics)
    {
        _filePath = filePath;
        _text = text;
        _diagnostics = diagnostics;
    }

    /// <summary>Reads the first document; null when the text is empty or not valid YAML (reported).</summary>
    public static YamlNode? Read(string filePath, string text, List<DiagnosticInfo> diagnostics)
    {
        var reader = new YamlTreeReader(filePath, text, diagnostics);
        try
        {
            reader._parser = new Parser(new StringReader(text));
            reader._parser.Consume<StreamStart>();
            if (reader._parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            reader._parser.Consume<DocumentStart>();
            var root = reader.ReadNode(1);
            reader._parser.Consume<DocumentEnd>();
            if (reader._parser.Accept<DocumentStart>(out var second))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleYamlDocuments, reader.At(second.Start)));
                return null;
            }

            return root;
        }
        catch (LimitExceeded ex)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.YamlLimit, ex.Location, ex.Problem, ex.Fix));
            return null;
        }
        catch (YamlException ex)
        {
            var location = TabIndentation(filePath, text, (int)ex.Start.Line, ex.Message) ??
                           new LocationInfo(filePath, (int)ex.Start.Line, (int)ex.Start.Column);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.YamlSyntax, location, Clean(ex.Message)));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner occasionally fails without a position on malformed input: point just
            // after the last thing it read, which is where the input stopped making sense.
            var mark = reader._lastEnd;
            var location = new LocationInfo(filePath, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.YamlSyntax, location, "the YAML parser could not continue after this point"));
            return null;
        }
    }

    // Recursion is bounded by MaxDepth, so no input can exhaust the compiler's stack.
    private YamlNode ReadNode(int depth)
    {
        var current = _parser.Current!;
        var location = At(current.Start);
        _lastEnd = current.End;
        if (depth > MaxDepth)
        {
            throw new LimitExceeded(location, $"schema.yaml nests deeper than {MaxDepth} levels here",
                "A schema needs about eight; remove the extra brackets or indentation");
        }

        switch (current)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                if (_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    return CopyAt(target, location);
                }

                throw new YamlException(current.Start, current.End, $"Alias '*{alias.Value.Value}' names no anchor");

            case Scalar scalar:
                _parser.MoveNext();
                CheckText(scalar.Value, location);
                return Remember(scalar.Anchor, new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, location, SourceOf(scalar, location)));

            case SequenceStart sequenceStart:
            {
                _parser.MoveNext();
                var items = new List<YamlNode>();
                while (!_parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode(depth + 1));
                }

                return Remember(sequenceStart.Anchor, new YamlSequence(items, location));
            }

            case MappingStart mappingStart:
            {
                _parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                while (!_parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(depth + 1);
                    var value = ReadNode(depth + 1);
                    if (keyNode is not YamlScalar key)
                    {
                        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WrongNodeKind, keyNode.Location,
                            "A mapping key", "a scalar", keyNode.KindName));
                        continue;
                    }

                    entries.Add(new KeyValuePair<YamlScalar, YamlNode>(key, value));
                }

                return Remember(mappingStart.Anchor, new YamlMapping(entries, location));
            }

            default:
                throw new YamlException(current.Start, current.End, $"Unexpected {current.GetType().Name}");
        }
    }

    private YamlNode Remember(AnchorName anchor, YamlNode node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        return node;
    }

    private ScalarSource? SourceOf(Scalar scalar, LocationInfo start)
    {
        var from = (int)scalar.Start.Index;
        var to = (int)scalar.End.Index;
        if (from < 0 || to > _text.Length || to <= from)
        {
            return null;
        }

        var quoting = scalar.Style switch
        {
            ScalarStyle.SingleQuoted => ScalarQuoting.SingleQuoted,
            ScalarStyle.DoubleQuoted => ScalarQuoting.DoubleQuoted,
            ScalarStyle.Literal => ScalarQuoting.Literal,
            ScalarStyle.Folded => ScalarQuoting.Folded,
            _ => ScalarQuoting.Plain,
        };
        return new ScalarSource(_text.Substring(from, to - from), quoting, start);
    }

    /// <summary>
    /// What an alias stands for, placed where the alias is used: a mistake inside it is reported at the use,
    /// and the copies count against <see cref="MaxAliasNodes"/>.
    /// </summary>
    private YamlNode CopyAt(YamlNode node, LocationInfo at)
    {
        if (++_aliasNodes > MaxAliasNodes)
        {
            throw new LimitExceeded(at, $"Aliases in schema.yaml expand to more than {MaxAliasNodes:N0} nodes",
                "Write the repeated parts out, or reuse fewer levels of anchors");
        }

        return node switch
        {
            YamlScalar scalar => new YamlScalar(scalar.Value, scalar.IsPlain, at),
            YamlSequence sequence => new YamlSequence(sequence.Items.Select(item => CopyAt(item, at)).ToList(), at),
            YamlMapping mapping => new YamlMapping(
                mapping.Entries.Select(e => new KeyValuePair<YamlScalar, YamlNode>((YamlScalar)CopyAt(e.Key, at), CopyAt(e.Value, at))).ToList(), at),
            _ => node,
        };
    }

    /// <summary>Text that PostgreSQL cannot store, or that would push generated constants past the compiler's limits.</summary>
    private void CheckText(string value, LocationInfo location)
    {
        string? problem = null;
        if (value.Length > MaxScalarLength)
        {
            problem = string.Format(CultureInfo.InvariantCulture, "is {0:N0} characters long, more than the {1:N0} one value may have", value.Length, MaxScalarLength);
        }
        else if (value.IndexOf('\0') >= 0)
        {
            problem = "contains a NUL character (U+0000), which PostgreSQL cannot store in text";
        }

        if (problem is not null)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TextNotAllowed, location, problem, "Remove or shorten it"));
        }
    }

    /// <summary>
    /// YamlDotNet reports a tab used as indentation at the construct it was scanning, often lines earlier:
    /// point at the first indenting tab from that line on instead.
    /// </summary>
    private static LocationInfo? TabIndentation(string filePath, string text, int fromLine, string message)
    {
        if (message.IndexOf("tab", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return null;
        }

        var lines = text.Split('\n');
        for (var i = Math.Max(0, fromLine - 1); i < lines.Length; i++)
        {
            for (var column = 0; column < lines[i].Length && lines[i][column] is ' ' or '\t'; column++)
            {
                if (lines[i][column] == '\t')
                {
                    return new LocationInfo(filePath, i + 1, column + 1);
                }
            }
        }

        return null;
    }

    private LocationInfo At(Mark mark) => new(_filePath, (int)mark.Line, (int)mark.Column);

    private sealed class LimitExceeded : Exception
    {
        public LimitExceeded(LocationInfo location, string problem, string fix)
            : base(problem)
        {
            Location = location;
            Problem = problem;
            Fix = fix;
        }

        public LocationInfo Location { get; }
        public string Problem { get; }
        public string Fix { get; }
    }

    // YamlDotNet prefixes messages with the position, which the diagnostic already carries.
    private static string Clean(string message)
    {
        var marker = message.IndexOf("): ", System.StringComparison.Ordinal);
        return message.StartsWith("(", System.StringComparison.Ordinal) && marker > 0 ? message.Substring(marker + 3) : message;
    }
}
