using System;
using System.IO;

namespace AgentHive.Runtime.Deployment;

/// <summary>
/// Thrown when the configured database location cannot be used at all (for SQLite a missing folder, a path
/// that is too long, no permission, a read-only file system; for PostgreSQL a search path that names no
/// existing schema): a configuration problem, reported at once rather than waited on.
/// </summary>
public sealed class DatabaseLocationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatabaseLocationException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Says, in the terms of the configuration, why the lock file beside a SQLite database could not be created.</summary>
    public static DatabaseLocationException ForLockFile(string lockFile, Exception error)
    {
        var folder = Path.GetDirectoryName(lockFile) ?? lockFile;
        var why = error switch
        {
            DirectoryNotFoundException => $"the folder '{folder}' does not exist (or a part of that path is not a folder)",
            PathTooLongException => "the path, or one name in it, is longer than the file system allows",
            UnauthorizedAccessException => $"this process may not create files in '{folder}' (permission denied)",
            FileNotFoundException => $"the file system at '{folder}' does not allow new files",
            _ => error.Message,
        };
        return new DatabaseLocationException(
            $"Cannot use the SQLite database location: {why}. The deployer needs to create '{lockFile}' beside the database; " +
            "fix Data Source in AgentHive:Database:ConnectionString, or the folder.", error);
    }
}
