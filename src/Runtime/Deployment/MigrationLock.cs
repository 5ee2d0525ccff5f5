using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using AgentHive.Runtime.Configuration;
using Microsoft.Data.Sqlite;
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

/// <summary>
/// Serializes deployers of one schema on one database with a lock that dies with its holder.
/// PostgreSQL: a session-level advisory lock, released by the server when the session ends however it
/// ends. SQLite: an exclusive OS lock (flock) on a side file next to the database, released by the kernel
/// when the process dies; unlike an exclusive write transaction held for the run, it does not stop the
/// application from writing while a deploy waits, and unlike a lock row it cannot be left behind.
/// </summary>
public static class MigrationLock
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Takes the lock, reporting through <paramref name="waiting"/> while another deployer holds it.</summary>
    public static IDisposable Acquire(DatabaseOptions options, string schemaIdentity, TimeSpan timeout, Action<string>? waiting = null) =>
        options.ParsedProvider == DatabaseProvider.Postgres
            ? AcquirePostgres(options.ConnectionString, schemaIdentity, timeout, waiting)
            : AcquireSqlite(options.ConnectionString, timeout, waiting);

    /// <summary>The advisory lock key for a schema: a stable 64-bit hash of its identity.</summary>
    public static long AdvisoryKey(string schemaIdentity)
    {
        ulong hash = 14695981039346656037;
        foreach (var b in Encoding.UTF8.GetBytes("agenthive-migrations:" + schemaIdentity))
        {
            hash = unchecked((hash ^ b) * 1099511628211);
        }

        return unchecked((long)hash);
    }

    /// <summary>The side file whose OS lock serializes deployers of a SQLite database.</summary>
    public static string? SqliteLockFile(string connectionString) =>
        Sqlite.SqliteConnectionSetup.FilePath(connectionString) is { } path ? path + ".migrate-lock" : null;

    private static IDisposable AcquirePostgres(string connectionString, string schemaIdentity, TimeSpan timeout, Action<string>? waiting)
    {
        var key = AdvisoryKey(schemaIdentity);
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        try
        {
            using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            Wait(() => (bool)command.ExecuteScalar()!, timeout, waiting, $"PostgreSQL advisory lock {key}");
            return new Release(() =>
            {
                using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                unlock.Parameters.AddWithValue("key", key);
                unlock.ExecuteNonQuery();
                connection.Dispose();
            });
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static IDisposable AcquireSqlite(string connectionString, TimeSpan timeout, Action<string>? waiting)
    {
        if (SqliteLockFile(connectionString) is not { } path)
        {
            return new Release(() => { });
        }

        FileStream? stream = null;
        Wait(() =>
        {
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }, timeout, waiting, $"lock on {path}");

        // The file stays: deleting it would let a waiter lock a file nobody else can see.
        return new Release(() => stream!.Dispose());
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
