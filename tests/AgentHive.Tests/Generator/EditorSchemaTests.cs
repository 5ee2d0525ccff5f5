using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace AgentHive.Tests.Generator;

/// <summary>docs/schema.json, the schema editors use for schema.yaml, agrees with what the generator accepts.</summary>
public class EditorSchemaTests
{
    private static readonly JsonSchema EditorSchema = JsonSchema.FromFile(RepositoryPaths.Combine("docs", "schema.json"));

    [Fact]
    public void Schema_yaml_names_the_editor_schema()
    {
        var firstLine = File.ReadLines(RepositoryPaths.Combine("schema.yaml")).First();

        Assert.Equal("# yaml-language-server: $schema=docs/schema.json", firstLine);
    }

    [Fact]
    public void Agent_Hive_schema_is_valid()
    {
        AssertValid(File.ReadAllText(RepositoryPaths.Combine("schema.yaml")));
    }

    [Fact]
    public void Golden_test_schema_is_valid()
    {
        AssertValid(GoldenTests.SmallSchema);
    }

    [Fact]
    public void Types_test_schemas_are_valid()
    {
        AssertValid(Types.TypeSchemas.Version1);
        AssertValid(Types.TypeSchemas.Version2);
    }

    [Theory]
    [MemberData(nameof(DiagnosticsTests.SuspiciousSchemas), MemberType = typeof(DiagnosticsTests))]
    [MemberData(nameof(DiagnosticsTests.SuspiciousDesigns), MemberType = typeof(DiagnosticsTests))]
    public void Schemas_that_only_warn_are_valid(string why, string code, string markedSchema)
    {
        AssertValid(markedSchema.Replace("»", string.Empty), $"{why} ({code}): ");
    }

    [Theory]
    [InlineData("unknown root key", "versoin: 1\ntables: {}")]
    [InlineData("missing version", "tables:\n  agents:\n    columns:\n      id: id")]
    [InlineData("version is not a number", "version: one\ntables:\n  agents:\n    columns:\n      id: id")]
    [InlineData("unknown column key", "version: 1\ntables:\n  agents:\n    columns:\n      id: id\n      name: { type: text, nulable: true }")]
    [InlineData("upper-case table name", "version: 1\ntables:\n  Agents:\n    columns:\n      id: id")]
    [InlineData("reserved column name", "version: 1\ntables:\n  agents:\n    columns:\n      id: id\n      order: integer")]
    [InlineData("unknown referential action", "version: 1\ntables:\n  tasks:\n    columns:\n      id: id\n      agent_id: { type: bigint, references: agents, onDelete: explode }")]
    [InlineData("shape on a text column", "version: 1\ntables:\n  agents:\n    columns:\n      id: id\n      name: { type: text, shape: object }")]
    [InlineData("decimal without precision", "version: 1\ntables:\n  items:\n    columns:\n      id: id\n      price: { type: decimal, scale: 2 }")]
    [InlineData("maxLength on an integer", "version: 1\ntables:\n  items:\n    columns:\n      id: id\n      count: { type: integer, maxLength: 3 }")]
    [InlineData("precision beyond 18", "version: 1\ntables:\n  items:\n    columns:\n      id: id\n      price: { type: decimal, precision: 19 }")]
    [InlineData("enum type name with a dash", "version: 1\nenums:\n  agent_kind:\n    typeName: Agent-Kind\n    values: [a, b]\ntables:\n  agents:\n    columns:\n      id: id")]
    [InlineData("state machine without transitions", "version: 1\ntables:\n  tasks:\n    columns:\n      id: id\n    stateMachines:\n      status:\n        initial: [open]")]
    [InlineData("query with an unknown cardinality", "version: 1\ntables:\n  jobs:\n    columns:\n      id: id\nqueries:\n  all_jobs:\n    sql: SELECT * FROM jobs\n    result: jobs\n    cardinality: some")]
    [InlineData("query without sql", "version: 1\ntables:\n  jobs:\n    columns:\n      id: id\nqueries:\n  all_jobs:\n    result: jobs\n    cardinality: many")]
    public void Clearly_malformed_schemas_are_invalid(string why, string yaml)
    {
        var result = EditorSchema.Evaluate(ToJson(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.False(result.IsValid, $"{why}: the editor schema accepted it");
    }

    private static void AssertValid(string yaml, string label = "")
    {
        var result = EditorSchema.Evaluate(ToJson(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = result.Details.Where(d => d.HasErrors)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));

        Assert.True(result.IsValid, label + string.Join("\n", errors));
    }

    /// <summary>YAML to JSON as an editor sees it: plain scalars that read as numbers or booleans are typed.</summary>
    private static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            new System.Collections.Generic.KeyValuePair<string, JsonNode?>(((YamlScalarNode)pair.Key).Value!, Convert(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null")
        {
            return null;
        }

        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }
}
