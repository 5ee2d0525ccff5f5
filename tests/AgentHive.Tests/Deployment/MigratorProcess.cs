using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using AgentHive.Runtime.Configuration;
using Xunit;

namespace AgentHive.Tests.Deployment;

/// <summary>The deploy tool as a real OS process, the way a deployment runs it.</summary>
public sealed class MigratorProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _all = new();

    private MigratorProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The built deploy tool (src/Migrations output, same configuration as these tests).</summary>
    public static string ToolPath { get; } = FindTool();

    public string Output => string.Join("\n", _all);

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static MigratorProcess Start(DatabaseOptions database, params string[] args) => Start(database, null, args);

    public static MigratorProcess Start(DatabaseOptions database, System.Collections.Generic.IDictionary<string, string>? environment, params string[] args) =>
        Start(ToolPath, database, environment, args);

    /// <summary>Starts the tool at <paramref name="toolPath"/> (a copy of the built one, e.g. beside another appsettings.json).</summary>
    public static MigratorProcess Start(string toolPath, DatabaseOptions database, System.Collections.Generic.IDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(toolPath);
        foreach (var arg in args.Concat(new[] { "--provider", database.Provider, "--connection", database.ConnectionString }))
        {
            info.ArgumentList.Add(arg);
        }

        // Configuration comes from the arguments alone, never from this machine's environment.
        info.Environment.Remove("AgentHive__Database__Provider");
        info.Environment.Remove("AgentHive__Database__ConnectionString");
        foreach (var (name, value) in environment ?? new System.Collections.Generic.Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new MigratorProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the deploy tool"));
    }

    public static (int Code, string Output) Run(DatabaseOptions database, params string[] args) => Run(ToolPath, database, args);

    /// <summary>Runs the tool at <paramref name="toolPath"/> to its end.</summary>
    public static (int Code, string Output) Run(string toolPath, DatabaseOptions database, params string[] args)
    {
        using var process = Start(toolPath, database, null, args);
        var code = process.WaitForExit(TimeSpan.FromSeconds(120));
        return (code, process.Output);
    }

    /// <summary>Waits for the <paramref name="count"/>-th line starting with <paramref name="prefix"/>; false if the process ended first.</summary>
    public bool WaitForLine(string prefix, int count, TimeSpan timeout)
    {
        var seen = 0;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!_lines.TryTake(out var line, TimeSpan.FromMilliseconds(50)))
            {
                if (_process.HasExited && _lines.Count == 0)
                {
                    // Exited: wait for the last output to be delivered before deciding.
                    _process.WaitForExit();
                    if (_lines.Count == 0)
                    {
                        return false;
                    }
                }

                continue;
            }

            if (line.StartsWith(prefix, StringComparison.Ordinal) && ++seen == count)
            {
                return true;
            }
        }

        throw new TimeoutException($"no {count}th '{prefix}' line within {timeout}: {Output}");
    }

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It already exited.
        }

        _process.WaitForExit();
    }

    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"the deploy tool did not finish within {timeout}: {Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        _all.Enqueue(line);
        _lines.Add(line);
    }

    private static string FindTool()
    {
        var configuration = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Contains("Release") ? "Release" : "Debug";
        var path = RepositoryPaths.Combine("src", "Migrations", "bin", configuration, "net10.0", "AgentHive.Migrations.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.");
    }
}
