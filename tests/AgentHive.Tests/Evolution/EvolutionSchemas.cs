using System.Collections.Immutable;
using System.Linq;
using AgentHive.Generator;
using AgentHive.Generator.Model;

namespace AgentHive.Tests.Evolution;

/// <summary>
/// A two-version schema whose second version makes every kind of change the evolution engine supports,
/// on tables that hold cascade children and self-references. Going down, <c>customers.vip</c> (NOT NULL
/// again) and <c>orders.status</c> (without 'delivered') declare a way back; <c>customers.score</c>
/// (bigint back to integer) declares 'refuse', so its out-of-range rows block the downgrade.
/// </summary>
public static class EvolutionSchemas
{
    public const string Version1 = """
        schema: store
        namespace: Store
        version: 1
        enums:
          order_status: [new, paid, shipped, returned, cancelled]
        tables:
          customers:
            columns:
              id: id
              email: { type: text, unique: true }
              vip: { type: boolean, default: false }
              country: { type: text, nullable: true }
              score: { type: integer, default: 0 }
            checks:
              - name: ck_customers_email_length
                expression: length(email) > 3
          orders:
            columns:
              id: id
              customer_id: { type: bigint, references: customers, onDelete: cascade }
              replaces_order_id: { type: bigint, nullable: true, references: orders, onDelete: setNull }
              status: { type: order_status, default: new }
              quantity: { type: integer, default: 1, min: 1, max: 100 }
              note: { type: text, nullable: true }
              placed_at: { type: timestamp, default: now }
              updated_at: { type: timestamp, default: now, autoUpdate: true }
            stateMachines:
              status:
                initial: [new]
                transitions:
                  new: [paid, cancelled]
                  paid: [shipped, cancelled]
                  shipped: [returned]
            indexes:
              - name: ix_orders_customer_id
                columns: [customer_id]
              - name: ix_orders_replaces_order_id
                columns: [replaces_order_id]
              - name: ix_orders_open
                columns: [placed_at]
                where: status = 'new'
              - name: ix_orders_note
                columns: [note]
          order_tags:
            primaryKey: [order_id, tag]
            columns:
              order_id: { type: bigint, references: orders, onDelete: cascade }
              tag: text
          legacy_notes:
            columns:
              id: id
              body: text
        """;

    public const string Version2 = """
        schema: store
        namespace: Store
        version: 2
        description: Every kind of change
        allowDataLoss:
          up: [legacy_notes, orders.note]
        steps:
          - name: count_vip
            phase: after
            sql: UPDATE customers SET score = score + 100 WHERE vip = TRUE
        enums:
          order_status:
            values: [created, paid, shipped, delivered, cancelled]
            valueMap: { new: created, returned: cancelled }
          channel: [web, phone]
        tables:
          customers:
            columns:
              id: id
              email: { type: text }
              vip: { type: boolean, nullable: true, default: false, downBackfill: "FALSE" }
              country: { type: text, backfill: "'unknown'" }
              score: { type: bigint, default: 10, downBackfill: refuse }
              nickname: { type: text, nullable: true, unique: true }
              tier: { type: text, backfill: "CASE WHEN vip THEN 'gold' ELSE 'basic' END" }
              referred_by_id: { type: bigint, nullable: true, references: customers, onDelete: setNull }
            checks:
              - name: ck_customers_email_at
                expression: email LIKE '%@%'
            indexes:
              - name: ix_customers_referred_by_id
                columns: [referred_by_id]
              - name: ix_customers_email
                columns: [email]
          orders:
            columns:
              id: id
              customer_id: { type: bigint, references: customers, onDelete: cascade }
              replaces_order_id: { type: bigint, nullable: true, references: orders, onDelete: setNull }
              status: { type: order_status, default: created, downBackfill: "'shipped'" }
              item_count: { type: integer, default: 2, min: 1, max: 1000, renamedFrom: quantity }
              channel: { type: channel, default: web }
              placed_at: { type: timestamp, default: now }
              updated_at: { type: timestamp, default: now, autoUpdate: true }
            stateMachines:
              status:
                initial: [created]
                transitions:
                  created: [paid, cancelled]
                  paid: [shipped, cancelled]
                  shipped: [delivered, cancelled]
            unique:
              - name: uq_orders_customer_placed
                columns: [customer_id, placed_at]
            indexes:
              - name: ix_orders_replaces_order_id
                columns: [replaces_order_id]
              - name: ix_orders_open
                columns: [placed_at]
                where: status IN ('created', 'paid')
          order_labels:
            renamedFrom: order_tags
            primaryKey: [order_id, tag]
            columns:
              order_id: { type: bigint, references: orders, onDelete: cascade }
              tag: text
          reviews:
            columns:
              id: id
              order_id: { type: bigint, references: orders, onDelete: cascade }
              stars: { type: integer, min: 1, max: 5 }
            indexes:
              - columns: [order_id]
        """;

    public static ImmutableArray<SchemaSource> History(string current, params (string Path, string Text)[] frozen) =>
        frozen.Select(f => new SchemaSource(f.Path, f.Text)).Append(new SchemaSource("/project/schema.yaml", current)).ToImmutableArray();

    /// <summary>The two-version history as the build sees it, with version 1 frozen and its checksums recorded.</summary>
    public static HistoryModel TwoVersions(string version2 = Version2)
    {
        var result = HistoryPipeline.Run(History(version2, ("/project/history/schema.v1.yaml", Version1), ("/project/history/schema.checksums", ChecksumsOf(Version1))));
        return result.Model ?? throw new System.InvalidOperationException(string.Join("\n", result.Diagnostics.Select(d => $"{d.Id} {d.Location}: {d.Message}")));
    }

    /// <summary>The checksum file 'schema freeze' would write for a single-version schema.</summary>
    public static string ChecksumsOf(string schema)
    {
        var plan = HistoryPipeline.Run(History(schema)).Model!.Versions.Single();
        return $"{plan.Version} sqlite {plan.SqliteChecksum}\n{plan.Version} postgres {plan.PostgresChecksum}\n";
    }
}
