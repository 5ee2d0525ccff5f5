using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AgentHive.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>
/// How a consuming project hands its schema to the generator: the package's build files mark the schema
/// file and the history folder (AgentHiveRole metadata) and name them in MSBuild properties.
/// </summary>
public sealed class ProjectFilesTests
{
    private const string ShopV1 = """
        schema: shop
        namespace: Shop
        version: 1
        description: A small shop.
        tables:
          customers:
            columns:
              id: id
              email: text
        """;

    private static readonly string ShopV2 = ShopV1.Replace("version: 1", "version: 2") + "\n      phone: { type: text, nullable: true }\n";

    [Fact]
    public void Schema_file_of_any_name_is_read_when_marked_as_the_schema()
    {
        var run = Run(
            new Dictionary<string, string> { ["build_property.AgentHiveSchemaFile"] = "db/shop.yaml", ["build_property.AgentHiveHistoryFolder"] = "db/releases" },
            ("/app/db/shop.yaml", ShopV1, "Schema"));

        Assert.Empty(run.Errors);
        var project = run.Sources["Shop.ShopSchema.Project.g.cs"];
        Assert.Contains("public const string SchemaFile = \"db/shop.yaml\";", project);
        Assert.Contains("public const string HistoryFolder = \"db/releases\";", project);
        Assert.Contains("public const string Description = \"A small shop.\";", project);
    }

    [Fact]
    public void History_files_in_a_marked_folder_become_frozen_versions()
    {
        var frozen = Run(new Dictionary<string, string>(), ("/app/db/shop.yaml", ShopV1, "Schema")).Sources;
        var checksums = Checksums(frozen);
        var run = Run(new Dictionary<string, string>(),
            ("/app/db/shop.yaml", ShopV2, "Schema"),
            ("/app/db/releases/schema.v1.yaml", ShopV1, "History"),
            ("/app/db/releases/schema.checksums", checksums, "History"));

        Assert.Empty(run.Errors);
        Assert.Contains("Shop.Migrations.SchemaVersion0002.g.cs", run.Sources.Keys);
        Assert.Contains("public const bool Frozen = true;", run.Sources["Shop.Migrations.SchemaVersion0001.g.cs"]);
    }

    [Fact]
    public void Unmarked_file_with_another_name_is_not_taken_for_the_schema()
    {
        var run = Run(new Dictionary<string, string>(), ("/app/db/shop.yaml", ShopV1, null));

        Assert.Contains(run.Diagnostics, d => d.Id == "AH0002");
        Assert.DoesNotContain(run.Sources.Keys, k => k.StartsWith("Shop.", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_listed_twice_by_build_files_and_by_hand_is_one_schema()
    {
        var run = Run(new Dictionary<string, string>(), ("/app/schema.yaml", ShopV1, "Schema"), ("/app/schema.yaml", ShopV1, null));

        Assert.Empty(run.Errors);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "AH0003");
    }

    [Fact]
    public void Defaults_apply_when_the_project_sets_no_paths()
    {
        var project = Run(new Dictionary<string, string>(), ("/app/schema.yaml", ShopV1, null)).Sources["Shop.ShopSchema.Project.g.cs"];

        Assert.Contains("public const string SchemaFile = \"schema.yaml\";", project);
        Assert.Contains("public const string HistoryFolder = \"history\";", project);
    }

    private static string Checksums(IReadOnlyDictionary<string, string> sources)
    {
        var migration = sources["Shop.Migrations.SchemaVersion0001.g.cs"];
        string Constant(string name)
        {
            var start = migration.IndexOf($"public const string {name} = \"", System.StringComparison.Ordinal) + $"public const string {name} = \"".Length;
            return migration.Substring(start, migration.IndexOf('"', start) - start);
        }

        return $"1 sqlite {Constant("SqliteChecksum")}\n1 postgres {Constant("PostgresChecksum")}\n";
    }

    private static ProjectRun Run(Dictionary<string, string> globals, params (string Path, string Text, string? Role)[] files)
    {
        var texts = files.Select(f => (AdditionalText)new GeneratorHarness.InMemoryAdditionalText(f.Path, f.Text)).ToList();
        var perFile = new Dictionary<AdditionalText, string?>();
        for (var i = 0; i < files.Length; i++)
        {
            perFile[texts[i]] = files[i].Role;
        }

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new SchemaGenerator().AsSourceGenerator() },
            texts,
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            optionsProvider: new Options(globals, perFile));
        driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.CreateCompilation("namespace User { }"), out var output, out _);
        var result = driver.GetRunResult();
        return new ProjectRun(
            result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString()),
            result.Diagnostics,
            output.GetDiagnostics().Concat(result.Diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToList());
    }

    private sealed record ProjectRun(IReadOnlyDictionary<string, string> Sources, ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<Diagnostic> Errors);

    private sealed class Options(Dictionary<string, string> globals, Dictionary<AdditionalText, string?> roles) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(globals);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            new Values(roles.TryGetValue(textFile, out var role) && role is not null
                ? new Dictionary<string, string> { ["build_metadata.AdditionalFiles.AgentHiveRole"] = role }
                : new Dictionary<string, string>());
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
