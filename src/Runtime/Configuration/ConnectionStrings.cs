using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentHive.Runtime.Configuration;

/// <summary>Connection strings as they may be shown to people: never with a password.</summary>
public static class ConnectionStrings
{
    private const string Mask = "***";

    // A password keyword of Npgsql or Microsoft.Data.Sqlite and the value after it, up to the next ';' or quote.
    private static readonly Regex PasswordInText = new(
        @"(?i)\b((?:ssl\s*)?(?:password|passwd|pwd|psw))(\s*=\s*)(?:""(?:[^""]|"""")*""?|'(?:[^']|'')*'?|[^;'""\r\n]*)",
        RegexOptions.CultureInvariant);

    // The same in a raw connection string, where a value may be quoted and run to the next ';'.
    private static readonly Regex PasswordInConnectionString = new(
        @"(?i)(?:^|[;\s])(?:ssl\s*)?(?:password|passwd|pwd|psw)\s*=\s*(""(?:[^""]|"""")*""|'(?:[^']|'')*'|[^;]*)",
        RegexOptions.CultureInvariant);

    /// <summary>A description of the target with any password removed, fit for output and logs.</summary>
    public static string Describe(DatabaseProvider provider, string connectionString)
    {
        try
        {
            switch (provider)
            {
                // A password may equal the user or database name (postgres/postgres): scrubbed like any other text.
                case DatabaseProvider.Postgres:
                    var pg = new NpgsqlConnectionStringBuilder(connectionString) { Password = null };
                    return Scrub($"PostgreSQL {pg.Host}:{pg.Port}/{pg.Database} as {pg.Username}", connectionString);
                default:
                    var sqlite = new SqliteConnectionStringBuilder(connectionString);
                    return Scrub($"SQLite {sqlite.DataSource}", connectionString);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // Never echo a string we could not parse: it may hold a password in an unexpected place.
            return $"{provider} (connection string could not be parsed)";
        }
    }

    /// <summary>
    /// The one scrubber every driver or parser message passes through before it is printed or logged:
    /// removes the passwords of <paramref name="connectionString"/> wherever they appear, and any
    /// <c>Password=...</c> fragment (drivers quote the fragment of a connection string they could not parse).
    /// </summary>
    public static string Scrub(string text, string? connectionString)
    {
        foreach (var secret in Passwords(connectionString))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return PasswordInText.Replace(text, match => match.Groups[1].Value + match.Groups[2].Value + Mask);
    }

    // Short values are left to the keyword pattern: masking every "x" in a message would garble it.
    private static IEnumerable<string> Passwords(string? connectionString) =>
        connectionString is null
            ? Enumerable.Empty<string>()
            : PasswordInConnectionString.Matches(connectionString)
                .Select(m => m.Groups[1].Value.Trim())
                .SelectMany(value => new[] { value, value.Trim('"', '\'') })
                .Where(value => value.Length >= 4)
                .Distinct()
                .OrderByDescending(value => value.Length);
}
