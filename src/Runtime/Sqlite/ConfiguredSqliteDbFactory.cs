using System;
using System.Data.Common;
using FluentMigrator.Runner.Processors.SQLite;

namespace AgentHive.Runtime.Sqlite;

/// <summary>
/// Hands FluentMigrator's SQLite processor connections that carry our pragmas, with foreign keys off:
/// the generated migrations rebuild tables and check every foreign key themselves before committing.
/// </summary>
internal sealed class ConfiguredSqliteDbFactory : SQLiteDbFactory
{
    private readonly ConfiguredSqliteFactory _factory;

    public ConfiguredSqliteDbFactory(IServiceProvider services, int busyTimeoutSeconds)
        : base(services) => _factory = new ConfiguredSqliteFactory(busyTimeoutSeconds, foreignKeys: false);

    public override DbProviderFactory Factory => _factory;
}
