using System;
using System.Data.Common;
using FluentMigrator.Runner.Processors.SQLite;

namespace AgentHive.Runtime.Sqlite;

/// <summary>Hands FluentMigrator's SQLite processor connections that carry our pragmas.</summary>
internal sealed class ConfiguredSqliteDbFactory : SQLiteDbFactory
{
    private readonly ConfiguredSqliteFactory _factory;

    public ConfiguredSqliteDbFactory(IServiceProvider services, int busyTimeoutSeconds)
        : base(services) => _factory = new ConfiguredSqliteFactory(busyTimeoutSeconds);

    public override DbProviderFactory Factory => _factory;
}
