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
    private readonly bool _foreignKeys;

    /// <summary>Creates the factory.</summary>
    /// <param name="busyTimeoutSeconds">How long connections wait for a lock.</param>
    /// <param name="foreignKeys">Whether connections enforce foreign keys (off only for the migrator).</param>
    public ConfiguredSqliteFactory(int busyTimeoutSeconds, bool foreignKeys = true)
    {
        _busyTimeoutSeconds = busyTimeoutSeconds;
        _foreignKeys = foreignKeys;
    }

    /// <inheritdoc/>
    public override DbConnection CreateConnection()
    {
        var connection = new SqliteConnection();
        connection.StateChange += (sender, e) => SqliteConnectionSetup.ApplyOnOpen(sender, e, _busyTimeoutSeconds, _foreignKeys);
        return connection;
    }

    /// <inheritdoc/>
    public override DbCommand CreateCommand() => SqliteFactory.Instance.CreateCommand();

    /// <inheritdoc/>
    public override DbParameter CreateParameter() => SqliteFactory.Instance.CreateParameter();

    /// <inheritdoc/>
    public override DbConnectionStringBuilder CreateConnectionStringBuilder() => SqliteFactory.Instance.CreateConnectionStringBuilder();
}
