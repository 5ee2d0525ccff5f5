using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentHive.Benchmarks;

/// <summary>
/// One full generator run as the compiler makes it (schema.yaml in, C# out), on the Agent Hive schema
/// with its history and on a generated 500-table schema; and the compile of what the latter generates.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private ImmutableArray<MetadataReference> _references;
    private CSharpCompilation _empty = null!;
    private AdditionalText[] _agentHive = Array.Empty<AdditionalText>();
    private AdditionalText[] _large = Array.Empty<AdditionalText>();
    private ImmutableArray<SyntaxTree> _largeGenerated;

    [GlobalSetup]
    public void Setup()
    {
        _references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Append(typeof(FluentMigrator.Migration).Assembly.Location)
            .Append(typeof(FluentMigrator.IMigration).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
        _empty = CSharpCompilation.Create("Benchmark", Array.Empty<SyntaxTree>(), _references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var root = FindRoot();
        var history = Path.Combine(root, "src", "Migrations", "history");
        _agentHive = Directory.GetFiles(history)
            .Select(f => (AdditionalText)new InMemoryText("/project/history/" + Path.GetFileName(f), File.ReadAllText(f)))
            .Append(new InMemoryText("/project/schema.yaml", File.ReadAllText(Path.Combine(root, "schema.yaml"))))
            .ToArray();
        _large = new AdditionalText[] { new InMemoryText("/project/schema.yaml", LargeSchema.Yaml(500)) };

        // Both inputs must be accepted, or the figures would time error paths.
        foreach (var input in new[] { _agentHive, _large })
        {
            var result = Generate(input).GetRunResult();
            if (result.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
            {
                throw new InvalidOperationException($"The benchmark schema is not accepted: {error}");
            }
        }

        _largeGenerated = Generate(_large).GetRunResult().GeneratedTrees;
    }

    [Benchmark(Description = "Generator run, Agent Hive schema (2 versions)")]
    public GeneratorDriver AgentHiveSchema() => Generate(_agentHive);

    [Benchmark(Description = "Generator run, 500-table schema")]
    public GeneratorDriver FiveHundredTables() => Generate(_large);

    [Benchmark(Description = "Compile (emit in memory) the 500-table schema's generated C#")]
    public long CompileFiveHundredTables()
    {
        using var stream = new MemoryStream();
        var result = _empty.AddSyntaxTrees(_largeGenerated).Emit(stream);
        return result.Success ? stream.Length : throw new InvalidOperationException(string.Join("; ", result.Diagnostics.Take(3)));
    }

    private GeneratorDriver Generate(AdditionalText[] files) =>
        CSharpGeneratorDriver.Create(new[] { new AgentHive.Generator.SchemaGenerator().AsSourceGenerator() }, files, ParseOptions)
            .RunGenerators(_empty);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentHive.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AgentHive.sln above {AppContext.BaseDirectory}");
    }

    private sealed class InMemoryText : AdditionalText
    {
        private readonly Microsoft.CodeAnalysis.Text.SourceText _text;

        public InMemoryText(string path, string text)
        {
            Path = path;
            _text = Microsoft.CodeAnalysis.Text.SourceText.From(text);
        }

        public override string Path { get; }

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => _text;
    }
}
