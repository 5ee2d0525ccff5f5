using FluentMigrator.Runner.VersionTableInfo;

namespace AgentHive.Runtime.Migrations;

/// <summary>Where applied schema versions are recorded: one row per version, in our naming style.</summary>
public sealed class AgentHiveVersionTable : IVersionTableMetaData
{
    /// <summary>Creates the description of the table in <paramref name="schemaName"/>.</summary>
    /// <param name="schemaName">
    /// The PostgreSQL schema that holds our other tables; empty on SQLite. FluentMigrator reads an empty
    /// name as <c>public</c> on PostgreSQL, whatever the search path says.
    /// </param>
    public AgentHiveVersionTable(string schemaName = "") => SchemaName = schemaName;

    /// <summary>The history table's name.</summary>
    public const string Table = "agenthive_schema_versions";

    /// <inheritdoc/>
    public bool OwnsSchema => false;

    /// <inheritdoc/>
    public string SchemaName { get; }

    /// <inheritdoc/>
    public string TableName => Table;

    /// <inheritdoc/>
    public string ColumnName => "version";

    /// <inheritdoc/>
    public string DescriptionColumnName => "description";

    /// <inheritdoc/>
    public string UniqueIndexName => "uq_agenthive_schema_versions_version";

    /// <inheritdoc/>
    public string AppliedOnColumnName => "applied_on";

    /// <inheritdoc/>
    public bool CreateWithPrimaryKey => false;
}
