using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace AgentHive.Benchmarks;

/// <summary>
/// Run in Release: <c>dotnet run -c Release --project benchmarks/AgentHive.Benchmarks -- --job short --inProcess --filter *</c>.
/// <c>-- online [rows]</c> instead measures how long an application writer waits while each kind of
/// generated change runs on a populated PostgreSQL table (see <see cref="OnlineMigrationMeasurement"/>);
/// <c>-- writers</c> runs the many-writers measurement (<see cref="ManyWriters.ManyWritersBenchmark"/>);
/// <c>-- claims</c> the claim-latency measurement (<see cref="Queues.ClaimLatency"/>);
/// <c>-- paired [postgres|sqlite] [calls]</c> raw ADO.NET against the generated data access, call by call
/// (<see cref="DataAccess.PairedDataAccessMeasurement"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "online":
                return OnlineMigrationMeasurement.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000, Console.Out);
            case "paired":
                return DataAccess.PairedDataAccessMeasurement.Run(args, Console.Out);
            case "writers":
                return ManyWriters.ManyWritersBenchmark.Run(args);
            case "writers-child":
                return ManyWriters.ManyWritersBenchmark.RunChild(args);
            case "claims":
                // Claim latency is measured in one run with percentiles: see Queues/ClaimLatency.cs.
                Queues.ClaimLatency.Run(args[1..]);
                return 0;
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
