using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Generator;
using AgentHive.Generator.Diagnostics;
using AgentHive.Tests.Generator;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace AgentHive.Tests.Robustness;

/// <summary>
/// Mutates the real schema.yaml a thousand ways (fixed seed) and holds the generator to its rule: no
/// crash, every diagnostic inside an input file, and without an AH error, C# that compiles.
/// </summary>
[Collection(FuzzCollection.Name)]
public class SchemaFuzzTests
{
    private const int Seed = 20261128;
    private const int Mutations = 1000;

    private static readonly string[] HostileTokens =
    {
        "~", "[]", "{}", "&a", "*a", "!!binary", "NaN", ".nan", "-.inf", "Infinity", "1e309", "2147483647", "-1", "0x10",
        "\"\\0\"", "\"\\u2028x\"", "\"a'b\\\"c\"", "''", "null", "class", "|", "\"\\r\"", new string('w', 70_000), new string('v', 5_000),
    };

    // Names that become generated members, keywords, case twins of other types or names past the file-name limit.
    private static readonly string[] HostileNames = { "add_parameter", "reference_equals", "table_name", "get_type", "to_string" };
    private static readonly string[] HostileEntities =
        { "class", "record", "agent", "AGENT", "AgentMessage", "Agentmessage", "TaskStatusTransitions", "AgentStatusExtensions", "A" + new string('b', 300) };

    // Every line break C# knows, markup and a control character, each followed by code that must stay in the comment.
    private static readonly string[] HostileDescriptions =
    {
        "\"x\\u2028public int Injected => 1;\"", "\"x\\u2029public int Injected => 1;\"", "\"x\\x85public int Injected => 1;\"",
        "\"x\\rpublic int Injected => 1;\"", "\"<b>&amp; </summary>\"", "\"bell \\x01\"",
    };

    private readonly ITestOutputHelper _output;

    public SchemaFuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Thousand_mutations_of_schema_yaml_never_crash_and_compile_when_accepted()
    {
        var historyFolder = RepositoryPaths.Combine("src", "Migrations", "history");
        var history = Directory.GetFiles(historyFolder).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => ("/project/history/" + Path.GetFileName(f), File.ReadAllText(f))).ToArray();
        var original = File.ReadAllText(RepositoryPaths.Combine("schema.yaml"));
        var lineCounts = history.Append((GeneratorHarness.SchemaPath, original))
            .ToDictionary(f => f.Item1, f => f.Item2.Split('\n').Length, StringComparer.Ordinal);
        var random = new Random(Seed);
        var mutants = Enumerable.Range(0, Mutations).Select(_ => Mutate(original, random)).ToList();
        var compiled = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var failures = new ConcurrentBag<(int Index, string Text)>();
        var (accepted, compilations) = (0, 0);
        var watch = Stopwatch.StartNew();

        // Mutants are independent: use every core.
        Parallel.For(0, Mutations, i =>
        {
            var (schema, what) = mutants[i];
            var counts = new Dictionary<string, int>(lineCounts, StringComparer.Ordinal) { [GeneratorHarness.SchemaPath] = schema.Split('\n').Length };
            var problem = Problem(schema, history, counts, out var hasErrors);
            if (problem is null && !hasErrors)
            {
                // The pipeline accepted it: now the whole generator, as the compiler runs it.
                Interlocked.Increment(ref accepted);
                var run = GeneratorHarness.Run(schema, history);
                if (run.Result.Results.Single().Exception is { } exception)
                {
                    problem = $"the generator threw {exception.GetType().Name}: {exception.Message}";
                }
                else if (compiled.TryAdd(Fingerprint(run), true))
                {
                    // Identical output needs compiling once: many accepted mutations change only comments.
                    Interlocked.Increment(ref compilations);
                    var errors = run.CompilationErrors;
                    problem = errors.Count == 0 ? null : "accepted without an AH error, but the generated C# does not compile: " + string.Join("; ", errors.Take(3));
                }
            }

            if (problem is not null)
            {
                failures.Add((i, $"#{i} {what}: {problem}"));
            }
        });

        _output.WriteLine($"{Mutations} mutations, {accepted} accepted, {compilations} distinct outputs compiled, {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Mutations} mutations broke the rule:\n" + string.Join("\n", failures.OrderBy(f => f.Index).Take(30).Select(f => f.Text)));
    }

    /// <summary>
    /// The generator's whole analysis (what runs before any code is emitted) on one mutant: it must not
    /// throw, and each diagnostic must point inside an input file and format its message.
    /// </summary>
    private static string? Problem(string schema, (string Path, string Text)[] history, Dictionary<string, int> lineCounts, out bool hasErrors)
    {
        hasErrors = false;
        HistoryResult result;
        try
        {
            result = HistoryPipeline.Run(history.Select(h => new SchemaSource(h.Path, h.Text)).Prepend(new SchemaSource(GeneratorHarness.SchemaPath, schema)).ToImmutableArray());
        }
        catch (Exception ex)
        {
            return $"the generator threw {ex.GetType().Name}: {ex.Message}";
        }

        foreach (var diagnostic in result.Diagnostics)
        {
            var at = diagnostic.Location;
            if (!lineCounts.TryGetValue(at.FilePath, out var lines) || at.Line < 1 || at.Line > lines + 1 || at.Column < 1)
            {
                return $"{diagnostic.Id} is not located in an input file: {at.FilePath}({at.Line},{at.Column})";
            }

            _ = diagnostic.ToDiagnostic().GetMessage(CultureInfo.InvariantCulture);
            hasErrors |= DiagnosticDescriptors.ById(diagnostic.Id).DefaultSeverity == DiagnosticSeverity.Error;
        }

        return null;
    }

    private static string Fingerprint(GeneratorRun run)
    {
        var all = string.Join("\0", run.Sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key + "\0" + s.Value));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all)));
    }

    private static (string Schema, string What) Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        int Line() => random.Next(lines.Count);
        switch (random.Next(10))
        {
            case 0:
            {
                var at = Line();
                var removed = lines[at];
                lines.RemoveAt(at);
                return (string.Join("\n", lines), $"delete line {at + 1} '{Short(removed)}'");
            }

            case 1:
            {
                var at = Line();
                lines.Insert(at, lines[at]);
                return (string.Join("\n", lines), $"duplicate line {at + 1} '{Short(lines[at])}'");
            }

            case 2:
            {
                var (a, b) = (Line(), Line());
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return (string.Join("\n", lines), $"swap lines {a + 1} and {b + 1}");
            }

            case 3:
            {
                const string alphabet = " :-[]{}#,\t\"'&*!|>?%@`abcXYZ019_.";
                var at = random.Next(text.Length);
                var c = alphabet[random.Next(alphabet.Length)];
                return (text.Substring(0, at) + c + text.Substring(at + 1), $"character {at} '{Short(text[at].ToString())}' becomes '{Short(c.ToString())}'");
            }

            case 4:
            {
                var at = random.Next(text.Length);
                return (text.Substring(0, at), $"truncate at {at}");
            }

            case 5:
            {
                // A table, column or enum name: its generated C# name may collide or be taken already.
                var keys = Enumerable.Range(0, lines.Count).Where(n => System.Text.RegularExpressions.Regex.IsMatch(lines[n], "^ {2,6}[a-z][a-z0-9_]*:")).ToList();
                var at = keys[random.Next(keys.Count)];
                var line = lines[at];
                var indent = line.Length - line.TrimStart().Length;
                var key = line.Substring(indent, line.IndexOf(':') - indent);
                var name = random.Next(2) == 0 ? key.Replace("_", string.Empty) : HostileNames[random.Next(HostileNames.Length)];
                lines[at] = line.Substring(0, indent) + name + line.Substring(line.IndexOf(':'));
                return (string.Join("\n", lines), $"line {at + 1}: name '{key}' becomes '{name}'");
            }

            case 6:
            {
                // An explicit entity name under a table.
                var tables = Enumerable.Range(0, lines.Count).Where(n => System.Text.RegularExpressions.Regex.IsMatch(lines[n], "^  [a-z][a-z0-9_]*:\\s*$")).ToList();
                var at = tables[random.Next(tables.Count)];
                var entity = HostileEntities[random.Next(HostileEntities.Length)];
                lines.Insert(at + 1, "    entity: " + entity);
                return (string.Join("\n", lines), $"after line {at + 1} '{Short(lines[at])}': entity '{Short(entity)}'");
            }

            case 7:
            {
                var descriptions = Enumerable.Range(0, lines.Count).Where(n => lines[n].TrimStart().StartsWith("description: ", StringComparison.Ordinal)).ToList();
                var at = descriptions[random.Next(descriptions.Count)];
                var description = HostileDescriptions[random.Next(HostileDescriptions.Length)];
                lines[at] = lines[at].Substring(0, lines[at].IndexOf("description: ", StringComparison.Ordinal)) + "description: " + description;
                return (string.Join("\n", lines), $"line {at + 1}: description {description}");
            }

            default:
            {
                // A scalar: what follows ': ' or '- ' on a line, or an item of an inline list.
                var candidates = Enumerable.Range(0, lines.Count).Where(n => lines[n].Contains(": ") || lines[n].TrimStart().StartsWith("- ", StringComparison.Ordinal)).ToList();
                var at = candidates[random.Next(candidates.Count)];
                var line = lines[at];
                var token = HostileTokens[random.Next(HostileTokens.Length)];
                var separators = Enumerable.Range(0, line.Length - 1).Where(p => (line[p] is ':' or '-' or ',' or '[') && line[p + 1] == ' ').ToList();
                var start = separators[random.Next(separators.Count)] + 2;
                var end = start;
                while (end < line.Length && line[end] is not (',' or ']' or '}'))
                {
                    end++;
                }

                lines[at] = line.Substring(0, start) + token + line.Substring(end);
                return (string.Join("\n", lines), $"line {at + 1} '{Short(line)}': '{Short(line.Substring(start, end - start))}' becomes '{Short(token)}'");
            }
        }
    }

    private static string Short(string text) => (text.Length > 60 ? text.Substring(0, 60) + "…" : text).Replace("\t", "\\t").Replace("\r", "\\r");
}

/// <summary>The fuzz uses every core: it runs alone, so it cannot starve the database tests' timeouts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "Schema fuzz";
}
