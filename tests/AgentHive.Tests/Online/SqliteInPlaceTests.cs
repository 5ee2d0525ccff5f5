using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using AgentHive.Generator.Diff;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using Xunit;

namespace AgentHive.Tests.Online;

/// <summary>
/// Changes SQLite can make with ALTER TABLE run in place on a populated table: no copy of the table, the
/// same b-tree and rows, a handful of pages written whatever the table's size, writers held up only for
/// the one upgrade transaction, and a result verify cannot tell from a fresh install.
/// </summary>
public sealed class SqliteInPlaceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agenthive-tests", Guid.NewGuid().ToString("N"));

    public SqliteInPlaceTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        OnlineSchemas.Release();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Fact]
    public void Nullable_column_and_index_are_one_ADD_COLUMN_and_one_CREATE_INDEX()
    {
        var version2 = OnlineSchemas.History(OnlineSchemas.NullableColumnAndIndex).Versions[1];

        Assert.Equal(new[]
        {
            "ALTER TABLE \"jobs\" ADD COLUMN \"label\" TEXT",
            "CREATE INDEX \"ix_jobs_label\" ON \"jobs\" (\"label\")",
        }, version2.SqliteUp);
        Assert.Equal(new[] { "DROP INDEX \"ix_jobs_label\"", "ALTER TABLE \"jobs\" DROP COLUMN \"label\"" }, version2.SqliteDown);
    }

    [Fact]
    public void Every_in_place_change_plans_no_rebuild()
    {
        var up = OnlineSchemas.History(OnlineSchemas.EveryInPlaceChange).Versions[1].SqliteUp;

        Assert.DoesNotContain(up, s => s.Contains("agenthive_new_", StringComparison.Ordinal) || s.StartsWith("DROP TABLE", StringComparison.Ordinal));
        Assert.Contains("ALTER TABLE \"jobs\" RENAME COLUMN \"note\" TO \"remark\"", up);
        Assert.Contains("ALTER TABLE \"jobs\" ADD COLUMN \"attempts\" INTEGER NOT NULL DEFAULT 0 CONSTRAINT \"ck_jobs_attempts_range\" CHECK (\"attempts\" BETWEEN 0 AND 50)", up);
        Assert.Contains("ALTER TABLE \"jobs\" ADD COLUMN \"parent_id\" INTEGER CONSTRAINT \"fk_jobs_parent_id\" REFERENCES \"jobs\" (\"id\") ON DELETE SET NULL", up);
        Assert.Single(up, s => s.StartsWith("UPDATE \"jobs\" SET \"summary\" = ", StringComparison.Ordinal) && !s.Contains("WHERE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(200_000)]
    public void Adding_a_nullable_column_writes_the_same_few_pages_at_any_size_and_keeps_the_table(int rows)
    {
        var path = Version1With(rows);
        var rootpage = OnlineSchemas.Scalar(path, "SELECT rootpage FROM sqlite_schema WHERE name = 'jobs'");
        var tablePages = OnlineSchemas.Scalar(path, "PRAGMA page_count");
        var before = Fingerprint(path);
        var addColumn = OnlineSchemas.History(OnlineSchemas.NullableColumnAndIndex).Versions[1].SqliteUp.Where(s => s.StartsWith("ALTER", StringComparison.Ordinal)).ToList();

        var written = PagesWritten(path, () => OnlineSchemas.Apply(path, addColumn));

        // The schema page and the header: nothing of the table itself is read or rewritten.
        Assert.InRange(written, 1, 4);
        Assert.True(tablePages > 100, $"the table holds {tablePages} pages");
        Assert.Equal(rootpage, OnlineSchemas.Scalar(path, "SELECT rootpage FROM sqlite_schema WHERE name = 'jobs'"));
        Assert.Equal(before, Fingerprint(path));
        Assert.Equal(0, OnlineSchemas.Scalar(path, "SELECT COUNT(*) FROM jobs WHERE label IS NOT NULL"));
    }

    [Fact]
    public void The_same_change_as_a_rebuild_writes_every_page_of_the_table()
    {
        // The baseline the in-place change is measured against: the plan of versions frozen before it.
        var path = Version1With(10_000);
        var history = OnlineSchemas.History(OnlineSchemas.NullableColumnAndIndex);
        var rebuild = SqlitePlanner.Plan(Upgrade(history), SqliteDialect.Instance, SqliteDialect.Instance, SqliteAlterMode.RebuildOnly);
        var filePages = OnlineSchemas.Scalar(path, "PRAGMA page_count");

        var written = PagesWritten(path, () => OnlineSchemas.Apply(path, rebuild));

        Assert.Contains(rebuild, s => s.StartsWith("INSERT INTO \"agenthive_new_jobs\"", StringComparison.Ordinal));
        // The jobs table is most of the file; the rebuild writes all of it again, and its index.
        Assert.True(written >= filePages * 3 / 4, $"rebuild wrote {written} pages, the file has {filePages}");
    }

    [Fact]
    public void Nullable_column_and_index_upgrade_keeps_rows_and_rootpage_and_verifies_like_a_fresh_install()
    {
        var path = Version1With(10_000);
        var rootpage = OnlineSchemas.Scalar(path, "SELECT rootpage FROM sqlite_schema WHERE name = 'jobs'");
        var before = Fingerprint(path);
        var history = OnlineSchemas.History(OnlineSchemas.NullableColumnAndIndex);

        OnlineSchemas.Apply(path, history.Versions[1].SqliteUp);

        Assert.Equal(rootpage, OnlineSchemas.Scalar(path, "SELECT rootpage FROM sqlite_schema WHERE name = 'jobs'"));
        Assert.Equal(before, Fingerprint(path));
        Assert.Empty(OnlineSchemas.Snapshot(path).DifferencesFrom(FreshInstall(history.Current), "a fresh install"));
        Assert.Equal("ok", OnlineSchemas.Text(path, "PRAGMA integrity_check"));
    }

    [Fact]
    public void Every_in_place_change_keeps_rows_fills_new_columns_verifies_like_a_fresh_install_and_goes_back_down()
    {
        var path = Version1With(2_000);
        var before = Fingerprint(path);
        var history = OnlineSchemas.History(OnlineSchemas.EveryInPlaceChange);
        var version1 = FreshInstall(history.Versions[0].SqliteUp);

        OnlineSchemas.Apply(path, history.Versions[1].SqliteUp);

        Assert.Equal(before, Fingerprint(path, note: "remark"));
        Assert.Equal(2_000, OnlineSchemas.Scalar(path, "SELECT COUNT(*) FROM jobs WHERE attempts = 0 AND retry_state = 'queued' AND parent_id IS NULL AND summary = 'job ' || name"));
        Assert.Equal(0, OnlineSchemas.Scalar(path, "SELECT COUNT(*) FROM jobs WHERE updated_at <> '2024-01-01 00:00:00.000000+00:00'"));
        Assert.Empty(OnlineSchemas.Snapshot(path).DifferencesFrom(FreshInstall(history.Current), "a fresh install"));
        AssertRules(path);

        OnlineSchemas.Apply(path, history.Versions[1].SqliteDown);

        Assert.Equal(before, Fingerprint(path));
        Assert.Empty(OnlineSchemas.Snapshot(path).DifferencesFrom(version1, "version 1"));
    }

    [Fact]
    public void A_writer_waits_no_longer_than_the_one_upgrade_transaction_while_a_column_and_an_index_are_added()
    {
        var path = Version1With(200_000);
        var statements = OnlineSchemas.History(OnlineSchemas.NullableColumnAndIndex).Versions[1].SqliteUp;
        var addColumn = TimeSpan.Zero;
        var indexBuild = TimeSpan.Zero;
        var waits = new List<TimeSpan>();
        using var stop = new CancellationTokenSource();
        var writer = new Thread(() =>
        {
            // A separate connection, set up as the runtime sets up every application connection (busy_timeout 5 s).
            using var connection = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False");
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO jobs (owner_id, name) VALUES (1, 'during the upgrade')";
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                insert.ExecuteNonQuery();
                lock (waits)
                {
                    waits.Add(watch.Elapsed);
                }

                Thread.Sleep(1);
            }
        });
        writer.Start();
        Thread.Sleep(200);

        var upgrade = Stopwatch.StartNew();
        using (var connection = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False", foreignKeys: false))
        using (var transaction = connection.BeginTransaction())
        {
            foreach (var statement in statements)
            {
                var watch = Stopwatch.StartNew();
                OnlineSchemas.Execute(connection, transaction, statement);
                addColumn = statement.StartsWith("ALTER", StringComparison.Ordinal) ? watch.Elapsed : addColumn;
                indexBuild = statement.StartsWith("CREATE INDEX", StringComparison.Ordinal) ? watch.Elapsed : indexBuild;
            }

            transaction.Commit();
        }

        upgrade.Stop();
        Thread.Sleep(200);
        stop.Cancel();
        writer.Join();

        var longestWait = waits.Max();
        Assert.True(waits.Count > 10, $"the writer ran {waits.Count} inserts");
        // The lock is held for the one transaction: ADD COLUMN (a schema edit, after a read-only check of the
        // table that SQLite runs for STRICT tables), the index build, and the commit. The writer waits for that
        // and no more; the busy handler polls, so it may wake up to ~100 ms after the lock is free.
        Assert.True(longestWait <= upgrade.Elapsed + TimeSpan.FromMilliseconds(500),
            $"longest writer wait {longestWait.TotalMilliseconds:F0} ms, upgrade transaction {upgrade.Elapsed.TotalMilliseconds:F0} ms " +
            $"(ADD COLUMN {addColumn.TotalMilliseconds:F0} ms, CREATE INDEX {indexBuild.TotalMilliseconds:F0} ms)");
        Assert.Equal(200_000 + waits.Count, OnlineSchemas.Scalar(path, "SELECT COUNT(*) FROM jobs"));
        Assert.Equal(1, OnlineSchemas.Scalar(path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'ix_jobs_label'"));
    }

    private static void AssertRules(string path)
    {
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => Exec(path, "UPDATE jobs SET attempts = 51 WHERE id = 1"));
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => Exec(path, "UPDATE jobs SET retry_state = 'lost' WHERE id = 1"));
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => Exec(path, "UPDATE jobs SET parent_id = 999999 WHERE id = 1"));
        Exec(path, "UPDATE jobs SET parent_id = 1 WHERE id = 2");
        Exec(path, "DELETE FROM jobs WHERE id = 1");
        Assert.Equal(1, OnlineSchemas.Scalar(path, "SELECT COUNT(*) FROM jobs WHERE id = 2 AND parent_id IS NULL"));
        Assert.NotEqual("2024-01-01 00:00:00.000000+00:00", OnlineSchemas.Text(path, "SELECT updated_at FROM jobs WHERE id = 2"));
        Exec(path, "INSERT INTO jobs (id, owner_id, name, remark, created_at, updated_at) VALUES (1, 2, 'job 1', NULL, '2024-01-01 00:00:00.000000+00:00', '2024-01-01 00:00:00.000000+00:00')");
        Exec(path, "UPDATE jobs SET remark = NULL WHERE id = 2");
    }

    private static void Exec(string path, string sql)
    {
        using var connection = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False");
        OnlineSchemas.Execute(connection, null, sql);
    }

    /// <summary>A digest of every version 1 value of every row, so any change to one of them shows.</summary>
    private static string Fingerprint(string path, string note = "note") => OnlineSchemas.Text(path,
        $"SELECT COUNT(*) || ':' || SUM(id * 7 + owner_id) || ':' || SUM(length(name) + length(coalesce({note}, '')) * 3) || ':' || " +
        $"group_concat(DISTINCT state) || ':' || SUM(unicode(substr(coalesce({note}, 'x'), -1))) FROM jobs");

    private string Version1With(int rows)
    {
        var path = Path.Combine(_folder, $"jobs-{rows}-{Guid.NewGuid():N}.db");
        OnlineSchemas.Apply(path, OnlineSchemas.History(OnlineSchemas.NullableColumnAndIndex).Versions[0].SqliteUp);
        OnlineSchemas.Populate(path, rows);
        return path;
    }

    /// <summary>Pages a change appends to the WAL: every page it writes, once.</summary>
    private static long PagesWritten(string path, Action change)
    {
        // An open connection keeps the WAL from being checkpointed away when the change's own connection closes.
        using var keeper = Runtime.Sqlite.SqliteConnectionSetup.Open($"Data Source={path};Pooling=False");
        Checkpoint(keeper, "TRUNCATE");
        change();
        return Checkpoint(keeper, "PASSIVE");
    }

    private static long Checkpoint(Microsoft.Data.Sqlite.SqliteConnection connection, string mode)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.GetInt64(1);
    }

    private static VersionChanges Upgrade(HistoryModel history)
    {
        var v1 = AgentHive.Generator.HistoryPipeline.Run(Evolution.EvolutionSchemas.History(OnlineSchemas.Version1)).Model!.Current;
        return VersionChanges.Upgrade(v1, history.Current, TableMapping.ForUpgrade(v1, history.Current, new List<string>()));
    }

    private Runtime.Deployment.SchemaSnapshot FreshInstall(SchemaModel schema) => FreshInstall(DdlBuilder.Create(schema, SqliteDialect.Instance));

    private Runtime.Deployment.SchemaSnapshot FreshInstall(IEnumerable<string> statements)
    {
        var path = Path.Combine(_folder, $"fresh-{Guid.NewGuid():N}.db");
        OnlineSchemas.Apply(path, statements);
        return OnlineSchemas.Snapshot(path);
    }
}
