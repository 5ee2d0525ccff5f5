using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using AgentHive.Runtime.Configuration;

namespace AgentHive.Tests.Workload;

/// <summary>A queue consumer as its own OS process (tests/AgentHive.QueueConsumer), reporting each claim and ack.</summary>
public sealed class ConsumerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ConsumerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data is null ? null : "error " + e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private static string ToolPath { get; } = Find();

    public string[] Lines => _lines.ToArray();

    public long[] Claimed => Lines.Where(l => l.StartsWith("claimed ", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Starts a consumer; it connects, says "ready" and waits for <see cref="Go"/> before it claims.</summary>
    public static ConsumerProcess Start(DatabaseOptions database, string consumer, string mode, int batch, int leaseMs, int idleMs, int workMs = 0)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[] { "exec", ToolPath, database.Provider, database.ConnectionString, consumer, mode }
                     .Concat(new[] { batch, leaseMs, idleMs, workMs }.Select(n => n.ToString(CultureInfo.InvariantCulture))))
        {
            info.ArgumentList.Add(arg);
        }

        return new ConsumerProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the consumer"));
    }

    /// <summary>Lets the consumer start claiming.</summary>
    public void Go()
    {
        _process.StandardInput.WriteLine("go");
        _process.StandardInput.Flush();
    }

    public bool WaitForLines(string prefix, int count, TimeSpan timeout) =>
        System.Threading.SpinWait.SpinUntil(() => Lines.Count(l => l.StartsWith(prefix, StringComparison.Ordinal)) >= count || _process.HasExited, timeout)
        && Lines.Count(l => l.StartsWith(prefix, StringComparison.Ordinal)) >= count;

    /// <summary>SIGKILL: no chance to ack or release anything.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.WaitForExit();
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"consumer did not finish within {timeout}: {string.Join("\n", Lines.TakeLast(20))}");
        }

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
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    private static string Find()
    {
        var configuration = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Contains("Release") ? "Release" : "Debug";
        var path = RepositoryPaths.Combine("tests", "AgentHive.QueueConsumer", "bin", configuration, "net10.0", "AgentHive.QueueConsumer.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build tests/AgentHive.QueueConsumer first (it builds with the tests): {path}");
    }
}
