using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AgentHive.Tests.Generator;

/// <summary>The Mermaid ER diagram and the Markdown document the generator compiles into the schema class.</summary>
public class SchemaDiagramTests
{
    // A nullable foreign key, a unique one (one-to-one), a self-reference, a junction table, a decimal and an enum.
    public const string GarageSchema = """
        schema: garage
        namespace: Garage
        version: 1
        description: Cars and where they are kept
        enums:
          car_state: [new, used]
        tables:
          owners:
            columns:
              id: id
              name: { type: text, description: Full name as "printed" on the papers. }
          cars:
            description: A car.
            columns:
              id: id
              owner_id: { type: bigint, nullable: true, references: owners, onDelete: setNull }
              replaces_car_id: { type: bigint, nullable: true, references: cars, onDelete: setNull }
              state: { type: car_state, default: new }
              price: { type: decimal, precision: 10, scale: 2, default: "0.00" }
              plate: { type: text, maxLength: 12, unique: true }
            indexes:
              - columns: [owner_id]
              - columns: [replaces_car_id]
          registrations:
            columns:
              id: id
              car_id: { type: bigint, references: cars, onDelete: cascade, unique: true }
              number: text
          garages:
            columns:
              id: id
              name: text
          garage_cars:
            primaryKey: [garage_id, car_id]
            columns:
              garage_id: { type: bigint, references: garages, onDelete: cascade }
              car_id: { type: bigint, references: cars, onDelete: cascade }
            indexes:
              - columns: [car_id]
        """;

    [Fact]
    public void Diagram_shows_types_keys_cardinality_optionality_self_references_and_junctions()
    {
        var diagram = Constant(GarageSchema, "Garage.GarageSchema", "Diagram");

        Assert.Equal(
            """
            erDiagram
                "owners" {
                    id id PK
                    text name "Full name as 'printed' on the papers."
                }
                "cars" {
                    id id PK
                    bigint owner_id FK "nullable"
                    bigint replaces_car_id FK "nullable"
                    car_state state
                    decimal_10_2 price
                    text_12 plate UK
                }
                "registrations" {
                    id id PK
                    bigint car_id FK, UK
                    text number
                }
                "garages" {
                    id id PK
                    text name
                }
                "garage_cars" {
                    bigint garage_id PK, FK
                    bigint car_id PK, FK
                }
                "owners" |o..o{ "cars" : "owner_id"
                "cars" |o..o{ "cars" : "replaces_car_id"
                "cars" ||..o| "registrations" : "car_id"
                "garages" ||--o{ "garage_cars" : "garage_id (M:N cars)"
                "cars" ||--o{ "garage_cars" : "car_id (M:N garages)"

            """.Replace("\r\n", "\n"),
            diagram);
    }

    [Fact]
    public void Document_embeds_the_diagram_and_lists_every_column_constraint_and_index()
    {
        var document = Constant(GarageSchema, "Garage.GarageSchema", "Documentation");
        var diagram = Constant(GarageSchema, "Garage.GarageSchema", "Diagram");

        Assert.Contains("```mermaid\n" + diagram + "```\n", document);
        Assert.Contains("- `garages` ↔ `cars` through `garage_cars` (`garage_id` / `car_id`)\n", document);
        Assert.Contains("| `price` | `decimal(10,2)` | no | `0.00` |  |\n", document);
        Assert.Contains("| `plate` | `text(12)` | no |  |  |\n", document);
        Assert.Contains("| `state` | `car_state` | no | `new` |  |\n", document);
        Assert.Contains("| `owner_id` | `bigint` | yes |  |  |\n", document);
        Assert.Contains("- foreign key `fk_cars_owner_id` (`owner_id`) references `owners` (`id`), on delete set null: many-to-one, optional\n", document);
        Assert.Contains("- foreign key `fk_cars_replaces_car_id` (`replaces_car_id`) references `cars` (`id`), on delete set null: many-to-one, optional, self-reference\n", document);
        Assert.Contains("- foreign key `fk_registrations_car_id` (`car_id`) references `cars` (`id`), on delete cascade: one-to-one, required\n", document);
        Assert.Contains("- foreign key `fk_garage_cars_garage_id` (`garage_id`) references `garages` (`id`), on delete cascade: many-to-one, required, junction to `cars`\n", document);
        Assert.Contains("- unique `uq_cars_plate` (`plate`)\n", document);
        Assert.Contains("- check `ck_cars_state` on `state`: `\"state\" IN ('new', 'used')`\n", document);
        Assert.Contains("- check `ck_cars_plate_length` on `plate`: `length(\"plate\") <= 12`\n", document);
        Assert.Contains("| `ix_garage_cars_car_id` | `car_id` |  |  |  |\n", document);
        Assert.Contains("| `car_state` | `new`, `used` |  |\n", document);
    }

    [Fact]
    public void Document_lists_state_machines_partial_and_covering_indexes_and_keeps_table_rows_intact()
    {
        var document = Constant(GoldenTests.SmallSchema, "Shop.ShopSchema", "Documentation");

        Assert.Contains("- state machine on `status` (enforced by triggers): initial `new`; final `shipped`, `cancelled`\n  - `new` → `paid`, `cancelled`\n  - `paid` → `shipped`, `cancelled`\n", document);
        Assert.Contains("| `ix_orders_open` | `placed_at` | `\"status\" IN ('new', 'paid')` | `customer_id`, `quantity` |  |\n", document);
        Assert.Contains("| `ix_orders_customer_status` | `customer_id`, `status`, `placed_at` desc |  |  |  |\n", document);
        Assert.Contains("| `ix_orders_note_lower` | `(lower(\"note\"))`, `placed_at` desc |  |  |  |\n", document);
        Assert.Contains("| `ix_orders_extra_first` | `extra $.first.sku` |  |  |  |\n", document);
        Assert.Contains("- check `ck_customers_profile_size`: SQLite `length(profile) < 10000`; PostgreSQL `pg_column_size(profile) < 10000`\n", document);
        Assert.Contains("- check `ck_customers_vip` on `vip`: SQLite `\"vip\" IN (0, 1)`; PostgreSQL by the column type\n", document);
        Assert.Contains("| `note` | `text` | yes |  | Free text, <b>escaped</b> in docs. |\n", document);
        foreach (var row in document.Split('\n').Where(l => l.StartsWith('|')))
        {
            Assert.EndsWith("|", row);
        }
    }

    [Fact]
    public void Names_Mermaid_reserves_and_descriptions_with_quotes_and_line_breaks_stay_valid()
    {
        var diagram = Constant(OddNamesSchema, "Odd.OddSchema", "Diagram");

        Assert.Contains("        text pk_ \"two lines with 'quotes', 50% and a \\ backslash\"\n", diagram);
        Assert.Contains("    \"one\" ||..o{ \"class\" : \"one_id\"\n", diagram);
    }

    // Mermaid keywords as table and column names; a description with quotes, a line break, '%' and a backslash.
    public const string OddNamesSchema = """
            schema: odd
            version: 1
            tables:
              one:
                columns:
                  id: id
                  pk: { type: text, description: "two\nlines with \"quotes\", 50% and a \\ backslash" }
              class:
                columns:
                  id: id
                  one_id: { type: bigint, references: one, onDelete: cascade }
                indexes:
                  - columns: [one_id]
            """;

    [Fact]
    public void Diagram_and_document_are_identical_across_runs()
    {
        Assert.Equal(
            GeneratorHarness.Run(GarageSchema).Sources["Garage.GarageSchema.Documentation.g.cs"],
            GeneratorHarness.Run(GarageSchema).Sources["Garage.GarageSchema.Documentation.g.cs"]);
    }

    /// <summary>A string constant of the generated code, read from the compilation.</summary>
    internal static string Constant(string schema, string typeName, string field)
    {
        var run = GeneratorHarness.Run(schema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationErrors);
        var symbol = run.Output.GetTypeByMetadataName(typeName)!.GetMembers(field).OfType<IFieldSymbol>().Single();
        return Assert.IsType<string>(symbol.ConstantValue);
    }
}
