using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Runtime.CommandLine;
using AgentHive.Runtime.Configuration;
using AgentHive.Runtime.Deployment;
using AgentHive.Runtime.Migrations;
using AgentHive.Runtime.Postgres;
using AgentHive.Tests.Database;
using AgentHive.Tests.Deployment;
using Npgsql;
using Xunit;

namespace AgentHive.Tests.Online;

/// <summary>
/// Column types PostgreSQL changes by rewriting the table (integer to bigint, smallint to integer, a decimal's
/// scale) change online on a populated table while the application inserts and updates it: no application
/// statement waits about a second, every value survives (the old types' edges, NULLs, rows the application
/// writes meanwhile), the column keeps its index, check, default and NOT NULL, and an interrupted change
/// completes on the next up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOnlineTypeChangeTests : IDisposable
{
    private const int Rows = 30_000;

    /// <summary>Rows the application updates (ids 1 to this); the rest keep the values they had before the upgrade.</summary>
    private const int Updated = 20_000;

    private static readonly TimeSpan AboutASecond = TimeSpan.FromSeconds(1);
    private readonly PostgresTestDatabase _database;

    public PostgresOnlineTypeChangeTests(PostgresServer server) => _database = new PostgresTestDatabase(server);

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        _database.Dispose();
    }

    /// <summary>
    /// amount: indexed, checked, NOT NULL; level: nullable with a default, in a two-column index; ratio: a
    /// decimal whose scale grows; mirror: a copy of amount the application keeps equal to it.
    /// </summary>
    public const string Version1 = """
        schema: widening
        namespace: WideningShop
        version: 1
        tables:
          accounts:
            columns:
              id: id
              name: text
          readings:
            columns:
              id: id
              account_id: { type: bigint, references: accounts }
              amount: { type: integer, min: -2147483648 }
              mirror: bigint
              level: { type: smallint, nullable: true, default: 3 }
              ratio: { type: decimal, precision: 10, scale: 2 }
            indexes:
              - name: ix_readings_amount
                columns: [amount]
              - name: ix_readings_account_level
                columns: [account_id, level]
        """;

    public static string Version2 => Version1.Replace("version: 1", "version: 2")
        .Replace("amount: { type: integer,", "amount: { type: bigint,")
        .Replace("level: { type: smallint,", "level: { type: integer,")
        .Replace("precision: 10, scale: 2", "precision: 12, scale: 4");

    private const string Insert = "INSERT INTO readings (account_id, amount, mirror, level, ratio) VALUES (1, 7, 7, 5, 2.50)";
    private const string Update = "UPDATE readings SET amount = amount + 1, mirror = mirror + 1 WHERE id = @n";

    [Fact]
    public void Rewriting_type_changes_run_online_while_the_application_inserts_and_updates_and_keep_every_value()
    {
        Populate();
        var built = PostgresOnlineSchemas.BuildVersion2(Version2, Version1);
        var online = BuiltMigrations.Load(built).Single(m => m.Version == 2).PostgresOnlineUp;
        Assert.Equal(3, online.Count(s => s.StartsWith("DO $step$", StringComparison.Ordinal)));
        Assert.Equal(3, online.Count(s => s.Contains("@first_page", StringComparison.Ordinal)));
        Assert.Equal(2, online.Count(s => s.StartsWith("CREATE INDEX CONCURRENTLY", StringComparison.Ordinal)));
        var migrator = new SchemaMigrator(_database.Options, built);

        using var writer = new ConcurrentWriter(_database.ConnectionString, Insert, Update);
        var before = writer.Statements;
        var applied = migrator.Up();
        var during = writer.Statements - before;
        writer.Stop();

        Assert.Null(writer.Failure);
        Assert.Equal(new long[] { 2 }, applied.Select(s => s.Version));
        Assert.True(during > 0, "the writer ran no statement while the migrator worked");
        Assert.True(writer.LongestWait < AboutASecond, $"the writer waited {writer.LongestWait.TotalMilliseconds:F0} ms on {writer.LongestStatement}");
        AssertWidenedWithEveryValue();
        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));

        // Down is the plain in-transaction ALTER; the values still fit the old types.
        migrator.Down(1);
        Assert.Equal("integer", Type("amount"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM readings r JOIN snapshot.readings b USING (id) WHERE r.id > 20000 AND (r.amount <> b.amount OR r.level IS DISTINCT FROM b.level OR r.ratio <> b.ratio)"));
        Assert.True(migrator.Verify().Clean);
    }

    [Fact]
    public void Dates_times_booleans_and_integers_convert_online_exactly_as_the_plain_alter_converts_them()
    {
        const string v1 = """
            schema: conversions
            namespace: ConversionShop
            version: 1
            tables:
              samples:
                columns:
                  id: id
                  day: { type: date, nullable: true }
                  at: { type: time, nullable: true }
                  count: integer
                  flag: boolean
                  small: smallint
            """;
        var v2 = v1.Replace("version: 1", "version: 2").Replace("day: { type: date,", "day: { type: text,").Replace("at: { type: time,", "at: { type: text,")
            .Replace("count: integer", "count: real").Replace("flag: boolean", "flag: integer").Replace("small: smallint", "small: { type: decimal, precision: 7, scale: 2 }");
        new SchemaMigrator(_database.Options, PostgresOnlineSchemas.BuildVersion1(v1)).Up();
        _database.Execute(
            "INSERT INTO samples (day, at, count, flag, small) SELECT CASE WHEN g % 7 = 0 THEN NULL ELSE date '1999-12-25' + g END, " +
            "CASE WHEN g % 5 = 0 THEN NULL ELSE time '00:00' + g * interval '1.000017 second' END, g * 1000 - 2000000, g % 2 = 0, (g % 60000 - 30000)::smallint " +
            "FROM generate_series(1, 4998) g; " +
            "INSERT INTO samples (day, at, count, flag, small) VALUES (date '0001-01-01', time '23:59:59.999999', 2147483647, true, 32767), (date '9999-12-31', time '00:00', -2147483648, false, -32768); " +
            "CREATE SCHEMA snapshot; CREATE TABLE snapshot.samples AS SELECT * FROM samples");
        var migrator = new SchemaMigrator(_database.Options, PostgresOnlineSchemas.BuildVersion2(v2, v1));
        Assert.Equal(5, migrator.Built.Single(m => m.Version == 2).PostgresOnlineUp.Count(s => s.StartsWith("DO $step$", StringComparison.Ordinal)));

        using (new ConcurrentWriter(_database.ConnectionString, "INSERT INTO samples (day, at, count, flag, small) VALUES ('2024-02-29', '12:34:56.789', 7, true, 5)"))
        {
            migrator.Up();
        }

        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
        Assert.Equal(5000, _database.Scalar(
            "SELECT count(*) FROM samples s JOIN snapshot.samples b USING (id) WHERE s.day IS NOT DISTINCT FROM to_char(b.day, 'YYYY-MM-DD') " +
            "AND s.at IS NOT DISTINCT FROM to_char(b.at::interval, 'HH24:MI:SS.US') AND s.count = b.count::double precision AND s.flag = b.flag::integer AND s.small = b.small::numeric(7,2)"));
        Assert.True(_database.Scalar("SELECT count(*) FROM samples WHERE day IS NULL") >= 700);
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM samples WHERE day = '0001-01-01' AND at = '23:59:59.999999' AND count = 2147483647 AND small = 32767.00"));
        var inserted = _database.Scalar("SELECT count(*) FROM samples WHERE id > 5000");
        Assert.True(inserted > 0, "the application inserted nothing");
        // Rows written while the migration ran were converted by the trigger; rows written after the swap store the text as given.
        Assert.True(_database.Scalar("SELECT count(*) FROM samples WHERE id > 5000 AND at = '12:34:56.789000'") > 0, "no row went through the trigger");
        Assert.Equal(inserted, _database.Scalar("SELECT count(*) FROM samples WHERE id > 5000 AND day = '2024-02-29' AND at IN ('12:34:56.789000', '12:34:56.789') AND count = 7 AND flag = 1 AND small = 5.00"));
    }

    [Fact]
    public async Task A_migrator_that_dies_during_the_batched_copy_leaves_a_database_the_next_up_completes_without_losing_a_value()
    {
        Populate();
        var built = PostgresOnlineSchemas.BuildVersion2(Version2, Version1);
        var options = _database.Options;
        options.Migrations.BackfillBatchSize = 200;
        var migrator = new SchemaMigrator(options, built);
        var progress = new ConcurrentQueue<string>();
        migrator.Progress = progress.Enqueue;
        using var writer = new ConcurrentWriter(_database.ConnectionString, Insert, Update);

        // The migrator's session ends in the middle of the copy, as when the deployer is killed and its
        // connection goes: the batch in flight rolls back, the batches before it stay.
        var up = Task.Run(() => migrator.Up());
        Assert.True(SpinWait.SpinUntil(() => progress.Any(p => p.Contains("online step", StringComparison.Ordinal) && p.Contains("(UPDATE", StringComparison.Ordinal)) || up.IsCompleted,
            TimeSpan.FromSeconds(120)), "the copy never started");
        Assert.False(up.IsCompleted, up.IsFaulted ? up.Exception!.ToString() : "the migrator finished before it could be stopped");
        Assert.True(SpinWait.SpinUntil(() => _database.Scalar("SELECT count(*) FROM readings WHERE ah_widen_amount IS NOT NULL AND id <= 15000") > 0, TimeSpan.FromSeconds(60)));
        // Every session of the database but the application's (its statements name the table unquoted) and this one.
        Assert.True(SpinWait.SpinUntil(() =>
        {
            _database.Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
                              "AND backend_type = 'client backend' AND query NOT LIKE 'INSERT INTO readings %' AND query NOT LIKE 'UPDATE readings %'");
            return SpinWait.SpinUntil(() => up.IsCompleted, TimeSpan.FromMilliseconds(200));
        }, TimeSpan.FromSeconds(120)), "the migrator did not stop");
        await Assert.ThrowsAnyAsync<Exception>(() => up);
        NpgsqlConnection.ClearAllPools();

        var halfway = migrator.Verify();
        Assert.False(halfway.Clean);
        Assert.Contains(halfway.Problems, p => p.Contains("online steps have not completed", StringComparison.Ordinal));

        new SchemaMigrator(_database.Options, built).Up();
        writer.Stop();

        Assert.Null(writer.Failure);
        Assert.Equal(BuiltMigrations.Load(built).Single(m => m.Version == 2).PostgresOnlineUp.Count, _database.Scalar($"SELECT count(*) FROM {PostgresOnlineSteps.Table} WHERE version = 2"));
        AssertWidenedWithEveryValue();
        var report = migrator.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
    }

    [Fact]
    public void SIGKILL_of_the_deployer_during_the_batched_copy_leaves_a_database_verify_reports_and_the_next_up_completes()
    {
        Populate();
        var tool = DeployTool(Version2, Version1);
        try
        {
            KillDuringTheCopyThenFinish(tool);
        }
        finally
        {
            System.IO.Directory.Delete(System.IO.Path.GetDirectoryName(tool)!, recursive: true);
        }
    }

    private void KillDuringTheCopyThenFinish(string tool)
    {
        var environment = new System.Collections.Generic.Dictionary<string, string> { ["AgentHive__Migrations__BackfillBatchSize"] = "100" };
        using var writer = new ConcurrentWriter(_database.ConnectionString, Insert, Update);
        using (var deployer = MigratorProcess.Start(tool, _database.Options, environment, "up"))
        {
            Assert.True(SpinWait.SpinUntil(() => deployer.Output.Contains("online step 1 of", StringComparison.Ordinal) || deployer.ExitCode is not null, TimeSpan.FromSeconds(120)),
                $"the copy never started: {deployer.Output}");
            Assert.True(SpinWait.SpinUntil(() => _database.Scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'UPDATE \"readings\" SET \"ah_widen_%'") > 0 || deployer.ExitCode is not null,
                TimeSpan.FromSeconds(60)), $"no batch ran: {deployer.Output}");
            Assert.True(deployer.ExitCode is null, $"the deployer ended before it could be killed: {deployer.Output}");
            deployer.Kill();
            Assert.Contains("(UPDATE \"readings\" SET \"ah_widen_", deployer.Output);
        }

        // The server session may still run the batch it was given; end it as a lost connection does.
        _database.Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'UPDATE \"readings\"%'");
        Assert.True(SpinWait.SpinUntil(() => _database.Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'UPDATE \"readings\"%'") == 0,
            TimeSpan.FromSeconds(30)));
        Assert.True(_database.Scalar($"SELECT count(*) FROM readings WHERE id <= {Rows} AND ah_widen_ratio IS DISTINCT FROM ratio::numeric(12,4)") > 0, "the copies had all finished before the kill");
        var (verifyCode, verify) = MigratorProcess.Run(tool, _database.Options, "verify");
        Assert.True(verifyCode == SchemaCommandLine.Drift, $"exit {verifyCode}\n{verify}");
        Assert.Contains("online steps have not completed", verify);

        var (upCode, up) = MigratorProcess.Run(tool, _database.Options, "up");
        writer.Stop();

        Assert.True(upCode == SchemaCommandLine.Success, $"exit {upCode}\n{up}");
        Assert.Null(writer.Failure);
        AssertWidenedWithEveryValue();
        var (cleanCode, clean) = MigratorProcess.Run(tool, _database.Options, "verify");
        Assert.True(cleanCode == SchemaCommandLine.Success, $"exit {cleanCode}\n{clean}");
    }

    /// <summary>
    /// The deploy tool of an app that ships <paramref name="version2"/> with <paramref name="version1"/> frozen: a copy
    /// of the built tool whose own assembly is this schema's, compiled with the tool's entry point.
    /// </summary>
    private static string DeployTool(string version2, string version1)
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agenthive-widening-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        System.IO.Directory.CreateDirectory(folder);
        var built = System.IO.Path.GetDirectoryName(MigratorProcess.ToolPath)!;
        foreach (var file in System.IO.Directory.GetFiles(built))
        {
            System.IO.File.Copy(file, System.IO.Path.Combine(folder, System.IO.Path.GetFileName(file)));
        }

        var run = AgentHive.Tests.Generator.GeneratorHarness.Run(version2,
            "namespace Host { public static class Program { public static int Main(string[] args) => global::AgentHive.Runtime.CommandLine.SchemaCommandLine.Run(args, typeof(Program).Assembly); } }",
            ("/project/history/schema.v1.yaml", version1), ("/project/history/schema.checksums", AgentHive.Tests.Evolution.EvolutionSchemas.ChecksumsOf(version1)));
        var tool = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(MigratorProcess.ToolPath));
        var compilation = run.Output.WithAssemblyName(System.IO.Path.GetFileNameWithoutExtension(tool))
            .WithOptions(run.Output.Options.WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication).WithMainTypeName("Host.Program"));
        System.IO.File.Delete(tool);
        using (var image = System.IO.File.Create(tool))
        {
            var emitted = compilation.Emit(image);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        }

        return tool;
    }

    /// <summary>
    /// Every column has its new type, its index, check, default and NOT NULL under the declared names; the
    /// rows nobody touched hold what they held, the application's updates and inserts are all there.
    /// </summary>
    private void AssertWidenedWithEveryValue()
    {
        Assert.Equal("bigint", Type("amount"));
        Assert.Equal("integer", Type("level"));
        Assert.Equal("numeric(12,4)", Text("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'readings'::regclass AND attname = 'ratio'"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'readings'::regclass AND attname LIKE 'ah_widen_%'"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'readings'::regclass AND NOT tgisinternal"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM pg_proc WHERE proname LIKE '%widen%'"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM pg_constraint WHERE NOT convalidated OR conname LIKE '%widen%' OR conname LIKE '%not_null'"));
        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM pg_index WHERE NOT indisvalid"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_readings_amount' AND indexdef LIKE '%(amount)'"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_readings_account_level' AND indexdef LIKE '%(account_id, level)'"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'readings' AND column_name = 'amount' AND is_nullable = 'NO'"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'readings' AND column_name = 'ratio' AND is_nullable = 'NO'"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'readings' AND column_name = 'level' AND is_nullable = 'YES' AND column_default = '3'"));

        Assert.Equal(0, _database.Scalar("SELECT count(*) FROM readings WHERE amount <> mirror"));
        Assert.Equal(0, _database.Scalar($"SELECT count(*) FROM readings r JOIN snapshot.readings b USING (id) WHERE r.id > {Updated} AND (r.amount <> b.amount OR r.level IS DISTINCT FROM b.level OR r.ratio <> b.ratio)"));
        Assert.Equal(Rows - Updated, _database.Scalar($"SELECT count(*) FROM readings WHERE id > {Updated} AND id <= {Rows}"));
        Assert.Equal(0, _database.Scalar($"SELECT count(*) FROM readings r JOIN snapshot.readings b USING (id) WHERE r.id <= {Updated} AND (r.level IS DISTINCT FROM b.level OR r.ratio <> b.ratio)"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM readings WHERE amount = 2147483647 AND level = 32767 AND ratio = 99999999.99"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM readings WHERE amount = -2147483648 AND level = -32768 AND ratio = -99999999.99"));
        Assert.True(_database.Scalar($"SELECT count(*) FROM readings WHERE level IS NULL AND id <= {Rows}") >= 1000);
        var inserted = _database.Scalar($"SELECT count(*) FROM readings WHERE id > {Rows}");
        Assert.True(inserted > 0, "the application inserted nothing");
        Assert.Equal(inserted, _database.Scalar($"SELECT count(*) FROM readings WHERE id > {Rows} AND level = 5 AND ratio = 2.5"));

        // The new type holds what the old one could not.
        _database.Execute("INSERT INTO readings (account_id, amount, mirror, ratio) VALUES (1, 3000000000, 3000000000, 12345678.1234)");
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM readings WHERE amount = 3000000000 AND level = 3"));
        _database.Execute("DELETE FROM readings WHERE amount = 3000000000");
    }

    private string Type(string column) => Text($"SELECT data_type FROM information_schema.columns WHERE table_name = 'readings' AND column_name = '{column}'");

    private string Text(string sql)
    {
        using var connection = (NpgsqlConnection)_database.Open();
        return (string)new NpgsqlCommand(sql, connection).ExecuteScalar()!;
    }

    /// <summary>Version 1 with <see cref="Rows"/> readings (the last two at the old types' edges, every tenth level NULL) and a copy of them.</summary>
    private void Populate()
    {
        new SchemaMigrator(_database.Options, PostgresOnlineSchemas.BuildVersion1(Version1)).Up();
        _database.Execute(
            "INSERT INTO accounts (name) VALUES ('first'); " +
            "INSERT INTO readings (account_id, amount, mirror, level, ratio) " +
            $"SELECT 1, g * 7 - 100000, g * 7 - 100000, CASE WHEN g % 10 = 0 THEN NULL ELSE (g % 30000 - 15000)::smallint END, (g * 1.37 - 20000)::numeric(10,2) FROM generate_series(1, {Rows - 2}) g; " +
            "INSERT INTO readings (account_id, amount, mirror, level, ratio) VALUES (1, 2147483647, 2147483647, 32767, 99999999.99), (1, -2147483648, -2147483648, -32768, -99999999.99); " +
            "CREATE SCHEMA snapshot; CREATE TABLE snapshot.readings AS SELECT id, amount, level, ratio FROM readings; " +
            "ANALYZE readings");
    }
}
