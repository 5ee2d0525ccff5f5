namespace AgentHive.Generator.Model;

/// <summary>The current schema and one migration plan per version, oldest first.</summary>
public sealed record HistoryModel(SchemaModel Current, EquatableArray<VersionPlan> Versions);

/// <summary>
/// The SQL that takes a database from the previous version to <see cref="Version"/> (Up) and back (Down)
/// on each backend, with checksums that pin a frozen version's SQL for good. <see cref="DownGuards"/> are
/// queries, the same on both backends, that Down runs first: each returns a message when rows block it.
/// <see cref="PostgresOnlineUp"/> are PostgreSQL steps Up runs after its transaction commits, one at a time.
/// </summary>
public sealed record VersionPlan(
    int Version,
    string Description,
    bool Frozen,
    EquatableArray<string> SqliteUp,
    EquatableArray<string> SqliteDown,
    EquatableArray<string> PostgresUp,
    EquatableArray<string> PostgresDown,
    string SqliteChecksum,
    string PostgresChecksum,
    EquatableArray<string> DownCannotRestore,
    EquatableArray<string> DownGuards = default,
    EquatableArray<string> PostgresOnlineUp = default);
