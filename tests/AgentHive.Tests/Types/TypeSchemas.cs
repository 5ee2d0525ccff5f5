using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Model;
using AgentHive.Tests.Evolution;

namespace AgentHive.Tests.Types;

/// <summary>
/// A schema using every sized and canonical type (decimal, date, time, uuid, smallint, text with
/// maxLength), and a second version that changes each of them to and from other types.
/// </summary>
public static class TypeSchemas
{
    public const string Version1 = """
        schema: catalog
        namespace: Catalog
        version: 1
        tables:
          products:
            columns:
              id: id
              code: { type: uuid, default: random }
              name: { type: text, maxLength: 12 }
              price: { type: decimal, precision: 10, scale: 2, min: 0, max: 99999999.99, default: 0.50 }
              weight: { type: decimal, precision: 6, scale: 3, nullable: true }
              balance: { type: decimal, precision: 8, scale: 2, nullable: true }
              stock: { type: smallint, default: 0, min: -100 }
              quantity: { type: integer, default: 1 }
              released_on: { type: date, default: "2024-01-31" }
              opens_at: { type: time, nullable: true, default: "09:30" }
              legacy_price: { type: real, nullable: true }
              legacy_day: { type: text, nullable: true }
              legacy_code: { type: text, nullable: true }
              closes_at: { type: time, nullable: true }
              ends_on: { type: date, nullable: true }
            indexes:
              - name: ix_products_price
                columns: [price]
          product_links:
            primaryKey: [product_code, label]
            columns:
              product_code: { type: uuid }
              label: { type: text, maxLength: 5 }
        """;

    public const string Version2 = """
        schema: catalog
        namespace: Catalog
        version: 2
        allowDataLoss:
          up: [products.name, products.weight, products.quantity, products.legacy_price, products.legacy_day, products.legacy_code]
          down: [products.ref, products.day]
        tables:
          products:
            columns:
              id: id
              code: { type: uuid, default: random }
              name: { type: text, maxLength: 4 }
              price: { type: decimal, precision: 12, scale: 3, min: 0, max: 99999999.999, default: 0.50 }
              weight: { type: decimal, precision: 6, scale: 1, nullable: true }
              balance: { type: text, nullable: true }
              stock: { type: integer, default: 0, min: -100 }
              quantity: { type: smallint, default: 1 }
              released_on: { type: date, default: "2024-01-31" }
              opens_at: { type: time, nullable: true, default: "09:30" }
              legacy_price: { type: decimal, precision: 8, scale: 2, nullable: true }
              legacy_day: { type: date, nullable: true }
              legacy_code: { type: uuid, nullable: true }
              ref: { type: uuid, default: random }
              day: { type: date, default: "2024-06-01" }
              closes_at: { type: text, nullable: true }
              ends_on: { type: text, nullable: true }
            indexes:
              - name: ix_products_price
                columns: [price]
          product_links:
            primaryKey: [product_code, label]
            columns:
              product_code: { type: uuid }
              label: { type: text, maxLength: 9 }
        """;

    public static SchemaModel Current => HistoryPipeline.Run(EvolutionSchemas.History(Version1)).Model?.Current
        ?? throw new System.InvalidOperationException("the types schema does not compile");

    /// <summary>Both versions as the build sees them, version 1 frozen with its checksums.</summary>
    public static HistoryModel TwoVersions()
    {
        var result = HistoryPipeline.Run(EvolutionSchemas.History(Version2,
            ("/project/history/schema.v1.yaml", Version1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(Version1))));
        return result.Model ?? throw new System.InvalidOperationException(string.Join("\n", result.Diagnostics.Select(d => $"{d.Id} {d.Location}: {d.Message}")));
    }
}
