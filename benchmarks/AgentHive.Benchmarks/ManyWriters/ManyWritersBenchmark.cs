using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Writing;
using Npgsql;

namespace AgentHive.Benchmarks.ManyWriters;

/// <summary>
/// Many writers at once, measured per commit: rows/s, commit latency percentiles and busy errors. A
/// custom console mode, not a BenchmarkDotNet suite: BenchmarkDotNet times one method call and reports its
/// mean; here every commit of 50 concurrent writers is one sample and the tail is what matters.
/// <c>dotnet run -c Release --project benchmarks/AgentHive.Benchmarks -- writers [--seconds 8] [--processes 5] [--out file.md]</c>;
/// PostgreSQL runs when AGENTHIVE_TEST_POSTGRES is set. <c>--sweep 1,5,10,25,50,100</c> instead runs each
/// writer count on SQLite (plain connections, and the group-commit writer) and PostgreSQL side by side,
/// and says up to which count each meets the commit-latency goal.
/// </summary>
public static class ManyWritersBenchmark
{
    private const int Writers = 50;

    public static int Run(string[] args)
    {
        var seconds = double.Parse(Option(args, "--seconds") ?? "8", CultureInfo.InvariantCulture);
        var processes = int.Parse(Option(args, "--processes") ?? "5", CultureInfo.InvariantCulture);
        var only = Option(args, "--only");
        var output = Option(args, "--out");
        var rows = new List<Result>();
        if (Option(args, "--sweep") is { } sweep)
        {
            return Sweep(sweep.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray(), seconds, output);
        }

        void Add(Result result)
        {
            rows.Add(result);
            Console.WriteLine(result.Line(rows[0]));
        }

        // Unreported: the first run of a process also measures JIT tiering and a cold page cache.
        RunSqlite("warm-up", WriterMode.SqliteRuntime, 1, 1, Math.Min(seconds, 3));
        Console.WriteLine(Result.Header);
        foreach (var (name, mode, writers, procs) in Scenarios(processes))
        {
            if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase) && rows.Count > 0)
            {
                continue;
            }

            Add(RunSqlite(name, mode, writers, procs, seconds));
        }

        var postgres = Environment.GetEnvironmentVariable("AGENTHIVE_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(postgres) && (only is null || only.Contains("postgres", StringComparison.OrdinalIgnoreCase)))
        {
            var pgRows = new List<Result>();
            // synchronous_commit=off (this session only) is PostgreSQL's match for SQLite's synchronous=NORMAL:
            // a commit does not wait for its WAL flush; a crash of the server may lose the last commits.
            foreach (var (writers, synchronousCommit) in new[] { (1, true), (Writers, true), (Writers, false) })
            {
                var result = RunPostgres(postgres, writers, synchronousCommit, seconds);
                pgRows.Add(result);
                rows.Add(result);
                Console.WriteLine(result.Line(pgRows[0]));
            }
        }

        var table = Result.Table(rows);
        if (output is not null)
        {
            File.WriteAllText(output, table);
        }

        Console.WriteLine();
        Console.WriteLine(table);
        return 0;
    }

    // The writer counts side by side, in one run: where plain SQLite connections stop meeting the goal,
    // whether the group-commit writer holds, and what PostgreSQL on the same machine does.
    private static int Sweep(int[] counts, double seconds, string? output)
    {
        var postgres = Environment.GetEnvironmentVariable("AGENTHIVE_TEST_POSTGRES");
        RunSqlite("warm-up", WriterMode.SqliteRuntime, 1, 1, Math.Min(seconds, 3));
        var postgresSessions = string.IsNullOrWhiteSpace(postgres) ? 0 : PostgresSessions(postgres);
        var results = new List<(string Shape, int Writers, Result? Result)>();
        foreach (var writers in counts)
        {
            if (!string.IsNullOrWhiteSpace(postgres) && writers + 2 > postgresSessions)
            {
                // The server refuses more sessions than max_connections allows (less its reserved ones).
                results.Add(("PostgreSQL, connections", writers, null));
                Console.WriteLine($"PostgreSQL, connections, {writers} writers: skipped, the server allows {postgresSessions} sessions");
            }

            var shapes = new List<(string, Func<Result>)>
            {
                ("SQLite, connections (busy handler)", () => RunSqlite($"SQLite, {writers} connections", WriterMode.SqliteRuntime, writers, 1, seconds)),
                ("SQLite, group-commit writer", () => RunSqlite($"SQLite, {writers} tasks, group-commit writer", WriterMode.SqliteGroupCommit, writers, 1, seconds)),
            };
            if (!string.IsNullOrWhiteSpace(postgres) && writers + 2 <= postgresSessions)
            {
                shapes.Add(("PostgreSQL, connections", () => RunPostgres(postgres, writers, synchronousCommit: true, seconds)));
            }

            foreach (var (shape, run) in shapes)
            {
                var result = run();
                results.Add((shape, writers, result));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{shape}, {writers} writers: {result.RowsPerSecond:N0} rows/s, p99.9 {result.P999:0.00} ms, max {result.Max:0.0} ms, busy {result.Busy}, failed {result.Failed}"));
            }
        }

        var lines = new List<string>
        {
            $"Goal: p99.9 commit <= {GoalP999Ms} ms and no busy errors; rows/s and p99.9 ms per writer count, measured side by side in one run ({seconds:0} s each).",
            string.Empty,
            "| shape | " + string.Join(" | ", counts.Select(n => n == 1 ? "1 writer" : $"{n} writers")) + " | meets the goal up to |",
            "|---|" + string.Concat(counts.Select(_ => "---:|")) + "---:|",
        };
        foreach (var shape in results.Select(r => r.Shape).Distinct())
        {
            var row = results.Where(r => r.Shape == shape).OrderBy(r => r.Writers).ToList();
            var cells = row.Select(r => r.Result is null
                ? "n/a (max_connections)"
                : string.Create(CultureInfo.InvariantCulture, $"{r.Result.RowsPerSecond:N0} rows/s, {r.Result.P999:0.0} ms"));
            var meets = row.TakeWhile(r => r.Result is not null && Meets(r.Result)).Select(r => r.Writers).DefaultIfEmpty(0).Last();
            lines.Add($"| {shape} | {string.Join(" | ", cells)} | {(meets == 0 ? "none" : meets.ToString(CultureInfo.InvariantCulture))} |");
        }

        var table = string.Join(Environment.NewLine, lines) + Environment.NewLine;
        if (output is not null)
        {
            File.WriteAllText(output, table);
        }

        Console.WriteLine();
        Console.WriteLine(table);
        return 0;
    }

    private static int PostgresSessions(string connection)
    {
        using var admin = new NpgsqlConnection(connection);
        admin.Open();
        using var command = admin.CreateCommand();
        command.CommandText = "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - (SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private const double GoalP999Ms = 50;

    private static bool Meets(Result result) => result.P999 <= GoalP999Ms && result.Busy == 0 && result.Failed == 0;

    /// <summary>A child process's writers: <c>writers-child mode connection writers firstWriter startTicks measureTicks stopTicks outFile</c>.</summary>
    public static int RunChild(string[] args)
    {
        var mode = Enum.Parse<WriterMode>(args[1]);
        var connection = args[2];
        var writers = int.Parse(args[3], CultureInfo.InvariantCulture);
        var first = int.Parse(args[4], CultureInfo.InvariantCulture);
        DateTime At(int index) => new(long.Parse(args[index], CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var tallies = RunWriters(mode, connection, writers, first, At(5), At(6), At(7));
        using var file = new BinaryWriter(File.Create(args[8]));
        file.Write(tallies.Sum(t => t.Busy));
        file.Write(tallies.Sum(t => t.Failed));
        file.Write(tallies.Select(t => t.FirstError).FirstOrDefault(e => e is not null) ?? string.Empty);
        var latencies = tallies.SelectMany(t => t.Latencies).ToArray();
        file.Write(latencies.Length);
        foreach (var latency in latencies)
        {
            file.Write(latency);
        }

        return 0;
    }

    private static IEnumerable<(string Name, WriterMode Mode, int Writers, int Processes)> Scenarios(int processes)
    {
        yield return ("SQLite, 1 writer, runtime connection", WriterMode.SqliteRuntime, 1, 1);
        yield return ("SQLite, 1 writer, group-commit writer", WriterMode.SqliteGroupCommit, 1, 1);
        yield return ("SQLite, 50 connections, runtime (SQLite's busy handler)", WriterMode.SqliteRuntime, Writers, 1);
        yield return ("SQLite, 50 connections, fair busy handler (opt-in)", WriterMode.SqliteFairBusy, Writers, 1);
        yield return ("SQLite, 50 connections, FIFO write gate", WriterMode.SqliteGate, Writers, 1);
        yield return ("SQLite, 50 tasks, group-commit writer", WriterMode.SqliteGroupCommit, Writers, 1);
        var label = $"{processes} processes x {Writers / processes}";
        yield return ($"SQLite, {label} connections, runtime (SQLite's busy handler)", WriterMode.SqliteRuntime, Writers, processes);
        yield return ($"SQLite, {label} connections, fair busy handler (opt-in)", WriterMode.SqliteFairBusy, Writers, processes);
        yield return ($"SQLite, {label} connections, FIFO write gate per process", WriterMode.SqliteGate, Writers, processes);
        yield return ($"SQLite, {label} tasks, group-commit writer per process", WriterMode.SqliteGroupCommit, Writers, processes);
        // The first row again: how far the machine's load drifted during the run.
        yield return ("SQLite, 1 writer, runtime connection, again at the end", WriterMode.SqliteRuntime, 1, 1);
    }

    private static Result RunSqlite(string name, WriterMode mode, int writers, int processes, double seconds)
    {
        var folder = Path.Combine(Path.GetTempPath(), "agenthive-writers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var connection = $"Data Source={Path.Combine(folder, "agent_hive.db")}";
            new SchemaMigrator(new DatabaseOptions { ConnectionString = connection }, typeof(global::AgentHive.AgentHiveSchema).Assembly).Up();
            return processes == 1
                ? Measure(name, writers, 1, seconds, (start, measure, stop) => RunWriters(mode, connection, writers, 0, start, measure, stop))
                : Measure(name, writers, processes, seconds, (start, measure, stop) => RunProcesses(mode, connection, writers, processes, start, measure, stop, folder));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Result RunPostgres(string adminConnection, int writers, bool synchronousCommit, double seconds)
    {
        var database = "agenthive_bench_" + Guid.NewGuid().ToString("N");
        Execute(adminConnection, $"CREATE DATABASE \"{database}\"");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database, MaxPoolSize = Math.Max(writers, Writers) + 10 }.ConnectionString;
            new SchemaMigrator(new DatabaseOptions { Provider = "postgres", ConnectionString = connection }, typeof(global::AgentHive.AgentHiveSchema).Assembly).Up();
            if (!synchronousCommit)
            {
                connection = new NpgsqlConnectionStringBuilder(connection) { Options = "-c synchronous_commit=off" }.ConnectionString;
            }

            var name = $"PostgreSQL, {writers} connection{(writers == 1 ? string.Empty : "s")}{(synchronousCommit ? string.Empty : ", synchronous_commit=off")}";
            return Measure(name, writers, 1, seconds,
                (start, measure, stop) => RunWriters(WriterMode.Postgres, connection, writers, 0, start, measure, stop));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Execute(adminConnection, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private static Result Measure(string name, int writers, int processes, double seconds, Func<DateTime, DateTime, DateTime, IReadOnlyList<WriterTally>> run)
    {
        // Processes need longer to start and compile before the shared start.
        var start = DateTime.UtcNow + TimeSpan.FromSeconds(processes > 1 ? 5 : 0.5);
        var measure = start + TimeSpan.FromSeconds(1);
        var stop = measure + TimeSpan.FromSeconds(seconds);
        var tallies = run(start, measure, stop);
        var latencies = tallies.SelectMany(t => t.Latencies).ToArray();
        Array.Sort(latencies);
        return new Result(
            name,
            writers,
            processes,
            latencies.Length * WriterWorkload.RowsPerTransaction / seconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            Percentile(latencies, 0.999),
            latencies.Length == 0 ? double.NaN : Milliseconds(latencies[^1]),
            tallies.Sum(t => t.Busy),
            tallies.Sum(t => t.Failed),
            tallies.Select(t => t.FirstError).FirstOrDefault(e => e is not null));
    }

    private static IReadOnlyList<WriterTally> RunWriters(WriterMode mode, string connection, int writers, int first, DateTime start, DateTime measure, DateTime stop)
    {
        var shared = mode == WriterMode.SqliteGroupCommit ? new SqliteGroupCommitWriter(connection) : null;
        try
        {
            var tasks = Enumerable.Range(first, writers).Select(w => WriterWorkload.Start(mode, connection, w, start, measure, stop, shared)).ToArray();
            return Task.WhenAll(tasks).GetAwaiter().GetResult();
        }
        finally
        {
            shared?.Dispose();
        }
    }

    private static IReadOnlyList<WriterTally> RunProcesses(WriterMode mode, string connection, int writers, int processes, DateTime start, DateTime measure, DateTime stop, string folder)
    {
        var self = typeof(ManyWritersBenchmark).Assembly.Location;
        var children = new List<(Process Process, string File)>();
        for (var p = 0; p < processes; p++)
        {
            var file = Path.Combine(folder, $"child{p}.bin");
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var arg in new[]
                     {
                         "exec", self, "writers-child", mode.ToString(), connection, (writers / processes).ToString(CultureInfo.InvariantCulture),
                         (p * 1000).ToString(CultureInfo.InvariantCulture), Ticks(start), Ticks(measure), Ticks(stop), file,
                     })
            {
                info.ArgumentList.Add(arg);
            }

            children.Add((Process.Start(info)!, file));
        }

        var tallies = new List<WriterTally>();
        foreach (var (process, file) in children)
        {
            var errors = process.StandardError.ReadToEnd();
            if (errors.Length > 0)
            {
                Console.Error.WriteLine(errors);
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"A writer process failed ({process.ExitCode}): {errors}");
            }

            using var reader = new BinaryReader(File.OpenRead(file));
            var tally = new WriterTally { Busy = reader.ReadInt64(), Failed = reader.ReadInt64() };
            var error = reader.ReadString();
            tally.FirstError = error.Length == 0 ? null : error;
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                tally.Latencies.Add(reader.ReadInt64());
            }

            tallies.Add(tally);
        }

        return tallies;
    }

    private static string Ticks(DateTime at) => at.Ticks.ToString(CultureInfo.InvariantCulture);

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : Milliseconds(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)]);

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static void Execute(string connection, string sql)
    {
        using var admin = new NpgsqlConnection(connection);
        admin.Open();
        using var command = admin.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed record Result(
        string Name, int Writers, int Processes, double RowsPerSecond, double P50, double P99, double P999, double Max, long Busy, long Failed, string? FirstError)
    {
        public const string Header = "| scenario | rows/s | x 1 writer | p50 ms | p99 ms | p99.9 ms | max ms | busy errors | other errors |";

        public string Line(Result baseline) => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {RowsPerSecond:N0} | {RowsPerSecond / baseline.RowsPerSecond:0.00} | {P50:0.00} | {P99:0.00} | {P999:0.00} | {Max:0.0} | {Busy} | {Failed}{(FirstError is null ? string.Empty : " (" + FirstError + ")")} |");

        public static string Table(IReadOnlyList<Result> rows)
        {
            var lines = new List<string> { Header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|" };
            var sqliteBaseline = rows[0];
            var postgresBaseline = rows.FirstOrDefault(r => r.Name.StartsWith("PostgreSQL", StringComparison.Ordinal));
            lines.AddRange(rows.Select(r => r.Line(r.Name.StartsWith("PostgreSQL", StringComparison.Ordinal) ? postgresBaseline! : sqliteBaseline)));
            return string.Join(Environment.NewLine, lines) + Environment.NewLine;
        }
    }
}
