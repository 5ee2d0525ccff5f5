using System;
using System.IO;
using AgentHive.Runtime.CommandLine;
using AgentHive.Tests.Generator;
using Xunit;

namespace AgentHive.Tests.Documentation;

/// <summary>docs/schema.md, the <c>schema diagram</c> command, and the diagrams checked by Mermaid's parser.</summary>
public sealed class SchemaDocumentTests : IDisposable
{
    public const string RegenerateCommand = "dotnet run --project src/Migrations -- schema diagram --output docs/schema.md";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agenthive-diagram-" + Guid.NewGuid().ToString("N"));

    public SchemaDocumentTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Committed_docs_schema_md_is_what_the_schema_generates()
    {
        var path = RepositoryPaths.Combine("docs", "schema.md");
        Assert.True(File.Exists(path), $"docs/schema.md is missing. Generate it from the repository root with: {RegenerateCommand}");
        var committed = File.ReadAllText(path).Replace("\r\n", "\n");

        const long Version = global::AgentHive.AgentHiveSchema.Version;
        Assert.True(committed == global::AgentHive.AgentHiveSchema.Documentation,
            $"docs/schema.md differs from what schema.yaml (version {Version}) generates. " +
            $"Regenerate it from the repository root with: {RegenerateCommand}");
    }

    [Fact]
    public void Schema_diagram_writes_the_document_to_the_output_file_creating_its_folder()
    {
        var file = Path.Combine(_folder, "docs", "schema.md");

        var (code, output, error) = Run("schema", "diagram", "--output", file);

        Assert.True(code == SchemaCommandLine.Success, error);
        Assert.Equal(global::AgentHive.AgentHiveSchema.Documentation, File.ReadAllText(file));
        Assert.Contains(file, output);
    }

    [Fact]
    public void Schema_diagram_mermaid_writes_the_diagram_alone_to_standard_output()
    {
        var (code, output, error) = Run("schema", "diagram", "--mermaid");

        Assert.True(code == SchemaCommandLine.Success, error);
        Assert.Equal(global::AgentHive.AgentHiveSchema.Diagram, output);
        Assert.StartsWith("erDiagram\n", output);
        Assert.Contains("    \"tasks\" |o..o{ \"tasks\" : \"parent_task_id\"\n", output);
        Assert.Contains("    \"projects\" ||--o{ \"project_tasks\" : \"project_id (M:N tasks)\"\n", output);
    }

    [Fact]
    public void Schema_diagram_refuses_bad_usage_with_exit_code_2()
    {
        var unknown = Run("schema", "diagram", "--format", "svg");
        Assert.Equal(SchemaCommandLine.Usage, unknown.Code);

        var blocker = Path.Combine(_folder, "a-file");
        File.WriteAllText(blocker, string.Empty);
        var unwritable = Run("schema", "diagram", "--output", Path.Combine(blocker, "schema.md"));
        Assert.Equal(SchemaCommandLine.Usage, unwritable.Code);
        Assert.Contains("Could not write", unwritable.Error);
    }

    [Theory]
    [InlineData("", "--output needs a file path")]
    [InlineData(" ", "--output needs a file path")]
    [InlineData("/", "it is a folder")]
    [InlineData("{folder}", "it is a folder")]
    public void Schema_diagram_to_an_empty_path_or_a_folder_is_a_usage_error_not_a_crash(string output, string expected)
    {
        var (code, _, error) = Run("schema", "diagram", "--output", output.Replace("{folder}", _folder));

        Assert.Equal(SchemaCommandLine.Usage, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Generated_diagrams_parse_with_Mermaid_and_a_broken_one_does_not()
    {
        var files = new[]
        {
            Write("agent_hive.md", global::AgentHive.AgentHiveSchema.Documentation),
            Write("garage.mmd", SchemaDiagramTests.Constant(SchemaDiagramTests.GarageSchema, "Garage.GarageSchema", "Diagram")),
            Write("shop.md", SchemaDiagramTests.Constant(GoldenTests.SmallSchema, "Shop.ShopSchema", "Documentation")),
            Write("odd.mmd", SchemaDiagramTests.Constant(SchemaDiagramTests.OddNamesSchema, "Odd.OddSchema", "Diagram")),
        };

        var (code, output) = MermaidParser.Parse(files);
        Assert.True(code == 0, output);
        Assert.Equal(4, output.Split("ok ").Length - 1);

        // The parser is real: the unsanitised forms our emitter avoids are rejected.
        var broken = Write("broken.mmd", "erDiagram\n    one {\n        text pk PK \"a \"quoted\" word\"\n    }\n");
        Assert.Equal(1, MermaidParser.Parse(broken).ExitCode);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = SchemaCommandLine.Run(args, AgentHiveBuild.Assembly, output, error);
        return (code, output.ToString().Replace("\r\n", "\n"), error.ToString());
    }
}
