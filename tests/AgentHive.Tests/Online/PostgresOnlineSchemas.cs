using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Reflection;
using AgentHive.Tests.Evolution;
using AgentHive.Tests.Generator;

namespace AgentHive.Tests.Online;

/// <summary>
/// A small schema whose version 2 makes one kind of change to a populated table, compiled with version 1
/// frozen, the way an app ships its second version.
/// </summary>
internal static class PostgresOnlineSchemas
{
    public const string Version1 = """
        schema: online
        namespace: OnlineShop
        version: 1
        tables:
          accounts:
            columns:
              id: id
              name: text
          items:
            columns:
              id: id
              account_id: bigint
              name: text
              qty: integer
              note: { type: text, nullable: true }
        """;

    /// <summary>Version 2 of each kind of change, as the text it replaces in version 1.</summary>
    public static readonly (string Kind, string Find, string Replace)[] Changes =
    {
        ("add column", "note: { type: text, nullable: true }", "note: { type: text, nullable: true }\n      label: { type: text, nullable: true, backfill: \"'item-' || name\" }"),
        ("add index", "note: { type: text, nullable: true }", "note: { type: text, nullable: true }\n    indexes:\n      - name: ix_items_qty\n        columns: [qty]"),
        ("add foreign key", "account_id: bigint", "account_id: { type: bigint, references: accounts, onDelete: cascade }"),
        ("add check", "qty: integer", "qty: { type: integer, min: 0 }"),
        ("set not null", "note: { type: text, nullable: true }", "note: { type: text, backfill: \"'none'\" }"),
        ("widen type", "qty: integer", "qty: bigint"),
    };

    private static readonly ConcurrentDictionary<string, Assembly> Builds = new();

    public static string Version2(string kind)
    {
        var (_, find, replace) = Changes.Single(c => c.Kind == kind);
        return Version1.Replace("version: 1", "version: 2").Replace(find, replace);
    }

    /// <summary>The app as it ships version 1 (<see cref="Version1"/> unless given) alone.</summary>
    public static Assembly BuildVersion1(string version1 = Version1) => Builds.GetOrAdd(version1, v1 => GeneratorHarness.CompileApp(v1));

    /// <summary>The app as it ships <paramref name="version2"/>, with <paramref name="version1"/> frozen.</summary>
    public static Assembly BuildVersion2(string version2, string version1 = Version1) =>
        Builds.GetOrAdd(version2, v2 => GeneratorHarness.CompileApp(v2,
            ("/project/history/schema.v1.yaml", version1),
            ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(version1))));
}
