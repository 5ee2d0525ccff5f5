using System.Globalization;
using System.Text;

namespace AgentHive.Benchmarks;

/// <summary>A schema of many tables shaped like real ones: keys, foreign keys, enums with a state machine, defaults, indexes.</summary>
public static class LargeSchema
{
    public static string Yaml(int tables)
    {
        var yaml = new StringBuilder("schema: large\nversion: 1\nenums:\n  item_state: [draft, active, done, archived]\ntables:\n");
        for (var t = 0; t < tables; t++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"table_{t:D3}");
            yaml.Append(CultureInfo.InvariantCulture, $"""
                  {name}:
                    description: Table {t} of a generated schema.
                    columns:
                      id: id
                      name: {"{"} type: text, unique: true {"}"}
                      state: {"{"} type: item_state, default: draft {"}"}
                      amount: {"{"} type: real, default: 0, min: 0, max: 1000000 {"}"}
                      counter: {"{"} type: integer, default: 0 {"}"}
                      payload: {"{"} type: json, nullable: true {"}"}
                      created_at: {"{"} type: timestamp, default: now {"}"}
                      updated_at: {"{"} type: timestamp, default: now, autoUpdate: true {"}"}

                """);
            if (t > 0)
            {
                yaml.Append(CultureInfo.InvariantCulture,
                    $"      parent_id: {{ type: bigint, nullable: true, references: table_{t / 2:D3}, onDelete: setNull }}\n");
            }

            yaml.Append("    indexes:\n      - columns: [state, created_at]\n");
            if (t > 0)
            {
                yaml.Append("      - columns: [parent_id]\n");
            }

            yaml.Append("    stateMachines:\n      state:\n        initial: [draft]\n        transitions:\n          draft: [active]\n          active: [done]\n          done: [archived]\n");
        }

        return yaml.ToString();
    }
}
