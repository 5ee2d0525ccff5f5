using System;
using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AgentHive.Runtime.Sqlite;

/// <summary>
/// Makes every SQLite connection safe for many concurrent writers: foreign keys enforced, WAL journal,
/// a busy timeout instead of the driver's 150 ms sleep-and-retry, and synchronous=NORMAL.
/// </summary>
/// <remarks>
/// WAL with synchronous=NORMAL never corrupts and survives application crashes; after a power loss the
/// last transactions before the loss may be missing. That trade buys write throughput for 50+ agents.
/// </remarks>
public static class SqliteConnectionSetup
{
    /// <summary>The first SQLite release with the WAL-reset corruption fix.</summary>
    public static readonly Version MinimumVersion = new(3, 51, 3);

    /// <summary>Opens a connection and applies the pragmas.</summary>
    public static SqliteConnection Open(string connectionString, int busyTimeoutSeconds = 5, bool foreignKeys = true)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Apply(connection, busyTimeoutSeconds, foreignKeys);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a connection that cannot write the database file, for commands that only read: it leaves the
    /// journal mode as it is (switching to WAL would rewrite the file header).
    /// </summary>
    public static SqliteConnection OpenReadOnly(string connectionString, int busyTimeoutSeconds = 5) =>
        Open(ReadOnly(connectionString), busyTimeoutSeconds);

    /// <summary>The same database, opened so that no connection of this string can write to it.</summary>
    public static string ReadOnly(string connectionString) =>
        new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly }.ConnectionString;

    /// <summary>Applies the pragmas to an open connection (outside any transaction, where they take effect).</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="busyTimeoutSeconds">How long to wait for a lock.</param>
    /// <param name="foreignKeys">
    /// Off only for the migrator: a table rebuild must not cascade deletes into child tables, and every
    /// migration checks all foreign keys itself before it commits.
    /// </param>
    public static void Apply(SqliteConnection connection, int busyTimeoutSeconds = 5, bool foreignKeys = true)
    {
        using var command = connection.CreateCommand();
        var busyMilliseconds = (busyTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture);
        command.CommandText =
            $"PRAGMA busy_timeout = {busyMilliseconds}; PRAGMA foreign_keys = {(foreignKeys ? "ON" : "OFF")}; PRAGMA synchronous = NORMAL;";
        command.ExecuteNonQuery();
        if (!IsInMemory(connection) && new SqliteConnectionStringBuilder(connection.ConnectionString).Mode != SqliteOpenMode.ReadOnly)
        {
            command.CommandText = "PRAGMA journal_mode = WAL;";
            command.ExecuteNonQuery();

            // Application connections refresh stale planner statistics (the migrator analyzes after it migrates).
            if (foreignKeys)
            {
                command.CommandText = Maintenance.PlannerStatistics.SqliteOnOpen;
                command.ExecuteNonQuery();
            }
        }
    }

    /// <summary>The SQLite library version this process uses.</summary>
    public static Version LibraryVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "select sqlite_version()";
        return Version.Parse((string)command.ExecuteScalar()!);
    }

    /// <summary>Throws when the SQLite library predates <see cref="MinimumVersion"/>.</summary>
    public static void EnsureSupportedVersion() => EnsureSupported(LibraryVersion());

    /// <summary>Throws when <paramref name="version"/> predates <see cref="MinimumVersion"/>.</summary>
    public static void EnsureSupported(Version version)
    {
        if (version < MinimumVersion)
        {
            throw new InvalidOperationException(
                $"SQLite {version} is loaded, but {MinimumVersion} or later is required: older releases can corrupt a WAL " +
                "database when two connections write or checkpoint at once. Reference SQLitePCLRaw.bundle_e_sqlite3 2.1.12 or later.");
        }
    }

    /// <summary>The full path of the database file a connection string names, or null for an in-memory database.</summary>
    public static string? FilePath(string connectionString) => SqliteDatabaseFile.Path(connectionString);

    /// <summary>True when a connection string names a database file that does not exist yet.</summary>
    // A dangling symbolic link counts as missing: File.Exists is true for the link itself, but a read-only open of it fails.
    public static bool IsMissingFile(string connectionString) =>
        SqliteDatabaseFile.Identity(connectionString) is { } path && !System.IO.File.Exists(path);

    private static bool IsInMemory(SqliteConnection connection) => FilePath(connection.ConnectionString) is null;

    internal static void ApplyOnOpen(object? sender, StateChangeEventArgs e, int busyTimeoutSeconds, bool foreignKeys)
    {
        if (e.CurrentState == ConnectionState.Open && e.OriginalState != ConnectionState.Open && sender is SqliteConnection connection)
        {
            Apply(connection, busyTimeoutSeconds, foreignKeys);
        }
    }
}
