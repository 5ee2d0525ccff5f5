using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Workload;
using AgentHive.Tests.Database;
using AgentHive.Tests.Evolution;
using AgentHive.Tests.Generator;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Workload;

/// <summary>
/// A table whose retention declares daily range partitions, on a real PostgreSQL: the migration creates it
/// partitioned with a DEFAULT partition, maintenance creates partitions ahead and drops exactly the expired
/// ones (never a row newer than the horizon), the generated data access works on it, verify stays clean,
/// and the version that adds it goes up, down and up again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PartitionedRetentionTests : IDisposable
{
    private const string Version1 = """
        schema: logbook
        namespace: Logbook
        version: 1
        tables:
          sources:
            columns:
              id: id
              name: text
        """;

    private const string Version2 = Version1 + """

          events:
            columns:
              id: id
              source_id: { type: bigint, references: sources }
              kind: text
              payload: { type: json, nullable: true }
              created_at: { type: timestamp, default: now }
            indexes:
              - name: ix_events_source
                columns: [source_id]
              - name: ux_events_kind_time
                columns: [kind, created_at]
                unique: true
            retention:
              time: created_at
              keep: 10d
              partition: { interval: day, ahead: 3 }
        """;

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly ConcurrentDictionary<string, Assembly> Builds = new();
    private readonly PostgresTestDatabase _database;

    public PartitionedRetentionTests(PostgresServer server) => _database = new PostgresTestDatabase(server);

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        _database.Dispose();
    }

    internal static Assembly App => Builds.GetOrAdd("v2", _ => GeneratorHarness.CompileApp(Version2.Replace("version: 1", "version: 2"),
        ("/project/history/schema.v1.yaml", Version1), ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(Version1))));

    internal static RetentionDefinition Retention => WorkloadCatalog.Load(App).Retention.Single();

    [Fact]
    public void The_migration_creates_a_partitioned_table_with_its_default_partition_and_verify_is_clean()
    {
        var migrator = new SchemaMigrator(_database.Options, App);
        migrator.Up();

        Assert.Equal("p", Strings("SELECT relkind::text FROM pg_class WHERE relname = 'events'").Single());
        Assert.Equal("PRIMARY KEY (id, created_at)", Strings("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p'").Single());
        Assert.Equal(new[] { "events_default" }, Partitions());
        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
    }

    [Fact]
    public void Maintenance_creates_partitions_ahead_and_drops_exactly_the_expired_ones_keeping_every_newer_row()
    {
        var migrator = new SchemaMigrator(_database.Options, App);
        migrator.Up();
        var partitioning = Retention.Partitioning!;
        using var connection = (NpgsqlConnection)_database.Open();
        var source = _database.Scalar("INSERT INTO sources (name) VALUES ('s') RETURNING id");
        var now = Now(connection);

        // Before any dated partition exists, rows land in the DEFAULT partition.
        var inserted = new List<(string Kind, DateTime At)>();
        void Insert(string kind, DateTime at)
        {
            _database.Execute($"INSERT INTO events (source_id, kind, created_at) VALUES ({source}, '{kind}', '{at:yyyy-MM-dd HH:mm:ss.ffffff}+00')");
            inserted.Add((kind, at));
        }

        Insert("ancient-1", now - TimeSpan.FromDays(40));
        Insert("ancient-2", now - TimeSpan.FromDays(41));
        Insert("future", now + TimeSpan.FromDays(2));
        Insert("today", now);

        // History is loaded into dated partitions: one a day for the 20 days before today.
        var history = PartitionMaintenance.Create(connection, "events", partitioning, now - TimeSpan.FromDays(20), 20);
        Assert.Equal(20, history.PartitionsCreated);
        var created = PartitionMaintenance.Partitions(connection, "events");
        for (var d = 1; d <= 20; d++)
        {
            Insert($"day-{d}-a", now - TimeSpan.FromDays(d));
            Insert($"day-{d}-b", now - TimeSpan.FromDays(d) + TimeSpan.FromMinutes(1));
        }

        var before = Now(connection);
        var result = WorkloadMaintenance.Prune(connection, Retention, batchSize: 1);
        var after = Now(connection);

        var remaining = PartitionMaintenance.Partitions(connection, "events");
        var dropped = created.Select(p => p.Name).Except(remaining.Select(p => p.Name)).ToHashSet();
        var keep = Retention.Keep;
        // Exactly the partitions whose whole range was past the horizon when maintenance ran.
        Assert.Subset(dropped, created.Where(p => p.To <= before - keep).Select(p => p.Name).ToHashSet());
        Assert.Superset(dropped, created.Where(p => p.To <= after - keep).Select(p => p.Name).ToHashSet());
        Assert.InRange(dropped.Count, 9, 10);
        Assert.Equal(dropped.Count, result.PartitionsDropped);

        // Every row newer than the horizon is still there; the ones in DEFAULT older than it are deleted.
        var rows = Strings("SELECT kind FROM events").ToHashSet();
        Assert.All(inserted.Where(r => r.At >= before - keep), r => Assert.Contains(r.Kind, rows));
        Assert.DoesNotContain("ancient-1", rows);
        Assert.DoesNotContain("ancient-2", rows);
        Assert.Equal(inserted.Count - rows.Count, result.Rows);
        Assert.Equal(0, result.PartitionsPostponed);

        // Partitions for today and the three days ahead exist; today's and the future row moved out of DEFAULT.
        var names = remaining.Select(p => p.Name).ToHashSet();
        for (var i = 0; i <= partitioning.Ahead; i++)
        {
            Assert.Contains(partitioning.NameOf(partitioning.StartOf(after) + (i * Day)), names);
        }

        Assert.Equal(partitioning.NameOf(partitioning.StartOf(now + TimeSpan.FromDays(2))), Strings("SELECT tableoid::regclass::text FROM events WHERE kind = 'future'").Single());
        Assert.Equal(partitioning.NameOf(partitioning.StartOf(now)), Strings("SELECT tableoid::regclass::text FROM events WHERE kind = 'today'").Single());
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM events_default"));
        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));

        // A second run finds nothing to do (unless a new day began in between, which it then prepares).
        var again = WorkloadMaintenance.Prune(connection, Retention);
        var dayBegan = partitioning.StartOf(Now(connection)) != partitioning.StartOf(after);
        Assert.Equal(dayBegan ? 1 : 0, again.PartitionsCreated);
        if (!dayBegan)
        {
            Assert.Equal((0L, 0), (again.Rows, again.PartitionsDropped));
        }
    }

    [Fact]
    public void Maintenance_refuses_to_wait_for_a_lock_and_leaves_the_change_for_the_next_run()
    {
        new SchemaMigrator(_database.Options, App).Up();
        using var connection = (NpgsqlConnection)_database.Open();
        using var holder = (NpgsqlConnection)_database.Open();
        using (var tx = holder.BeginTransaction())
        {
            using (var command = new NpgsqlCommand("LOCK TABLE events_default IN ACCESS EXCLUSIVE MODE", holder, tx))
            {
                command.ExecuteNonQuery();
            }

            var blocked = PartitionMaintenance.CreateAhead(connection, "events", Retention.Partitioning!, TimeSpan.FromMilliseconds(200));
            Assert.Equal(0, blocked.PartitionsCreated);
            Assert.Equal(Retention.Partitioning!.Ahead + 1, blocked.PartitionsPostponed);
            Assert.Equal(new[] { "events_default" }, Partitions());
        }

        var next = PartitionMaintenance.CreateAhead(connection, "events", Retention.Partitioning!);
        Assert.Equal(Retention.Partitioning!.Ahead + 1, next.PartitionsCreated);
    }

    [Fact]
    public void Creating_the_current_partition_moves_default_rows_while_a_writer_keeps_inserting_into_its_range()
    {
        new SchemaMigrator(_database.Options, App).Up();
        var source = _database.Scalar("INSERT INTO sources (name) VALUES ('s') RETURNING id");
        _database.Execute($"INSERT INTO events (source_id, kind) SELECT {source}, 'before-' || n FROM generate_series(1, 2000) n");
        var written = 0;
        Exception? failure = null;
        var stop = false;
        var writer = new System.Threading.Thread(() =>
        {
            try
            {
                using var connection = _database.Open();
                using var command = connection.CreateCommand();
                while (!System.Threading.Volatile.Read(ref stop))
                {
                    command.CommandText = $"INSERT INTO events (source_id, kind) VALUES ({source}, 'writer-{written}')";
                    command.ExecuteNonQuery();
                    System.Threading.Interlocked.Increment(ref written);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        writer.Start();
        using var connection = (NpgsqlConnection)_database.Open();
        var partitioning = Retention.Partitioning!;
        // Wait until the writer is under way, so the move really runs beside it.
        Assert.True(SpinUntil(() => System.Threading.Volatile.Read(ref written) > 50), "the writer did not start");

        var result = MaintenanceResult.None;
        for (var run = 0; run < 20 && result.PartitionsCreated < partitioning.Ahead + 1; run++)
        {
            result = result.Add(PartitionMaintenance.CreateAhead(connection, "events", partitioning, TimeSpan.FromSeconds(5)));
        }

        var afterCreate = System.Threading.Volatile.Read(ref written);
        Assert.True(SpinUntil(() => System.Threading.Volatile.Read(ref written) > afterCreate + 50), $"the writer stopped after the partitions were created: {failure}");
        System.Threading.Volatile.Write(ref stop, true);
        writer.Join();

        Assert.Null(failure);
        Assert.Equal(partitioning.Ahead + 1, result.PartitionsCreated);
        Assert.Equal(2000 + written, _database.Scalar("SELECT count(*) FROM events"));
        Assert.Equal(written, _database.Scalar("SELECT count(DISTINCT kind) FROM events WHERE kind LIKE 'writer-%'"));
        // Every row is from today on, which the new partitions cover: none is left in DEFAULT.
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM events_default"));
    }

    [Fact]
    public void Two_maintenance_runs_at_once_create_and_drop_each_partition_once()
    {
        new SchemaMigrator(_database.Options, App).Up();
        var partitioning = Retention.Partitioning!;
        using var connection = (NpgsqlConnection)_database.Open();
        PartitionMaintenance.Create(connection, "events", partitioning, Now(connection) - TimeSpan.FromDays(20), 20);
        var expired = PartitionMaintenance.Partitions(connection, "events").Count(p => p.To <= Now(connection) - Retention.Keep);

        var barrier = new System.Threading.Barrier(2);
        var results = new MaintenanceResult[2];
        var failures = new ConcurrentBag<Exception>();
        var runs = Enumerable.Range(0, 2).Select(i => new System.Threading.Thread(() =>
        {
            try
            {
                using var own = _database.Open();
                barrier.SignalAndWait(TimeSpan.FromMinutes(1));
                results[i] = WorkloadMaintenance.Prune(own, Retention);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        })).ToList();
        runs.ForEach(t => t.Start());
        runs.ForEach(t => t.Join());
        // A run whose turn did not come within the lock timeout left its change to the next one.
        var last = WorkloadMaintenance.Prune(connection, Retention);

        Assert.Empty(failures);
        var all = results[0].Add(results[1]).Add(last);
        Assert.Equal(partitioning.Ahead + 1, all.PartitionsCreated);
        Assert.InRange(all.PartitionsDropped, expired, expired + 1);
        Assert.Equal(partitioning.Ahead + 1 + 20 - all.PartitionsDropped, PartitionMaintenance.Partitions(connection, "events").Count);
    }

    private static bool SpinUntil(Func<bool> condition) => System.Threading.SpinWait.SpinUntil(condition, TimeSpan.FromMinutes(1));

    [Fact]
    public void Generated_data_access_reads_and_writes_a_partitioned_table()
    {
        new SchemaMigrator(_database.Options, App).Up();
        using var connection = (NpgsqlConnection)_database.Open();
        WorkloadMaintenance.Prune(connection, Retention);
        var source = _database.Scalar("INSERT INTO sources (name) VALUES ('s') RETURNING id");
        dynamic database = Activator.CreateInstance(App.GetType("Logbook.LogbookDatabase", throwOnError: true)!, connection)!;
        // The entity's properties are init-only: set them as an object initializer would.
        dynamic Event(long? id, string kind, DateTimeOffset? at)
        {
            var type = App.GetType("Logbook.Entities.Event", throwOnError: true)!;
            var row = Activator.CreateInstance(type)!;
            foreach (var (property, value) in new (string, object?)[] { ("Id", id), ("SourceId", source), ("Kind", kind), ("CreatedAt", at) })
            {
                type.GetProperty(property)!.SetValue(row, value);
            }

            return row;
        }

        long recent = database.Events.Insert(Event(null, "recent", null));
        long old = database.Events.Insert(Event(null, "old", DateTimeOffset.UtcNow.AddDays(-3)));

        dynamic row = database.Events.Get(recent);
        Assert.Equal("recent", (string)row.Kind);
        Assert.True((bool)database.Events.Update(Event(recent, "renamed", (DateTimeOffset?)row.CreatedAt)));
        Assert.Equal("renamed", (string)database.Events.Get(recent).Kind);
        Assert.Equal("old", (string)database.Events.Get(old).Kind);
        Assert.Equal(new[] { "events_default" }, Strings($"SELECT tableoid::regclass::text FROM events WHERE id = {old}"));
        Assert.True((bool)database.Events.Exists(old));
        Assert.True((bool)database.Events.Delete(old));
        Assert.False((bool)database.Events.Exists(old));
        Assert.Null(database.Events.Get(old));
        Assert.Equal(new[] { "renamed" }, Strings("SELECT kind FROM events"));
    }

    [Fact]
    public void The_version_adding_a_partitioned_table_goes_up_down_and_up_with_verify_clean()
    {
        var migrator = new SchemaMigrator(_database.Options, App);
        migrator.Up();
        using (var connection = (NpgsqlConnection)_database.Open())
        {
            WorkloadMaintenance.Prune(connection, Retention);
        }

        Assert.True(Partitions().Count > 1);
        var up = migrator.Verify();
        Assert.True(up.Clean, string.Join("\n", up.Problems));

        migrator.Down(1);
        Assert.Empty(Strings("SELECT relname::text FROM pg_class WHERE relname LIKE 'events%'"));
        var down = migrator.Verify();
        Assert.True(down.Clean, string.Join("\n", down.Problems));

        migrator.Up();
        var again = migrator.Verify();
        Assert.True(again.Clean, string.Join("\n", again.Problems));
        Assert.Equal(new[] { "events_default" }, Partitions());
    }

    [Fact]
    public void A_later_version_renames_the_partitioned_table_and_adds_a_column_and_an_index_with_verify_clean_both_ways()
    {
        var version2 = Version2.Replace("version: 1", "version: 2");
        var version3 = version2.Replace("version: 2", "version: 3")
            .Replace("  events:\n", "  journal:\n    renamedFrom: events\n")
            .Replace("      kind: text\n", "      kind: text\n      note: { type: text, nullable: true }\n")
            .Replace("      - name: ix_events_source\n", "      - name: ix_journal_kind\n        columns: [kind]\n      - name: ix_events_source\n");
        var checksums = string.Concat(AgentHive.Generator.HistoryPipeline.Run(EvolutionSchemas.History(version2, ("/project/history/schema.v1.yaml", Version1),
                ("/project/history/schema.checksums", EvolutionSchemas.ChecksumsOf(Version1)))).Model!.Versions
            .Select(v => $"{v.Version} sqlite {v.SqliteChecksum}\n{v.Version} postgres {v.PostgresChecksum}\n"));
        var app3 = Builds.GetOrAdd("v3", _ => GeneratorHarness.CompileApp(version3, ("/project/history/schema.v1.yaml", Version1), ("/project/history/schema.v2.yaml", version2),
            ("/project/history/schema.checksums", checksums)));
        var migrator = new SchemaMigrator(_database.Options, app3);
        migrator.Up(2);
        using var connection = (NpgsqlConnection)_database.Open();
        WorkloadMaintenance.Prune(connection, Retention);
        var source = _database.Scalar("INSERT INTO sources (name) VALUES ('s') RETURNING id");
        _database.Execute($"INSERT INTO events (source_id, kind, created_at) SELECT {source}, 'e-' || n, now() - n * interval '1 hour' FROM generate_series(1, 100) n");

        migrator.Up();

        var renamed = WorkloadCatalog.Load(app3).Retention.Single();
        Assert.Equal(("journal", "journal_default"), (renamed.Table, renamed.Partitioning!.DefaultPartition));
        Assert.Equal(100, _database.Scalar("SELECT count(*) FROM journal"));
        Assert.Contains("journal_default", Strings("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'journal'::regclass"));
        var up = migrator.Verify();
        Assert.True(up.Clean, string.Join("\n", up.Problems));
        _database.Execute($"INSERT INTO journal (source_id, kind, note, created_at) VALUES ({source}, 'old', 'n', now() - interval '30 days')");
        var pruned = WorkloadMaintenance.Prune(connection, renamed);
        Assert.Equal(1, pruned.Rows);
        Assert.Equal(100, _database.Scalar("SELECT count(*) FROM journal"));

        migrator.Down(2);
        Assert.Equal(100, _database.Scalar("SELECT count(*) FROM events"));
        var down = migrator.Verify();
        Assert.True(down.Clean, string.Join("\n", down.Problems));
    }

    private List<string> Strings(string sql)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    private List<string> Partitions() =>
        Strings("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1");

    private static DateTime Now(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT now()", connection);
        return (DateTime)command.ExecuteScalar()!;
    }
}
