using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace AgentHive.Tests.Database;

/// <summary>
/// The system's <c>sqlite3</c> shell: an older SQLite than the one the driver bundles (Debian 12 ships
/// 3.40.1), the tool people open their database with. A test that needs it fails, never skips, without it.
/// </summary>
public static class SqliteShell
{
    public const string InstallHint =
        "The 'sqlite3' shell is not on PATH. Install it (Debian/Ubuntu: 'apt-get update && apt-get install -y sqlite3'); .ci/run does this itself.";

    /// <summary>Runs <paramref name="script"/> in the shell against <paramref name="databaseFile"/>, stopping at the first error.</summary>
    public static ShellResult Run(string databaseFile, string script)
    {
        var executable = Find() ?? throw new Xunit.Sdk.XunitException(InstallHint);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-bail");
        start.ArgumentList.Add("-batch");
        // Like every connection the runtime opens, wait for a lock instead of failing at once: the test's own
        // pooled connections and the previous shell's exit checkpoint can hold the file for a moment.
        start.ArgumentList.Add("-cmd");
        start.ArgumentList.Add(".timeout 5000");
        start.ArgumentList.Add(databaseFile);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException("sqlite3 did not finish within 60 s");
        }

        return new ShellResult(process.ExitCode, stdout.Result.Trim(), stderr.Result.Trim());
    }

    /// <summary>The shell's SQLite version, e.g. 3.40.1.</summary>
    public static Version SqliteVersion()
    {
        var result = Run(":memory:", "SELECT sqlite_version();");
        Assert.True(result.ExitCode == 0, result.Error);
        return Version.Parse(result.Output);
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "sqlite3"))
            .FirstOrDefault(File.Exists);
}

public sealed record ShellResult(int ExitCode, string Output, string Error);
