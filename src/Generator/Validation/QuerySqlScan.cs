using System;
using System.Collections.Generic;
using System.Linq;

namespace AgentHive.Generator.Validation;

public enum SqlProblemKind
{
    UnknownTable,
    UnknownColumn,
    Syntax,
}

/// <summary>What the scan can prove wrong: <see cref="Offset"/> into the SQL, the name, and for a column the table it was looked up in.</summary>
public readonly record struct SqlProblem(SqlProblemKind Kind, int Offset, string Name, string Detail);

/// <summary>A parameter written in a form other than @name: its text, its offset, and whether PostgreSQL reads that text as something else.</summary>
public readonly record struct SqlParameterMarker(string Text, int Offset, bool PostgresOperator);

/// <summary>What a query's SQL reads, binds and returns, as far as a scan without a full parser can tell.</summary>
public sealed class QuerySqlScan
{
    // Words that are never a column: keywords of either dialect a query may use, beyond the reserved words.
    private static readonly HashSet<string> ExtraKeywords = new(StringComparer.Ordinal)
    {
        "asc", "desc", "nulls", "first", "last", "skip", "locked", "nowait", "share", "key", "do", "nothing", "conflict",
        "recursive", "materialized", "escape", "collate", "nocase", "rtrim", "ilike", "glob", "regexp", "match", "between",
        "interval", "zone", "time", "timestamp", "date", "excluded", "rowid", "oid", "ctid", "_rowid_", "abort", "fail",
        "ignore", "replace", "rollback", "exists", "unbounded", "preceding", "following", "current", "row", "rows",
        "groups", "others", "ties", "exclude", "no", "isnull", "notnull", "distinct", "all", "union", "intersect", "except",
    };

    // Words that end an expression, after which a bare word is an alias (CASE ... END total).
    private static readonly HashSet<string> ValueKeywords = new(StringComparer.Ordinal)
    {
        "null", "true", "false", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp", "end",
    };

    // Qualifiers SQL defines itself: the row an upsert proposed, and trigger rows.
    private static readonly HashSet<string> BuiltInQualifiers = new(StringComparer.Ordinal) { "excluded", "new", "old" };

    // Inside these calls, FROM and bare words are part of the call's own syntax (EXTRACT(epoch FROM x)).
    private static readonly HashSet<string> SpecialFormCalls = new(StringComparer.Ordinal) { "extract", "substring", "trim", "position", "overlay", "cast" };

    private readonly List<SqlToken> _tokens;
    private readonly Func<string, IReadOnlyCollection<string>?> _columnsOf;
    private readonly int[] _match;
    private readonly bool[] _consumed;
    private readonly Dictionary<string, IReadOnlyCollection<string>?> _ctes = new(StringComparer.Ordinal);

    // alias or name used as a qualifier -> the schema table or CTE it stands for, or null (a subquery or function: columns unknown)
    private readonly Dictionary<string, string?> _sources = new(StringComparer.Ordinal);
    private readonly HashSet<string> _aliases = new(StringComparer.Ordinal);
    private bool _hasOpaqueSource;
    private bool[]? _inSpecialForm;

    private QuerySqlScan(List<SqlToken> tokens, Func<string, IReadOnlyCollection<string>?> columnsOf)
    {
        _tokens = tokens;
        _columnsOf = columnsOf;
        _match = MatchParentheses(tokens);
        _consumed = new bool[tokens.Count];
    }

    /// <summary>Parameters as used (name, offset), in order.</summary>
    public List<(string Name, int Offset)> Parameters { get; } = new();

    public List<SqlProblem> Problems { get; } = new();

    /// <summary>
    /// Parameters written as the drivers' other forms (?, ?1, :name, $name, $1): nothing binds them, and SQLite
    /// reads an unbound one as NULL. <see cref="SqlParameterMarker.PostgresOperator"/> marks text PostgreSQL reads otherwise
    /// (the jsonb operators ?, ?| and ?&amp;, an array slice a[1:n]).
    /// </summary>
    public List<SqlParameterMarker> ForeignParameters { get; } = new();

    /// <summary>Schema tables the SQL names (in FROM, JOIN, UPDATE, INTO).</summary>
    public SortedSet<string> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Aliases of schema tables (FROM tasks t: t → tasks), as SQLite's plans name them.</summary>
    public IEnumerable<KeyValuePair<string, string>> TableAliases =>
        _sources.Where(s => s.Value is not null && s.Key != s.Value && Tables.Contains(s.Value)).Select(s => new KeyValuePair<string, string>(s.Key, s.Value!));

    /// <summary>True when the statement returns rows (a SELECT or VALUES, or RETURNING); null when the scan cannot tell.</summary>
    public bool? ReturnsRows { get; private set; }

    /// <summary>The statement's verb (select, insert, update, delete, values), after any WITH clause.</summary>
    public string? Verb { get; private set; }

    /// <summary>Scans <paramref name="sql"/>; <paramref name="columnsOf"/> gives a schema table's columns, or null for no such table.</summary>
    public static QuerySqlScan Scan(string sql, Func<string, IReadOnlyCollection<string>?> columnsOf)
    {
        var (tokens, errorOffset, error) = SqlTokenizer.Tokenize(sql);
        if (error is not null)
        {
            var failed = new QuerySqlScan(new List<SqlToken>(), columnsOf);
            failed.Problems.Add(new SqlProblem(SqlProblemKind.Syntax, errorOffset, string.Empty, error));
            return failed;
        }

        var scan = new QuerySqlScan(tokens, columnsOf);
        if (tokens.Count == 0)
        {
            scan.Problems.Add(new SqlProblem(SqlProblemKind.Syntax, 0, string.Empty, "is empty (or only a comment): there is no statement to run"));
            return scan;
        }

        scan.Run();
        scan.FindForeignParameters(sql);
        return scan;
    }

    public static bool IsKeyword(string word) => Names.IsReserved(word) || ExtraKeywords.Contains(word);

    private void Run()
    {
        for (var i = 0; i < _tokens.Count; i++)
        {
            if (_tokens[i].Kind == SqlTokenKind.Parameter)
            {
                Parameters.Add((_tokens[i].Text, _tokens[i].Offset));
            }

            if (_tokens[i].Is(";") && i + 1 < _tokens.Count)
            {
                Problems.Add(new SqlProblem(SqlProblemKind.Syntax, _tokens[i].Offset, ";",
                    "holds more than one statement; a query is one statement (a method runs one command)"));
                return;
            }

            if ((_tokens[i].Is("(") || _tokens[i].Is(")")) && _match[i] < 0)
            {
                Problems.Add(new SqlProblem(SqlProblemKind.Syntax, _tokens[i].Offset, _tokens[i].Text, "has a parenthesis that is never closed or opened"));
                return;
            }
        }

        for (var i = 0; i < _tokens.Count; i++)
        {
            if (_tokens[i].Is("with"))
            {
                var after = ReadWith(i);
                if (i == 0 && after < _tokens.Count && _tokens[after].Kind == SqlTokenKind.Word)
                {
                    Verb = _tokens[after].Text;
                }
            }
        }

        if (Verb is null && _tokens.Count > 0 && _tokens[0].Kind == SqlTokenKind.Word)
        {
            Verb = _tokens[0].Text;
        }

        ReturnsRows = Verb switch
        {
            "select" or "values" => true,
            "insert" or "update" or "delete" => _tokens.Any(t => t.Is("returning")),
            _ => null,
        };

        for (var i = 0; i < _tokens.Count; i++)
        {
            if (_tokens[i].Kind == SqlTokenKind.Word && _tokens[i].Text is "from" or "join" or "update" or "into" && IsTableClause(i))
            {
                ReadSources(i);
            }
            else if (_tokens[i].Is("by") && i > 0 && _tokens[i - 1].Is("indexed") && i + 1 < _tokens.Count)
            {
                _consumed[i + 1] = true; // SQLite's INDEXED BY names an index
            }
        }

        CollectAliases();
        CheckQualifiedColumns();
        if (!_hasOpaqueSource)
        {
            CheckBareColumns();
        }
    }

    private void FindForeignParameters(string sql)
    {
        for (var i = 0; i < _tokens.Count; i++)
        {
            var token = _tokens[i];
            if (token.Kind != SqlTokenKind.Symbol)
            {
                continue;
            }

            var question = token.Text.IndexOf('?');
            if (question >= 0)
            {
                var start = token.Offset + question;
                var end = start + 1;
                while (end < sql.Length && char.IsDigit(sql[end]))
                {
                    end++;
                }

                ForeignParameters.Add(new SqlParameterMarker(sql.Substring(start, end - start), start, PostgresOperator: true));
                continue;
            }

            // :name and $name or $1, written without a space; :: is PostgreSQL's cast.
            var next = At(i + 1);
            var adjacent = next.Offset == token.Offset + token.Text.Length && next.Kind is SqlTokenKind.Word or SqlTokenKind.Number;
            if (adjacent && token.Text == "$")
            {
                ForeignParameters.Add(new SqlParameterMarker("$" + sql.Substring(next.Offset, WordLength(sql, next.Offset)), token.Offset, PostgresOperator: false));
            }
            else if (adjacent && token.Text.EndsWith(":", StringComparison.Ordinal) && !token.Text.EndsWith("::", StringComparison.Ordinal))
            {
                var colon = token.Offset + token.Text.Length - 1;
                ForeignParameters.Add(new SqlParameterMarker(":" + sql.Substring(next.Offset, WordLength(sql, next.Offset)), colon, PostgresOperator: true));
            }
        }
    }

    private static int WordLength(string sql, int start)
    {
        var end = start;
        while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
        {
            end++;
        }

        return end - start;
    }

    /// <summary>Reads WITH [RECURSIVE] name [(columns)] AS [NOT] [MATERIALIZED] (...), ...; returns the index after it.</summary>
    private int ReadWith(int i)
    {
        var j = i + 1;
        if (At(j).Is("recursive"))
        {
            j++;
        }

        while (j < _tokens.Count && IsName(At(j)))
        {
            var name = NameOf(At(j));
            _consumed[j++] = true;
            List<string>? columns = null;
            if (At(j).Is("(") && _match[j] > j)
            {
                columns = new List<string>();
                for (var k = j + 1; k < _match[j]; k++)
                {
                    if (IsName(_tokens[k]))
                    {
                        columns.Add(NameOf(_tokens[k]));
                        _consumed[k] = true;
                    }
                }

                j = _match[j] + 1;
            }

            if (!At(j).Is("as"))
            {
                break;
            }

            _ctes[name] = columns;
            _consumed[j++] = true;
            while (At(j).Is("not") || At(j).Is("materialized"))
            {
                j++;
            }

            if (!At(j).Is("(") || _match[j] < 0)
            {
                break;
            }

            j = _match[j] + 1;
            if (!At(j).Is(","))
            {
                break;
            }

            j++;
        }

        return j;
    }

    private bool IsTableClause(int i)
    {
        var previous = i > 0 ? _tokens[i - 1] : default;
        switch (_tokens[i].Text)
        {
            case "from":
                return !previous.Is("distinct") && !InSpecialFormCall(i);
            case "update":
                return !(previous.Is("for") || previous.Is("key") || previous.Is("do"));
            default:
                return true;
        }
    }

    private void ReadSources(int clause)
    {
        var j = clause + 1;
        if (_tokens[clause].Is("update") && At(j).Is("or"))
        {
            j += 2;
        }

        while (At(j).Is("only") || At(j).Is("lateral"))
        {
            j++;
        }

        while (j < _tokens.Count)
        {
            string? source;
            if (At(j).Is("("))
            {
                source = null;
                j = _match[j] + 1;
            }
            else if (IsName(At(j)) && !(At(j).Kind == SqlTokenKind.Word && IsKeyword(At(j).Text)))
            {
                if (At(j + 1).Is(".") && IsName(At(j + 2)))
                {
                    _consumed[j] = true;
                    j += 2; // schema.table
                }

                var name = NameOf(At(j));
                var offset = At(j).Offset;
                _consumed[j++] = true;
                if (At(j).Is("(") && !_tokens[clause].Is("into"))
                {
                    _hasOpaqueSource = true; // a table-valued function: its columns are its own
                    source = null;
                    j = _match[j] + 1;
                }
                else
                {
                    source = name;
                    if (!_ctes.ContainsKey(name))
                    {
                        if (_columnsOf(name) is null)
                        {
                            Problems.Add(new SqlProblem(SqlProblemKind.UnknownTable, offset, name, string.Empty));
                            _hasOpaqueSource = true;
                            source = null;
                        }
                        else
                        {
                            Tables.Add(name);
                        }
                    }

                    _sources[name] = source;
                }
            }
            else
            {
                return;
            }

            if (At(j).Is("as") && IsName(At(j + 1)))
            {
                _consumed[j] = true;
                j++;
            }

            if (IsName(At(j)) && !(At(j).Kind == SqlTokenKind.Word && IsKeyword(At(j).Text)))
            {
                _sources[NameOf(At(j))] = source;
                _consumed[j++] = true;
            }

            if (!_tokens[clause].Is("from") || !At(j).Is(","))
            {
                return;
            }

            j++;
        }
    }

    /// <summary>Names defined by AS, or by a bare word right after an expression (count(*) n): never a column to look up.</summary>
    private void CollectAliases()
    {
        for (var i = 1; i < _tokens.Count; i++)
        {
            var token = _tokens[i];
            if (_consumed[i] || !IsName(token) || (token.Kind == SqlTokenKind.Word && IsKeyword(token.Text)))
            {
                continue;
            }

            var previous = _tokens[i - 1];
            var afterAs = previous.Is("as");
            var afterExpression = previous.Kind is SqlTokenKind.QuotedName or SqlTokenKind.String or SqlTokenKind.Number or SqlTokenKind.Parameter ||
                                  previous.Is(")") ||
                                  (previous.Kind == SqlTokenKind.Word && (!IsKeyword(previous.Text) || ValueKeywords.Contains(previous.Text)));
            if ((afterAs || afterExpression) && !At(i + 1).Is("(") && !At(i + 1).Is("."))
            {
                _aliases.Add(NameOf(token));
                _consumed[i] = true;
            }
        }
    }

    private void CheckQualifiedColumns()
    {
        for (var i = 0; i + 2 < _tokens.Count; i++)
        {
            if (!IsName(_tokens[i]) || !_tokens[i + 1].Is(".") || (i > 0 && _tokens[i - 1].Is(".")) || _consumed[i])
            {
                continue;
            }

            var qualifier = NameOf(_tokens[i]);
            var column = _tokens[i + 2];
            _consumed[i] = true;
            if (IsName(column))
            {
                _consumed[i + 2] = true;
            }

            if (_sources.TryGetValue(qualifier, out var source))
            {
                if (source is not null && IsName(column))
                {
                    CheckColumnOf(source, column);
                }
            }
            else if (!_aliases.Contains(qualifier) && !_ctes.ContainsKey(qualifier) && !BuiltInQualifiers.Contains(qualifier))
            {
                Problems.Add(new SqlProblem(SqlProblemKind.UnknownTable, _tokens[i].Offset, qualifier,
                    "is neither a table nor an alias the query reads from"));
            }
        }
    }

    private void CheckColumnOf(string source, SqlToken column)
    {
        var name = NameOf(column);
        var columns = _ctes.TryGetValue(source, out var cteColumns) ? cteColumns : _columnsOf(source);
        if (columns is not null && !columns.Contains(name))
        {
            Problems.Add(new SqlProblem(SqlProblemKind.UnknownColumn, column.Offset, name, $"table '{source}' does not have"));
        }
    }

    private void CheckBareColumns()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            known.UnionWith(_columnsOf(table)!);
        }

        foreach (var columns in _ctes.Values)
        {
            if (columns is not null)
            {
                known.UnionWith(columns);
            }
        }

        for (var i = 0; i < _tokens.Count; i++)
        {
            var token = _tokens[i];
            if (_consumed[i] || !IsName(token) || (token.Kind == SqlTokenKind.Word && IsKeyword(token.Text)) ||
                At(i + 1).Is("(") || At(i + 1).Is(".") || At(i + 1).Kind == SqlTokenKind.String ||
                (i > 0 && (_tokens[i - 1].Is(".") || _tokens[i - 1].Is("::"))) || InSpecialFormCall(i))
            {
                continue;
            }

            var name = NameOf(token);
            if (known.Contains(name) || _aliases.Contains(name) || _ctes.ContainsKey(name) || _sources.ContainsKey(name))
            {
                continue;
            }

            var read = Tables.Count == 0 ? "no table the query reads has" : $"none of the tables the query reads ({string.Join(", ", Tables)}) has";
            Problems.Add(new SqlProblem(SqlProblemKind.UnknownColumn, token.Offset, name, read));
        }
    }

    /// <summary>True inside the parentheses of EXTRACT(...), SUBSTRING(...) and the like.</summary>
    private bool InSpecialFormCall(int index)
    {
        if (_inSpecialForm is null)
        {
            _inSpecialForm = new bool[_tokens.Count];
            for (var open = 1; open < _tokens.Count; open++)
            {
                if (_tokens[open].Is("(") && _match[open] > open && _tokens[open - 1].Kind == SqlTokenKind.Word && SpecialFormCalls.Contains(_tokens[open - 1].Text))
                {
                    for (var inside = open + 1; inside < _match[open] && !_inSpecialForm[inside]; inside++)
                    {
                        _inSpecialForm[inside] = true;
                    }
                }
            }
        }

        return _inSpecialForm[index];
    }

    private SqlToken At(int i) => i >= 0 && i < _tokens.Count ? _tokens[i] : new SqlToken(SqlTokenKind.Symbol, string.Empty, -1);

    private static bool IsName(SqlToken token) => token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedName;

    private static string NameOf(SqlToken token) => token.Text;

    private static int[] MatchParentheses(List<SqlToken> tokens)
    {
        var match = new int[tokens.Count];
        var open = new Stack<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            match[i] = -1;
            if (tokens[i].Is("("))
            {
                open.Push(i);
            }
            else if (tokens[i].Is(")") && open.Count > 0)
            {
                var opening = open.Pop();
                match[opening] = i;
                match[i] = opening;
            }
        }

        return match;
    }
}
