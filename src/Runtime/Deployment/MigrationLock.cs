using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Postgres;
using AgentHive.Runtime.Sqlite;
using Npgsql;

namespace AgentHive.Runtime.Deployment;

/// <summary>Thrown when another deployer held the migration lock for longer than the configured timeout.</summary>
public sealed class MigrationLockTimeoutException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationLockTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>Thrown when a deployer finds that the session holding its PostgreSQL migration lock has ended.</summary>
public sealed class MigrationLockLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationLockLostException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Serializes deployers of one schema on one database with a lock that dies with its holder.
/// PostgreSQL: a session-level advisory lock, released by the server when the session ends however it
/// ends; the migrator takes it on the very session it migrates through, so a session that dies takes
/// its uncommitted work with it and nothing can commit without the lock. SQLite: an exclusive OS lock
/// (flock) on a side file next to the database file, released by the kernel when the process dies;
/// unlike an exclusive write transaction held for the run, it does not stop the application from
/// writing while a deploy waits, and unlike a lock row it cannot be left behind.
/// </summary>
public static class MigrationLock
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    // What FileStream reports when flock finds the file locked by another holder (the errno, or Windows' sharing violation).
    private static readonly int HeldElsewhere = OperatingSystem.IsWindows() ? unchecked((int)0x80070020) : OperatingSystem.IsLinux() ? 11 : 35;

    /// <summary>Takes the lock on a connection of its own, reporting through <paramref name="waiting"/> while another deployer holds it.</summary>
    /// <exception cref="MigrationLockTimeoutException">Another deployer held it past <paramref name="timeout"/>.</exception>
    /// <exception cref="DatabaseLocationException">The SQLite lock file cannot be created where the database is.</exception>
    public static IDisposable Acquire(DatabaseOptions options, string schemaIdentity, TimeSpan timeout, Action<string>? waiting = null)
    {
        if (options.ParsedProvider != DatabaseProvider.Postgres)
        {
            return AcquireSqlite(options.ConnectionString, timeout, waiting);
        }

        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresSchema.ConnectionString(options)) { Pooling = false }.ConnectionString);
        connection.Open();
        try
        {
            var held = AcquireOn(connection, AdvisoryKey(schemaIdentity, PostgresSchema.Of(connection, options)), timeout, waiting);
            return new Release(() =>
            {
                held.Dispose();
                connection.Dispose();
            });
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes the advisory lock on <paramref name="connection"/>'s session, the one the caller migrates
    /// through; disposing the result releases it on that session.
    /// </summary>
    public static IDisposable AcquireOn(NpgsqlConnection connection, long key, TimeSpan timeout, Action<string>? waiting = null)
    {
        using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection))
        {
            command.Parameters.AddWithValue("key", key);
            Wait(() => (bool)command.ExecuteScalar()!, timeout, waiting, $"PostgreSQL advisory lock {key}");
        }

        return new Release(() =>
        {
            // A broken session has already lost the lock with everything else.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                unlock.Parameters.AddWithValue("key", key);
                unlock.ExecuteNonQuery();
            }
        });
    }

    /// <summary>Throws unless <paramref name="connection"/>'s session still holds the advisory lock <paramref name="key"/>.</summary>
    /// <exception cref="MigrationLockLostException">The session lost it (it was ended and opened again) or never held it.</exception>
    public static void EnsureHeld(NpgsqlConnection connection, long key)
    {
        using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted " +
            "AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = @key)", connection);
        command.Parameters.AddWithValue("key", key);
        if (!(bool)command.ExecuteScalar()!)
        {
            throw Lost(key);
        }
    }

    /// <summary>The error for a deployer whose lock session ended; <paramref name="inner"/> is how it noticed.</summary>
    public static MigrationLockLostException Lost(long key, Exception? inner = null) => new(
        $"The session holding the migration lock (PostgreSQL advisory lock {key}) ended (pg_terminate_backend, idle_session_timeout " +
        "or a lost connection). The version in progress was rolled back with it and nothing more was changed; run the deployer again to finish.",
        inner);

    /// <summary>
    /// The advisory lock key for one schema (<paramref name="schemaIdentity"/>) installed in one PostgreSQL
    /// schema (namespace) of a database: a stable 64-bit hash of both.
    /// </summary>
    public static long AdvisoryKey(string schemaIdentity, string databaseSchema) =>
        // "public" keeps the key of earlier releases, so old and new deployers of one database still exclude each other.
        Hash("agenthive-migrations:" + schemaIdentity + (databaseSchema == "public" ? string.Empty : "@" + databaseSchema));

    /// <summary>The side file whose OS lock serializes deployers of a SQLite database: beside the database file itself, symbolic links followed.</summary>
    public static string? SqliteLockFile(string connectionString) =>
        SqliteDatabaseFile.Identity(connectionString) is { } path ? path + ".migrate-lock" : null;

    private static long Hash(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211);
        }

        return unchecked((long)hash);
    }

    private static IDisposable AcquireSqlite(string connectionString, TimeSpan timeout, Action<string>? waiting)
    {
        if (SqliteLockFile(connectionString) is not { } path)
        {
            return new Release(() => { });
        }

        FileStream? stream = null;
        Wait(() => (stream = TryLockFile(path)) is not null, timeout, waiting, $"lock on {path}");

        // The file stays: deleting it would let a waiter lock a file nobody else can see.
        return new Release(() => stream!.Dispose());
    }

    // Only a lock held by someone else means "wait"; any other failure is about the place and is reported at once.
    private static FileStream? TryLockFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException) && ex.HResult == HeldElsewhere)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw DatabaseLocationException.ForLockFile(path, ex);
        }
    }

    private static void Wait(Func<bool> tryTake, TimeSpan timeout, Action<string>? waiting, string what)
    {
        var watch = Stopwatch.StartNew();
        var nextReport = TimeSpan.Zero;
        while (!tryTake())
        {
            if (watch.Elapsed >= timeout)
            {
                throw new MigrationLockTimeoutException(
                    $"Gave up after {timeout.TotalSeconds:F0} s waiting for the migration {what}: another deployer is still migrating. " +
                    "Retry when it finishes, or raise AgentHive:Database:LockTimeoutSeconds.");
            }

            if (watch.Elapsed >= nextReport)
            {
                waiting?.Invoke($"Waiting for the migration {what}: another deployer holds it ({watch.Elapsed.TotalSeconds:F0} s so far).");
                nextReport = watch.Elapsed + TimeSpan.FromSeconds(10);
            }

            Thread.Sleep(Poll);
        }
    }

    private sealed class Release : IDisposable
    {
        private Action? _release;

        public Release(Action release) => _release = release;

        public void Dispose()
        {
            Interlocked.Exchange(ref _release, null)?.Invoke();
        }
    }
}
