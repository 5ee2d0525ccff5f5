using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using AgentHive.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace AgentHive.Tests.Generator;

/// <summary>Runs <see cref="SchemaGenerator"/> in memory over a schema text, as the compiler would.</summary>
internal static class GeneratorHarness
{
    public const string SchemaPath = "/project/schema.yaml";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(System.IO.Path.PathSeparator)
            .Append(typeof(FluentMigrator.Migration).Assembly.Location)
            .Append(typeof(FluentMigrator.IMigration).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    public static GeneratorRun Run(string schema, params (string Path, string Text)[] otherFiles) =>
        Run(schema, "namespace User { public static class Placeholder { } }", otherFiles);

    public static GeneratorRun Run(string schema, string userCode, params (string Path, string Text)[] otherFiles)
    {
        var schemaText = new InMemoryAdditionalText(SchemaPath, schema);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new SchemaGenerator().AsSourceGenerator() },
            new AdditionalText[] { schemaText }.Concat(otherFiles.Select(f => new InMemoryAdditionalText(f.Path, f.Text))),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var compilation = CreateCompilation(userCode);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return new GeneratorRun(driver, compilation, output, schemaText);
    }

    public static GeneratorDriver CreateDriver(string schema) => CreateDriver(new InMemoryAdditionalText(SchemaPath, schema));

    public static GeneratorDriver CreateDriver(AdditionalText schema) =>
        CSharpGeneratorDriver.Create(
            new[] { new SchemaGenerator().AsSourceGenerator() },
            new[] { schema },
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static CSharpCompilation CreateCompilation(string userCode) =>
        CSharpCompilation.Create(
            "GeneratorTest",
            new[] { CSharpSyntaxTree.ParseText(userCode, new CSharpParseOptions(LanguageVersion.Latest), path: "User.cs") },
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// Compiles an app from <paramref name="schema"/> and its frozen <paramref name="history"/>. Warnings (the lint
    /// of blocking operations or renames, say) do not stop an app from shipping; errors do, with their text.
    /// </summary>
    public static System.Reflection.Assembly CompileApp(string schema, params (string Path, string Text)[] history)
    {
        var run = Run(schema, history);
        var errors = run.GeneratorDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Concat(run.CompilationErrors).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("\n", errors));
        }

        using var image = new System.IO.MemoryStream();
        var emitted = run.Output.Emit(image);
        return emitted.Success ? System.Reflection.Assembly.Load(image.ToArray()) : throw new InvalidOperationException(string.Join("\n", emitted.Diagnostics));
    }

    public sealed class InMemoryAdditionalText : AdditionalText
    {
        private readonly SourceText _text;

        public InMemoryAdditionalText(string path, string text)
        {
            Path = path;
            _text = SourceText.From(text);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}

internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation Input, Compilation Output, AdditionalText Schema)
{
    public GeneratorDriverRunResult Result => Driver.GetRunResult();

    public IReadOnlyList<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>Runs again with schema.yaml replaced by <paramref name="schema"/>.</summary>
    public GeneratorRunResult RerunWithSchema(string schema) =>
        Driver.ReplaceAdditionalText(Schema, new GeneratorHarness.InMemoryAdditionalText(GeneratorHarness.SchemaPath, schema))
            .RunGenerators(Input)
            .GetRunResult()
            .Results
            .Single();

    public IReadOnlyDictionary<string, string> Sources => Result.Results
        .SelectMany(r => r.GeneratedSources)
        .ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>Errors of the compilation that includes the generated code.</summary>
    public IReadOnlyList<Diagnostic> CompilationErrors => Output.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error)
        .ToList();
}
