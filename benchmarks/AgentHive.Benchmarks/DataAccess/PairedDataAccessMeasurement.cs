using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// Raw ADO.NET and the generated layer compared call by call: the two alternate (raw then generated, then
/// generated then raw), so on a shared, loaded machine both see the same load, which BenchmarkDotNet's one
/// contender after the other cannot promise. Reports each contender's 10th, 50th and 90th percentile per call
/// and its bytes allocated per call (measured apart, over a block of calls). Run with
/// <c>-- paired [postgres|sqlite] [calls]</c> on the benchmark databases of <see cref="BenchmarkDatabases"/>.
/// </summary>
public static class PairedDataAccessMeasurement
{
    public static int Run(string[] args, TextWriter output)
    {
        var postgres = args.Length < 2 || !string.Equals(args[1], "sqlite", StringComparison.OrdinalIgnoreCase);
        var calls = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2_000;
        if (postgres)
        {
            var benchmarks = new PostgresDataAccessBenchmarks();
            benchmarks.Setup();
            try
            {
                Measure(output, calls, new[]
                {
                    Pair(Categories.ReadByKey, () => benchmarks.ReadByKey_Raw(), () => benchmarks.ReadByKey_Generated().AsTask()),
                    Pair(Categories.Routing, () => benchmarks.Routing10_Raw(), () => benchmarks.Routing10_Generated().AsTask()),
                    Pair(Categories.InsertOne, () => benchmarks.InsertOne_Raw(), () => benchmarks.InsertOne_Generated().AsTask()),
                    Pair(Categories.UpdateByKey, () => benchmarks.UpdateByKey_Raw(), () => benchmarks.UpdateByKey_Generated().AsTask()),
                    Pair(Categories.InsertBatch, () => benchmarks.InsertBatch1000_Raw(), () => benchmarks.InsertBatch1000_Generated().AsTask()),
                });
            }
            finally
            {
                benchmarks.Cleanup();
            }
        }
        else
        {
            var benchmarks = new SqliteDataAccessBenchmarks();
            benchmarks.Setup();
            try
            {
                Measure(output, calls, new[]
                {
                    Pair(Categories.ReadByKey, () => benchmarks.ReadByKey_Raw(), () => benchmarks.ReadByKey_Generated()),
                    Pair(Categories.Routing, () => benchmarks.Routing10_Raw(), () => benchmarks.Routing10_Generated()),
                    Pair(Categories.InsertOne, () => benchmarks.InsertOne_Raw(), () => benchmarks.InsertOne_Generated()),
                    Pair(Categories.UpdateByKey, () => benchmarks.UpdateByKey_Raw(), () => benchmarks.UpdateByKey_Generated()),
                    Pair(Categories.InsertBatch, () => benchmarks.InsertBatch1000_Raw(), () => benchmarks.InsertBatch1000_Generated()),
                });
            }
            finally
            {
                benchmarks.Cleanup();
            }
        }

        return 0;
    }

    private static (string Name, Func<Task> Raw, Func<Task> Generated) Pair(string name, Func<Task> raw, Func<Task> generated) => (name, raw, generated);

    private static (string Name, Func<Task> Raw, Func<Task> Generated) Pair(string name, Action raw, Action generated) =>
        (name, () => { raw(); return Task.CompletedTask; }, () => { generated(); return Task.CompletedTask; });

    private static void Measure(TextWriter output, int calls, IEnumerable<(string Name, Func<Task> Raw, Func<Task> Generated)> pairs)
    {
        output.WriteLine($"| operation | contender | p10 | p50 | p90 | p50 ratio | allocated/call | alloc ratio |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, raw, generated) in pairs)
        {
            // A batch writes 1,000 rows a call: fewer calls take about as long as the single-row operations.
            var n = name == Categories.InsertBatch ? Math.Max(10, calls / 100) : calls;
            var contenders = new[] { raw, generated };
            var times = new[] { new List<double>(n), new List<double>(n) };
            for (var i = 0; i < Math.Max(2, n / 20); i++)
            {
                Call(raw);
                Call(generated);
            }

            for (var i = 0; i < n; i++)
            {
                for (var turn = 0; turn < 2; turn++)
                {
                    var contender = (i + turn) % 2;
                    var start = Stopwatch.GetTimestamp();
                    Call(contenders[contender]);
                    times[contender].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }

            var allocated = contenders.Select(c => Allocated(c, Math.Min(n, 500))).ToArray();
            var p50 = times.Select(t => Percentile(t, 0.5)).ToArray();
            for (var c = 0; c < 2; c++)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {(c == 0 ? "raw" : "generated")} | {Percentile(times[c], 0.1):F1} µs | {p50[c]:F1} µs | {Percentile(times[c], 0.9):F1} µs | " +
                    $"{p50[c] / p50[0]:F2} | {allocated[c]:F0} B | {allocated[c] / allocated[0]:F2} |"));
            }
        }
    }

    private static void Call(Func<Task> contender) => contender().GetAwaiter().GetResult();

    // Every thread's allocations: an asynchronous call continues on pool threads.
    private static double Allocated(Func<Task> contender, int calls)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++)
        {
            Call(contender);
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)calls;
    }

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(fraction * sorted.Count))];
    }
}
