using System.Linq;
using AgentHive.Generator;
using AgentHive.Tests.Evolution;
using AgentHive.Tests.Generator;
using Xunit;

namespace AgentHive.Tests.Types;

/// <summary>Sizes, options and defaults that do not fit a type fail the build where they are written; narrowing one is data loss.</summary>
public class TypeDiagnosticsTests
{
    public static TheoryData<string, string, string> BadSchemas => new()
    {
        { "decimal without precision", "AH0045", Column("price: { type: »decimal, scale: 2 }") },
        { "precision beyond 18 digits", "AH0045", Column("price: { type: decimal, precision: »19 }") },
        { "precision zero", "AH0045", Column("price: { type: decimal, precision: »0 }") },
        { "scale greater than precision", "AH0045", Column("price: { type: decimal, precision: 4, scale: »5 }") },
        { "negative scale", "AH0045", Column("price: { type: decimal, precision: 4, scale: »-1 }") },
        { "maxLength zero", "AH0045", Column("name: { type: text, maxLength: »0 }") },
        { "maxLength not a number", "AH0045", Column("name: { type: text, maxLength: »ten }") },
        { "maxLength on an integer", "AH0031", Column("count: { type: integer, maxLength: »10 }") },
        { "precision on a real", "AH0031", Column("ratio: { type: real, precision: »10 }") },
        { "scale on text", "AH0031", Column("name: { type: text, scale: »2 }") },
        { "decimal default with too many places", "AH0020", Column("price: { type: decimal, precision: 6, scale: 2, default: »1.005 }") },
        { "decimal default too large", "AH0020", Column("price: { type: decimal, precision: 4, scale: 2, default: »100 }") },
        { "decimal max beyond precision", "AH0022", Column("price: { type: decimal, precision: 4, scale: 2, max: »100 }") },
        { "text default longer than maxLength", "AH0020", Column("name: { type: text, maxLength: 3, default: »four }") },
        { "impossible date default", "AH0020", Column("day: { type: date, default: »\"2024-02-30\" }") },
        { "date default in another form", "AH0020", Column("day: { type: date, default: »31/01/2024 }") },
        { "time default out of range", "AH0020", Column("at: { type: time, default: »\"24:00\" }") },
        { "uuid default that is no uuid", "AH0020", Column("code: { type: uuid, default: »new }") },
        { "smallint default out of range", "AH0020", Column("n: { type: smallint, default: »40000 }") },
        { "smallint min out of range", "AH0022", Column("n: { type: smallint, min: »-40000 }") },
    };

    [Theory]
    [MemberData(nameof(BadSchemas))]
    public void Bad_type_option_reports_code_at_position(string why, string code, string markedSchema) =>
        new DiagnosticsTests().Bad_schema_reports_code_at_position(why, code, markedSchema);

    [Theory]
    [InlineData("name: { type: text, maxLength: 12 }", "name: { type: text, maxLength: 4 }", "from text (maxLength 12) to text (maxLength 4)")]
    [InlineData("name: { type: text, maxLength: 12 }", "name: { type: integer }", "from text (maxLength 12) to integer")]
    [InlineData("note: { type: text, nullable: true }", "note: { type: text, nullable: true, maxLength: 100 }", "from text to text (maxLength 100)")]
    [InlineData("price: { type: decimal, precision: 10, scale: 2 }", "price: { type: decimal, precision: 10, scale: 1 }", "from decimal(10,2) to decimal(10,1)")]
    [InlineData("price: { type: decimal, precision: 10, scale: 2 }", "price: { type: decimal, precision: 9, scale: 2 }", "from decimal(10,2) to decimal(9,2)")]
    [InlineData("price: { type: decimal, precision: 10, scale: 2 }", "price: { type: real }", "from decimal(10,2) to real")]
    [InlineData("count: { type: integer }", "count: { type: smallint }", "from integer to smallint")]
    [InlineData("count: { type: integer }", "count: { type: decimal, precision: 9 }", "from integer to decimal(9,0)")]
    [InlineData("note: { type: text, nullable: true }", "note: { type: date, nullable: true }", "from text to date")]
    public void Narrowing_a_type_is_data_loss(string before, string after, string message)
    {
        var match = Assert.Single(Upgrade(before, after), d => d.Id == "AH0054");

        Assert.Contains(message, match.GetMessage());
    }

    [Theory]
    [InlineData("name: { type: text, maxLength: 12 }", "name: { type: text, maxLength: 20 }")]
    [InlineData("name: { type: text, maxLength: 12 }", "name: text")]
    [InlineData("price: { type: decimal, precision: 10, scale: 2 }", "price: { type: decimal, precision: 12, scale: 3 }")]
    [InlineData("price: { type: decimal, precision: 10, scale: 2 }", "price: text")]
    [InlineData("count: { type: smallint }", "count: { type: integer }")]
    [InlineData("count: { type: integer }", "count: { type: decimal, precision: 12, scale: 2 }")]
    [InlineData("day: { type: date }", "day: text")]
    [InlineData("code: { type: uuid }", "code: text")]
    public void Widening_a_type_builds_cleanly(string before, string after)
    {
        // Only the online-migration lint may speak (a rebuild or a rewrite, see OnlineLintTests): no data-loss error.
        Assert.DoesNotContain(Upgrade(before, after), d => !Generator.OnlineLintTests.Codes.Contains(d.Id));
    }

    private static System.Collections.Generic.IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic> Upgrade(string before, string after)
    {
        var v1 = $"version: 1\ntables:\n  items:\n    columns:\n      id: id\n      {before}\n";
        var v2 = v1.Replace("version: 1", "version: 2").Replace(before, after);
        var run = GeneratorHarness.Run(v2, ("/project/history/schema.v1.yaml", v1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(v1)));
        return run.GeneratorDiagnostics;
    }

    private static string Column(string line) => $"""
        version: 1
        tables:
          items:
            columns:
              id: id
              {line}
        """;
}
