using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace AgentHive.Tests.Documentation;

/// <summary>
/// Mermaid's own parser, run by Node.js from tests/mermaid (the mermaid package pinned there). A test that
/// needs it fails, never skips, without Node.js or the package.
/// </summary>
public static class MermaidParser
{
    public const string InstallHint =
        "Checking Mermaid syntax needs Node.js and the mermaid package: install Node.js (Debian/Ubuntu: 'apt-get install -y nodejs npm'), " +
        "then run 'npm ci --prefix tests/mermaid'. scripts/test.sh and .ci/run do both.";

    /// <summary>Parses each file (a diagram, or Markdown with ```mermaid blocks); the exit code and one line per diagram.</summary>
    public static (int ExitCode, string Output) Parse(params string[] files)
    {
        var folder = RepositoryPaths.Combine("tests", "mermaid");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "mermaid")))
        {
            throw new Xunit.Sdk.XunitException($"tests/mermaid/node_modules/mermaid is missing. {InstallHint}");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add("validate.mjs");
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new Xunit.Sdk.XunitException($"'node' is not on PATH. {InstallHint}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException("node validate.mjs did not finish within 2 minutes");
            }

            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
