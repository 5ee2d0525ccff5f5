using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using AgentHive.Runtime.Configuration;

namespace AgentHive.Runtime.Deployment;

/// <summary>One version as this build generated it: its SQL per backend and the checksums of that SQL.</summary>
/// <param name="Version">The schema version.</param>
/// <param name="Description">What the version does.</param>
/// <param name="Checksums">SHA-256 of the version's Up and Down SQL, by backend.</param>
/// <param name="Up">The version's Up statements, by backend.</param>
/// <param name="Record">The statements that record the version in agenthive_schema_history, by backend.</param>
public sealed record BuiltMigration(
    long Version,
    string Description,
    IReadOnlyDictionary<DatabaseProvider, string> Checksums,
    IReadOnlyDictionary<DatabaseProvider, IReadOnlyList<string>> Up,
    IReadOnlyDictionary<DatabaseProvider, IReadOnlyList<string>> Record)
{
    /// <summary>PostgreSQL steps that run after the version's transaction commits, one at a time (empty for most versions).</summary>
    public IReadOnlyList<string> PostgresOnlineUp { get; init; } = Array.Empty<string>();
}

/// <summary>Reads the generated migrations of an assembly (their members follow the generator's naming).</summary>
public static class BuiltMigrations
{
    /// <summary>Every generated migration in <paramref name="assembly"/>, oldest first.</summary>
    public static IReadOnlyList<BuiltMigration> Load(Assembly assembly) =>
        assembly.GetTypes()
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<FluentMigrator.MigrationAttribute>()))
            .Where(m => m.Attribute is not null && m.Type.GetField("SqliteChecksum") is not null)
            .Select(m => new BuiltMigration(
                m.Attribute!.Version,
                m.Attribute.Description ?? string.Empty,
                new Dictionary<DatabaseProvider, string>
                {
                    [DatabaseProvider.Sqlite] = Constant(m.Type, "SqliteChecksum"),
                    [DatabaseProvider.Postgres] = Constant(m.Type, "PostgresChecksum"),
                },
                new Dictionary<DatabaseProvider, IReadOnlyList<string>>
                {
                    [DatabaseProvider.Sqlite] = Statements(m.Type, "SqliteUp"),
                    [DatabaseProvider.Postgres] = Statements(m.Type, "PostgresUp"),
                },
                new Dictionary<DatabaseProvider, IReadOnlyList<string>>
                {
                    [DatabaseProvider.Sqlite] = Statements(m.Type, "SqliteRecordUp"),
                    [DatabaseProvider.Postgres] = Statements(m.Type, "PostgresRecordUp"),
                })
            {
                // Migrations generated before online steps existed have none.
                PostgresOnlineUp = m.Type.GetProperty("PostgresOnlineUp", BindingFlags.Public | BindingFlags.Static) is null
                    ? Array.Empty<string>()
                    : Statements(m.Type, "PostgresOnlineUp"),
            })
            .OrderBy(m => m.Version)
            .ToList();

    /// <summary>A name for the lock that serializes deployers of this schema: its migrations' namespace.</summary>
    public static string SchemaIdentity(Assembly assembly) =>
        assembly.GetTypes().FirstOrDefault(t => t.GetCustomAttribute<FluentMigrator.MigrationAttribute>() is not null)?.Namespace
        ?? assembly.GetName().Name!;

    private static string Constant(Type type, string name) => (string)type.GetField(name)!.GetValue(null)!;

    private static IReadOnlyList<string> Statements(Type type, string name) =>
        (IReadOnlyList<string>)(type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? throw new InvalidOperationException($"{type.FullName} has no {name}; regenerate it with this version of AgentHive.Generator."));
}
