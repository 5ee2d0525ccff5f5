using BenchmarkDotNet.Running;

namespace AgentHive.Benchmarks;

/// <summary>Run in Release: <c>dotnet run -c Release --project benchmarks/AgentHive.Benchmarks -- --job short --inProcess --filter *</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        // Claim latency is measured in one run with percentiles: see Queues/ClaimLatency.cs.
        if (args.Length > 0 && args[0] == "claims")
        {
            Queues.ClaimLatency.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
