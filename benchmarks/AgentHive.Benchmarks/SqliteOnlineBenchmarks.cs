using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Collections.Immutable;
using System.Threading;
using AgentHive.Generator;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Diff;
using AgentHive.Runtime.Sqlite;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AgentHive.Benchmarks;

/// <summary>
/// Adding a nullable column and an index to a populated SQLite table (1,000,000 rows): in place (ALTER TABLE
/// ADD COLUMN, CREATE INDEX), the ADD COLUMN alone, and the rebuild earlier versions generated for the same
/// change. A writer on its own connection inserts throughout; its longest wait is printed after each iteration
/// ("writer: ..."). Each iteration starts from a copy of the same populated file, so run it one operation per
/// iteration: <c>dotnet run -c Release --project benchmarks/AgentHive.Benchmarks -- --inProcess --strategy Monitoring
/// --warmupCount 1 --iterationCount 3 --filter '*SqliteOnline*'</c>.
/// </summary>
public class SqliteOnlineBenchmarks
{
    private const string Version1 = """
        schema: jobs
        version: 1
        tables:
          jobs:
            columns:
              id: id
              owner: text
              state: { type: text, default: queued }
              note: { type: text, nullable: true }
              created_at: { type: timestamp, default: now }
            indexes:
              - columns: [owner]
        """;

    private static readonly string Version2 = Version1.Replace("version: 1", "version: 2")
        .Replace("      note: { type: text, nullable: true }", "      note: { type: text, nullable: true }\n      label: { type: text, nullable: true }")
        .Replace("      - columns: [owner]", "      - columns: [owner]\n      - name: ix_jobs_label\n        columns: [label]");

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agenthive-bench-" + Guid.NewGuid().ToString("N"));
    private string _template = string.Empty;
    private string _database = string.Empty;
    private IReadOnlyList<string> _statements = Array.Empty<string>();
    private Thread? _writer;
    private volatile bool _stop;
    private long _longestWaitTicks;
    private int _inserts;
    private int _failures;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [Params("in place", "add column only", "rebuild")]
    public string Change { get; set; } = "in place";

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        var history = Plan();
        var inPlace = history.Versions[1].SqliteUp.ToList();
        var v1 = HistoryPipeline.Run(Sources(Version1)).Model!.Current;
        var mapping = TableMapping.ForUpgrade(v1, history.Current, new List<string>());
        _statements = Change switch
        {
            "in place" => inPlace,
            "add column only" => inPlace.Where(s => s.StartsWith("ALTER", StringComparison.Ordinal)).ToList(),
            _ => SqlitePlanner.Plan(VersionChanges.Upgrade(v1, history.Current, mapping), SqliteDialect.Instance, SqliteDialect.Instance, SqliteAlterMode.RebuildOnly),
        };

        _template = Path.Combine(_folder, "template.db");
        using var connection = SqliteConnectionSetup.Open($"Data Source={_template};Pooling=False");
        Run(connection, history.Versions[0].SqliteUp);
        Run(connection, new[]
        {
            $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows}) " +
            "INSERT INTO jobs (owner, state, note, created_at) SELECT 'owner ' || (i % 1000), 'queued', CASE WHEN i % 5 = 0 THEN 'note ' || i END, " +
            "'2024-01-01 00:00:00.000000+00:00' FROM n",
        });
        Run(connection, new[] { "PRAGMA wal_checkpoint(TRUNCATE)" });
    }

    [IterationSetup]
    public void CopyAndStartWriter()
    {
        SqliteConnection.ClearAllPools();
        _database = Path.Combine(_folder, "work.db");
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_database + suffix);
        }

        File.Copy(_template, _database);
        _stop = false;
        _longestWaitTicks = 0;
        _inserts = 0;
        _failures = 0;
        using var ready = new ManualResetEventSlim();
        _writer = new Thread(() =>
        {
            // Long enough a busy timeout that a rebuild's wait is measured rather than cut off at the default 5 s.
            using var connection = SqliteConnectionSetup.Open($"Data Source={_database};Pooling=False", busyTimeoutSeconds: 120);
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO jobs (owner) VALUES ('writer')";
            ready.Set();
            while (!_stop)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    insert.ExecuteNonQuery();
                    _inserts++;
                }
                catch (SqliteException)
                {
                    _failures++;
                }

                _longestWaitTicks = Math.Max(_longestWaitTicks, watch.ElapsedTicks);
                Thread.Sleep(2);
            }
        });
        _writer.Start();
        ready.Wait();
        Thread.Sleep(50);
    }

    [Benchmark]
    public void AddNullableColumnAndIndex()
    {
        using var connection = SqliteConnectionSetup.Open($"Data Source={_database};Pooling=False", foreignKeys: false);
        using var transaction = connection.BeginTransaction();
        foreach (var statement in _statements)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    [IterationCleanup]
    public void StopWriter()
    {
        Thread.Sleep(50);
        _stop = true;
        _writer?.Join();
        Console.WriteLine($"// writer [{Change}, {Rows} rows]: longest wait {TimeSpan.FromTicks(_longestWaitTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency).TotalMilliseconds:F0} ms over {_inserts} inserts, {_failures} failed");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static Generator.Model.HistoryModel Plan()
    {
        var checksums = HistoryPipeline.Run(Sources(Version1)).Model!.Versions.Single();
        var sources = Sources(Version2,
            ("/bench/history/schema.v1.yaml", Version1),
            ("/bench/history/schema.checksums", $"1 sqlite {checksums.SqliteChecksum}\n1 postgres {checksums.PostgresChecksum}\n"));
        var result = HistoryPipeline.Run(sources);
        return result.Model ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Select(d => d.Message)));
    }

    private static ImmutableArray<SchemaSource> Sources(string current, params (string Path, string Text)[] frozen) =>
        frozen.Select(f => new SchemaSource(f.Path, f.Text)).Append(new SchemaSource("/bench/schema.yaml", current)).ToImmutableArray();

    private static void Run(SqliteConnection connection, IEnumerable<string> statements)
    {
        foreach (var statement in statements)
        {
            using var command = connection.CreateCommand();
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }
    }
}
