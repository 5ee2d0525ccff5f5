using BenchmarkDotNet.Running;

namespace AgentHive.Benchmarks;

/// <summary>Run in Release: <c>dotnet run -c Release --project benchmarks/AgentHive.Benchmarks -- --job short --inProcess --filter *</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
