using System.Linq;
using AgentHive.Tests.Generator;
using Xunit;

namespace AgentHive.Tests.Types;

public class TypeGoldenTests
{
    [Fact]
    public void Generated_sources_for_sized_and_canonical_types_match_golden_files()
    {
        var run = GeneratorHarness.Run(TypeSchemas.Version1);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Equal(
            new[]
            {
                "Catalog.CatalogDatabase.g.cs", "Catalog.CatalogSchema.Documentation.g.cs", "Catalog.CatalogSchema.Project.g.cs", "Catalog.CatalogSchema.g.cs",
                "Catalog.Data.ProductLinkTable.g.cs", "Catalog.Data.ProductTable.g.cs", "Catalog.Entities.Product.g.cs", "Catalog.Entities.ProductLink.g.cs",
                "Catalog.Migrations.SchemaVersion0001.g.cs",
            },
            run.Sources.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        foreach (var (hint, text) in run.Sources)
        {
            Golden.Match(hint.Replace(".g.cs", ".txt"), text);
        }
    }
}
