using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentHive.Runtime.Writing;

/// <summary>
/// A busy handler for SQLite connections that replaces SQLite's default sleep schedule. The default one
/// sleeps longer the longer a connection has waited (up to 100 ms a try), so a writer that has waited
/// for seconds keeps losing the lock to newcomers that poll every millisecond. This one retries after
/// short, jittered sleeps that shrink as a waiter ages, so the oldest waiters poll most often, and gives
/// up (SQLITE_BUSY) once the connection's busy timeout has passed.
/// </summary>
/// <remarks>
/// It serves writers in separate processes, which cannot share an in-process queue. Within one process,
/// <see cref="SqliteWriteGate"/> or <see cref="SqliteGroupCommitWriter"/> avoid the contention instead.
/// Opt-in and not installed by the runtime: measured, it cut the worst commit waits of 50 writers several
/// times over, but in 2 of about 10 runs with 5 writer processes one connection's <c>BEGIN IMMEDIATE</c>
/// failed with "SQL logic error" and left that connection inside a transaction; the cause is not found
/// (docs/many-writers.md). Do not use it in production until it is.
/// </remarks>
public static class SqliteFairBusyHandler
{
    // A newcomer sleeps up to this long between tries; a waiter older than AgingMilliseconds sleeps 1 ms.
    // Chosen by measurement (docs/many-writers.md): shorter newcomer sleeps burnt the CPU the lock holder needs.
    private const int NewcomerMaxSleepMilliseconds = 20;
    private const int AgingMilliseconds = 100;

    // Kept in a static field so the native side's function pointer stays valid for the process's life.
    private static readonly BusyCallback Callback = Retry;
    private static readonly IntPtr CallbackPointer = Marshal.GetFunctionPointerForDelegate(Callback);

    // The statement that hit the lock runs on this thread until the handler gives up or the lock is won.
    [ThreadStatic]
    private static long _waitStarted;

    [ThreadStatic]
    private static Random? _random;

    /// <summary>How often the handler has let this thread retry a lock: lets tests see that it is the one waiting.</summary>
    [ThreadStatic]
    internal static int RetriesOnThisThread;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyCallback(IntPtr timeoutMilliseconds, int count);

    /// <summary>
    /// Installs the handler on an open connection, replacing the one <c>PRAGMA busy_timeout</c> set; a later
    /// <c>PRAGMA busy_timeout</c> replaces it again.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="timeout">How long one lock attempt may wait in total before SQLITE_BUSY is returned.</param>
    public static void Install(SqliteConnection connection, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Handle is not { } handle)
        {
            throw new InvalidOperationException("The connection must be open to install a busy handler.");
        }

        // SQLitePCLRaw 2.1 does not bind sqlite3_busy_handler; the timeout travels as the callback's argument.
        var milliseconds = (IntPtr)Math.Clamp((long)timeout.TotalMilliseconds, 0, int.MaxValue);
        var rc = NativeMethods.sqlite3_busy_handler(handle.DangerousGetHandle(), CallbackPointer, milliseconds);
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"sqlite3_busy_handler failed with code {rc}.");
        }
    }

    /// <summary>How long a waiter sleeps before its next try, given how long it has waited.</summary>
    internal static int SleepMilliseconds(TimeSpan waited, Random random)
    {
        var age = Math.Clamp(waited.TotalMilliseconds / AgingMilliseconds, 0, 1);
        var cap = (int)Math.Round(NewcomerMaxSleepMilliseconds - (age * (NewcomerMaxSleepMilliseconds - 1)));
        return random.Next(1, cap + 1);
    }

    // Runs inside SQLite on the thread that hit the lock: it must not throw.
    private static int Retry(IntPtr timeoutMilliseconds, int count)
    {
        if (count == 0)
        {
            _waitStarted = Stopwatch.GetTimestamp();
        }

        var waited = Stopwatch.GetElapsedTime(_waitStarted);
        if (waited.TotalMilliseconds >= (long)timeoutMilliseconds)
        {
            return 0;
        }

        Thread.Sleep(SleepMilliseconds(waited, _random ??= new Random()));
        RetriesOnThisThread++;
        return 1;
    }

    private static class NativeMethods
    {
        // The SQLite library SQLitePCLRaw.bundle_e_sqlite3 ships and Microsoft.Data.Sqlite already loaded.
        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_busy_handler(IntPtr db, IntPtr callback, IntPtr argument);
    }
}
