using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace AgentHive.Benchmarks;

/// <summary>
/// Run in Release: <c>dotnet run -c Release --project benchmarks/AgentHive.Benchmarks -- --job short --inProcess --filter *</c>.
/// <c>-- online [rows]</c> instead measures how long an application writer waits while each kind of
/// generated change runs on a populated PostgreSQL table (see <see cref="OnlineMigrationMeasurement"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.FirstOrDefault() == "online")
        {
            return OnlineMigrationMeasurement.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000, Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
