using AgentHive.Runtime.Configuration;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>The target description every command prints and logs carries no password, wherever it would appear.</summary>
public sealed class ConnectionStringsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres, "Host=127.0.0.1;Port=5432;Username=hive_admin;Password=hive_admin;Database=hive", "PostgreSQL 127.0.0.1:5432/hive as ***")]
    [InlineData(DatabaseProvider.Postgres, "Host=127.0.0.1;Port=5432;Username=hive;Password=hive_db_2024;Database=hive_db_2024", "PostgreSQL 127.0.0.1:5432/*** as hive")]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=/data/hive_key_2024.db;Password=hive_key_2024", "SQLite /data/***.db")]
    [InlineData(DatabaseProvider.Postgres, "Host=127.0.0.1;Port=5432;Username=hive;Password=other-secret;Database=hive", "PostgreSQL 127.0.0.1:5432/hive as hive")]
    public void The_target_description_masks_a_password_that_is_also_a_name(DatabaseProvider provider, string connectionString, string expected)
    {
        Assert.Equal(expected, ConnectionStrings.Describe(provider, connectionString));
    }
}
