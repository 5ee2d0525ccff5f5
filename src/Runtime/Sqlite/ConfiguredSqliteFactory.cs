using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace AgentHive.Runtime.Sqlite;

/// <summary>
/// A provider factory whose connections apply <see cref="SqliteConnectionSetup"/> as soon as they open,
/// so connections that FluentMigrator opens get the same pragmas as ours.
/// </summary>
public sealed class ConfiguredSqliteFactory : DbProviderFactory
{
    private readonly int _busyTimeoutSeconds;

    /// <summary>Creates the factory.</summary>
    public ConfiguredSqliteFactory(int busyTimeoutSeconds) => _busyTimeoutSeconds = busyTimeoutSeconds;

    /// <inheritdoc/>
    public override DbConnection CreateConnection()
    {
        var connection = new SqliteConnection();
        connection.StateChange += (sender, e) => SqliteConnectionSetup.ApplyOnOpen(sender, e, _busyTimeoutSeconds);
        return connection;
    }

    /// <inheritdoc/>
    public override DbCommand CreateCommand() => SqliteFactory.Instance.CreateCommand();

    /// <inheritdoc/>
    public override DbParameter CreateParameter() => SqliteFactory.Instance.CreateParameter();

    /// <inheritdoc/>
    public override DbConnectionStringBuilder CreateConnectionStringBuilder() => SqliteFactory.Instance.CreateConnectionStringBuilder();
}
