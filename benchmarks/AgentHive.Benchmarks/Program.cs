using BenchmarkDotNet.Running;

namespace AgentHive.Benchmarks;

/// <summary>
/// Run in Release: <c>dotnet run -c Release --project benchmarks/AgentHive.Benchmarks -- --job short --inProcess --filter *</c>;
/// <c>-- writers</c> runs the many-writers measurement (<see cref="ManyWriters.ManyWritersBenchmark"/>) instead.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.Length > 0 ? args[0] : null)
        {
            case "writers":
                return ManyWriters.ManyWritersBenchmark.Run(args);
            case "writers-child":
                return ManyWriters.ManyWritersBenchmark.RunChild(args);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
