using System;
using System.IO;
using Microsoft.Data.Sqlite;

namespace AgentHive.Runtime.Sqlite;

/// <summary>
/// The file a SQLite connection string opens, however it is spelled: a plain path (relative or absolute,
/// under the <c>DataDirectory</c> folder when the application set one), or a <c>file:</c> URI
/// (sqlite.org/uri.html), which Microsoft.Data.Sqlite hands to SQLite as a URI.
/// </summary>
public static class SqliteDatabaseFile
{
    private const string DataDirectory = "|DataDirectory|";

    /// <summary>The full path of the database file, or null for an in-memory or temporary database.</summary>
    public static string? Path(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory)
        {
            return null;
        }

        var source = builder.DataSource;
        if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            source = UriPath(source);
        }
        else if (AppDomain.CurrentDomain.GetData("DataDirectory") is string { Length: > 0 } folder && source != ":memory:")
        {
            // As the driver does: the folder replaces the macro and anchors every relative path.
            source = System.IO.Path.Combine(folder, source.StartsWith(DataDirectory, StringComparison.OrdinalIgnoreCase) ? source.Substring(DataDirectory.Length) : source);
        }

        return source is null or "" or ":memory:" ? null : System.IO.Path.GetFullPath(source);
    }

    /// <summary>
    /// The database file's own path, reached by following a symbolic link in its last component, so that
    /// every spelling of one file names one folder entry. Folders on the way need no resolving: a lock file
    /// beside this entry is the same file (inode) whichever folder path reaches it.
    /// </summary>
    public static string? Identity(string connectionString)
    {
        if (Path(connectionString) is not { } path)
        {
            return null;
        }

        // A dangling link names the file SQLite will create through it, so it is followed too; a path that
        // cannot be read stays as it is and fails where the lock file is created, with the reason.
        for (var hops = 0; hops < MaxLinkHops && LinkTarget(path) is { } target; hops++)
        {
            path = System.IO.Path.GetFullPath(target, System.IO.Path.GetDirectoryName(path)!);
        }

        return path;
    }

    // SQLite's unix VFS gives up on a chain of links at the same depth.
    private const int MaxLinkHops = 100;

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // file:path, file:///path or file://localhost/path, then ?query and #fragment; the path is percent-encoded.
    private static string? UriPath(string uri)
    {
        var rest = uri.Substring("file:".Length);
        var end = rest.IndexOfAny(new[] { '?', '#' });
        var query = end >= 0 && rest[end] == '?' ? rest.Substring(end + 1).Split('#')[0] : string.Empty;
        var path = end >= 0 ? rest.Substring(0, end) : rest;
        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = path.IndexOf('/', 2);
            path = slash < 0 ? string.Empty : path.Substring(slash);
        }

        foreach (var parameter in query.Split('&'))
        {
            if (string.Equals(parameter, "mode=memory", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return Uri.UnescapeDataString(path);
    }
}
