namespace AgentHive.Runtime.Migrations;

/// <summary>One schema version and whether the database has it.</summary>
/// <param name="Version">The schema version.</param>
/// <param name="Description">What the version does.</param>
/// <param name="Applied">True when the database records the version as applied.</param>
/// <param name="InThisBuild">False for a version the database records but this build does not carry (a newer build applied it).</param>
public sealed record MigrationState(long Version, string Description, bool Applied, bool InThisBuild = true);

/// <summary>A version that was applied or reverted, and how long it took.</summary>
/// <param name="Version">The schema version.</param>
/// <param name="Description">What the version does.</param>
/// <param name="Elapsed">Time taken.</param>
public sealed record MigrationStep(long Version, string Description, System.TimeSpan Elapsed);
