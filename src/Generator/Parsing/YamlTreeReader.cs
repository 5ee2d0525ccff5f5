using System;
using System.Collections.Generic;
using System.IO;
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
    private readonly string _filePath;
    private readonly string _text;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly Dictionary<string, YamlNode> _anchors = new();
    private IParser _parser = null!;
    private Mark _lastEnd = Mark.Empty;

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
            var root = reader.ReadNode();
            reader._parser.Consume<DocumentEnd>();
            return root;
        }
        catch (YamlException ex)
        {
            var location = new LocationInfo(filePath, (int)ex.Start.Line, (int)ex.Start.Column);
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

    private YamlNode ReadNode()
    {
        var current = _parser.Current!;
        var location = At(current.Start);
        _lastEnd = current.End;
        switch (current)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                if (_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    return target;
                }

                throw new YamlException(current.Start, current.End, $"Alias '*{alias.Value.Value}' names no anchor");

            case Scalar scalar:
                _parser.MoveNext();
                return Remember(scalar.Anchor, new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, location, SourceOf(scalar, location)));

            case SequenceStart sequenceStart:
            {
                _parser.MoveNext();
                var items = new List<YamlNode>();
                while (!_parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode());
                }

                return Remember(sequenceStart.Anchor, new YamlSequence(items, location));
            }

            case MappingStart mappingStart:
            {
                _parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                while (!_parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode();
                    var value = ReadNode();
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

    private LocationInfo At(Mark mark) => new(_filePath, (int)mark.Line, (int)mark.Column);

    // YamlDotNet prefixes messages with the position, which the diagnostic already carries.
    private static string Clean(string message)
    {
        var marker = message.IndexOf("): ", System.StringComparison.Ordinal);
        return message.StartsWith("(", System.StringComparison.Ordinal) && marker > 0 ? message.Substring(marker + 3) : message;
    }
}
