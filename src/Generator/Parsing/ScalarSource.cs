using AgentHive.Generator.Model;

namespace AgentHive.Generator.Parsing;

/// <summary>How a scalar is written in YAML, which decides how its text maps back to the file.</summary>
public enum ScalarQuoting
{
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// <summary>
/// A scalar's source text as written (quotes, escapes, line breaks and indentation included) and where it
/// starts, so a position inside the scalar's value can be found in schema.yaml.
/// </summary>
public sealed record ScalarSource(string Raw, ScalarQuoting Quoting, LocationInfo Start)
{
    /// <summary>
    /// The file position of the character at <paramref name="offset"/> in <paramref name="value"/> (or just
    /// after the last one). Walks the source beside the value: escapes and doubled quotes stand for one
    /// character, folded line breaks and indentation for a space or nothing.
    /// </summary>
    public LocationInfo Locate(string value, int offset)
    {
        var raw = 0;
        if (Quoting is ScalarQuoting.SingleQuoted or ScalarQuoting.DoubleQuoted)
        {
            raw = 1;
        }
        else if (Quoting is ScalarQuoting.Literal or ScalarQuoting.Folded)
        {
            raw = Raw.IndexOf('\n') + 1; // content starts on the line after the '|' or '>' header
        }

        var end = raw;
        for (var i = 0; i < value.Length && raw < Raw.Length; i++)
        {
            raw = NextContent(raw, value[i]);
            if (i == offset)
            {
                return PositionOf(raw);
            }

            raw += Width(raw);
            end = raw;
        }

        return PositionOf(end);
    }

    /// <summary>The raw index that writes value character <paramref name="expected"/>, past folding whitespace and escaped line breaks.</summary>
    private int NextContent(int raw, char expected)
    {
        while (raw < Raw.Length)
        {
            var c = Raw[raw];
            if (Quoting == ScalarQuoting.DoubleQuoted && c == '\\')
            {
                if (raw + 1 < Raw.Length && Raw[raw + 1] is '\n' or '\r')
                {
                    raw += 2; // an escaped line break writes nothing
                    continue;
                }

                return raw;
            }

            if (c == expected || !IsFoldable(c))
            {
                return raw;
            }

            raw++;
        }

        return raw;
    }

    private static bool IsFoldable(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>How many raw characters write one value character at <paramref name="raw"/>.</summary>
    private int Width(int raw)
    {
        if (raw >= Raw.Length)
        {
            return 0;
        }

        if (Quoting == ScalarQuoting.SingleQuoted && Raw[raw] == '\'' && raw + 1 < Raw.Length && Raw[raw + 1] == '\'')
        {
            return 2;
        }

        if (Quoting != ScalarQuoting.DoubleQuoted || Raw[raw] != '\\' || raw + 1 >= Raw.Length)
        {
            return 1;
        }

        return Raw[raw + 1] switch
        {
            'x' => 4,
            'u' => 6,
            'U' => 10,
            _ => 2,
        };
    }

    private LocationInfo PositionOf(int raw)
    {
        var line = Start.Line;
        var column = Start.Column;
        for (var i = 0; i < raw && i < Raw.Length; i++)
        {
            if (Raw[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return Start with { Line = line, Column = column };
    }
}
