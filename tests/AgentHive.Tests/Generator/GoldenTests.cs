using System.Linq;
using Xunit;

namespace AgentHive.Tests.Generator;

public class GoldenTests
{
    // Small, but it uses every construct the generator has: enum with default, id and composite keys,
    // self-reference, cascades, nullable, ranges, JSON, boolean, timestamp default, unique, descending index, queries.
    public const string SmallSchema = """
        schema: shop
        namespace: Shop
        version: 1
        description: Small shop
        enums:
          order_status: [new, paid, shipped, cancelled]
        tables:
          customers:
            columns:
              id: id
              email: { type: text, unique: true }
              vip: { type: boolean, default: false }
              profile: { type: json, default: "{}", shape: object, requiredKeys: [locale] }
              updated_at: { type: timestamp, default: now, autoUpdate: true }
            checks:
              - expression: length(email) > 3 AND email LIKE '%@%'
              - name: ck_customers_profile_size
                sqlite: length(profile) < 10000
                postgres: pg_column_size(profile) < 10000
          orders:
            description: A customer's order.
            columns:
              id: id
              customer_id: { type: bigint, references: customers, onDelete: cascade }
              replaces_order_id: { type: bigint, nullable: true, references: orders, onDelete: setNull }
              status: { type: order_status, default: new }
              quantity: { type: integer, default: 1, min: 1, max: 100 }
              discount: { type: real, nullable: true, min: 0, max: 0.5 }
              note: { type: text, nullable: true, description: "Free text, <b>escaped</b> in docs." }
              placed_at: { type: timestamp, default: now }
              receipt: { type: blob, nullable: true }
              extra: { type: json, nullable: true, shape: array }
            stateMachines:
              status:
                initial: [new]
                terminal: [shipped, cancelled]
                transitions:
                  new: [paid, cancelled]
                  paid: [shipped, cancelled]
            indexes:
              - name: ix_orders_customer_status
                columns: [customer_id, status, placed_at desc]
              - columns: [replaces_order_id]
              - name: ix_orders_open
                columns: [placed_at]
                where: status IN ('new', 'paid')
                include: [customer_id, quantity]
              - name: ix_orders_note_lower
                columns: [{ expression: lower(note) }, { column: placed_at, order: desc }]
              - name: ix_orders_extra_first
                columns: [{ json: extra, path: first.sku }]
          order_tags:
            primaryKey: [order_id, tag]
            columns:
              order_id: { type: bigint, references: orders, onDelete: cascade }
              tag: text
        queries:
          open_orders_of_customer:
            description: A customer's unshipped orders, newest first.
            sql: |
              SELECT * FROM orders
              WHERE customer_id = @customer_id AND status IN ('new', 'paid')
              ORDER BY placed_at DESC
            parameters:
              customer_id: orders.customer_id
            result: orders
            cardinality: many
            uses: [ix_orders_customer_status]
            mustNotScan: [orders]
          order_counts:
            sql: SELECT status, count(*) AS n FROM orders WHERE placed_at >= @since GROUP BY status
            postgres: SELECT status, count(*) AS n FROM orders WHERE placed_at >= @since::timestamptz GROUP BY status
            parameters:
              since: timestamp
            result: { columns: { status: orders.status, n: bigint } }
            cardinality: many
        """;

    [Fact]
    public void Generated_sources_match_golden_files()
    {
        var run = GeneratorHarness.Run(SmallSchema);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Equal(
            new[]
            {
                "Shop.Data.CustomerTable.g.cs", "Shop.Data.OrderTable.g.cs", "Shop.Data.OrderTagTable.g.cs",
                "Shop.Entities.Customer.g.cs", "Shop.Entities.Order.g.cs", "Shop.Entities.OrderStatus.g.cs", "Shop.Entities.OrderStatusTransitions.g.cs",
                "Shop.Entities.OrderTag.g.cs",
                "Shop.Migrations.SchemaVersion0001.g.cs", "Shop.ShopDatabase.QueryResults.g.cs", "Shop.ShopDatabase.g.cs", "Shop.ShopSchema.Documentation.g.cs",
                "Shop.ShopSchema.Project.g.cs", "Shop.ShopSchema.g.cs",
            },
            run.Sources.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        foreach (var (hint, text) in run.Sources)
        {
            Golden.Match(hint.Replace(".g.cs", ".txt"), text);
        }
    }

    [Fact]
    public void TypeName_renames_the_enum_its_helper_class_and_every_use_and_nothing_else()
    {
        var renamedSchema = SmallSchema.Replace(
            "  order_status: [new, paid, shipped, cancelled]\n",
            "  order_status:\n    typeName: ShopOrderStatus\n    values: [new, paid, shipped, cancelled]\n");
        const string UserCode = """
            using Shop.Entities;
            namespace User;
            public static class Uses
            {
                public static string Paid() => ShopOrderStatus.Paid.ToDbValue();
                public static bool Ships() => OrderStatusTransitions.CanTransition(ShopOrderStatus.New, ShopOrderStatus.Paid);
            }
            """;

        var original = GeneratorHarness.Run(SmallSchema).Sources;
        var renamed = GeneratorHarness.Run(renamedSchema, UserCode);

        Assert.Empty(renamed.GeneratorDiagnostics);
        Assert.Empty(renamed.CompilationErrors);
        var expected = original.ToDictionary(
            pair => pair.Key.Replace(".OrderStatus.g.cs", ".ShopOrderStatus.g.cs"),
            pair => System.Text.RegularExpressions.Regex.Replace(pair.Value, @"\bOrderStatus(Extensions)?\b", "ShopOrderStatus$1"));
        Assert.Equal(expected.Keys.OrderBy(k => k, System.StringComparer.Ordinal), renamed.Sources.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        foreach (var (hint, text) in renamed.Sources)
        {
            Assert.Equal(expected[hint], text);
        }

        Assert.Contains("public enum ShopOrderStatus", renamed.Sources["Shop.Entities.ShopOrderStatus.g.cs"]);
        Assert.Contains("public static class ShopOrderStatusExtensions", renamed.Sources["Shop.Entities.ShopOrderStatus.g.cs"]);
    }

    [Fact]
    public void Output_is_identical_across_runs()
    {
        var first = GeneratorHarness.Run(SmallSchema).Sources;
        var second = GeneratorHarness.Run(SmallSchema).Sources;

        Assert.Equal(first, second);
    }

    [Fact]
    public void Migrations_are_not_emitted_without_FluentMigrator()
    {
        // A project that only wants entities and DDL does not need FluentMigrator.
        var driver = GeneratorHarness.CreateDriver(SmallSchema);
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("NoMigrator",
            references: new[] { Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
        var result = driver.RunGenerators(compilation).GetRunResult();

        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();
        Assert.Contains("Shop.ShopSchema.g.cs", hints);
        Assert.DoesNotContain(hints, h => h.Contains("Migrations"));
        // Nor AgentHive.Runtime: no data access, which builds on it.
        Assert.DoesNotContain(hints, h => h.Contains(".Data.") || h.Contains("Database"));
    }
}
