using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using AgentHive.Runtime.Migrations;
using Dapper;
using Xunit;
using TaskRow = AgentHive.Entities.AgentTask;

namespace AgentHive.Tests.Database;

/// <summary>
/// A timestamp written by the generated code reads back as the same instant, cut to the microseconds
/// both backends keep, whatever its offset and precision; and applications' readers understand it.
/// </summary>
public abstract class TimestampContract : IDisposable
{
    private static readonly TimeSpan[] Offsets = { TimeSpan.Zero, new(5, 30, 0), TimeSpan.FromHours(-8), TimeSpan.FromHours(14) };

    static TimestampContract()
    {
        // Dapper converts a TEXT value with Convert.ChangeType, which knows no DateTimeOffset; this makes it ask
        // the driver (GetFieldValue), whose parser reads the stored form. The README gives the same line.
        SqlMapper.AddTypeMap(typeof(DateTimeOffset), System.Data.DbType.DateTimeOffset, useGetFieldValue: true);
        SqlMapper.AddTypeMap(typeof(DateTimeOffset?), System.Data.DbType.DateTimeOffset, useGetFieldValue: true);
    }

    protected TimestampContract(TestDatabase database)
    {
        Database = database;
        new SchemaMigrator(database.Options, AgentHiveBuild.Assembly).Up();
    }

    protected TestDatabase Database { get; }

    public void Dispose() => Database.Dispose();

    /// <summary>Instants of every precision (whole seconds, milliseconds, full ticks) at every offset, plus random ones.</summary>
    protected static IReadOnlyList<DateTimeOffset> Instants(int seed)
    {
        var random = new Random(seed);
        var start = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var end = new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var ticks = new List<long>
        {
            new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks,
            new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks + 1,
            new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks - 1,
            new DateTime(2026, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc).Ticks + 9_999,
        };
        for (var i = 0; i < 60; i++)
        {
            var instant = start + (long)(random.NextDouble() * (end - start));
            ticks.Add(instant - instant % TimeSpan.TicksPerSecond);
            ticks.Add(instant - instant % TimeSpan.TicksPerMillisecond);
            ticks.Add(instant);
        }

        return ticks.Select((t, i) => new DateTimeOffset(t, TimeSpan.Zero).ToOffset(Offsets[i % Offsets.Length])).ToList();
    }

    protected static long Microseconds(DateTimeOffset value) => value.UtcTicks - value.UtcTicks % 10;

    [Fact]
    public void Any_instant_written_by_an_entity_reads_back_as_the_same_instant_at_microsecond_precision()
    {
        using var connection = Database.Open();
        var written = Instants(seed: 8).Select(instant => (Id: Insert(connection, new TaskRow { Title = "t", CreatedAt = instant, StartedAt = instant }), Instant: instant)).ToList();

        foreach (var (id, instant) in written)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT started_at FROM tasks WHERE id = {id}";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            var read = reader.GetFieldValue<DateTimeOffset>(0);
            Assert.True(Microseconds(instant) == read.UtcTicks, $"wrote {instant:O}, read {read:O}");
        }
    }

    [Fact]
    public void Dapper_reads_timestamps_written_by_an_entity_by_default_and_by_autoUpdate()
    {
        using var connection = Database.Open();
        var startedAt = new DateTimeOffset(2026, 11, 28, 9, 15, 26, TimeSpan.FromHours(5.5)).AddTicks(7_304_466);
        var byEntity = Insert(connection, new TaskRow { Title = "by entity", CreatedAt = startedAt, StartedAt = startedAt });
        connection.Execute("INSERT INTO tasks (title) VALUES ('by default')");
        connection.Execute("UPDATE tasks SET title = 'by autoUpdate' WHERE title = 'by default'");

        var entityRow = connection.QuerySingle<TaskTimes>($"SELECT created_at AS CreatedAt, started_at AS StartedAt, updated_at AS UpdatedAt FROM tasks WHERE id = {byEntity}");
        var databaseRow = connection.QuerySingle<TaskTimes>("SELECT created_at AS CreatedAt, started_at AS StartedAt, updated_at AS UpdatedAt FROM tasks WHERE title = 'by autoUpdate'");

        Assert.Equal(Microseconds(startedAt), entityRow.StartedAt!.Value.UtcTicks);
        Assert.Equal(Microseconds(startedAt), entityRow.CreatedAt.UtcTicks);
        Assert.InRange(databaseRow.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.True(databaseRow.UpdatedAt >= databaseRow.CreatedAt);
    }

    protected long Insert(DbConnection connection, TaskRow task)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Database.InsertSql(TaskRow.SqliteInsertSql, TaskRow.PostgresInsertSql);
        task.AddInsertParameters(command);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class TaskTimes
    {
        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }
    }
}

public sealed class SqliteTimestampTests : TimestampContract
{
    private const string CanonicalForm = @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$";

    public SqliteTimestampTests()
        : base(new SqliteTestDatabase())
    {
    }

    [Fact]
    public void Equal_instants_from_an_entity_the_now_default_and_autoUpdate_are_equal_in_sql()
    {
        using var connection = Database.Open();
        Database.Execute("INSERT INTO tasks (title) VALUES ('stamped by the database')");
        Database.Execute("UPDATE tasks SET title = 'touched by the database' WHERE id = 1");
        var (createdAt, updatedAt) = connection.QuerySingle<(DateTimeOffset, DateTimeOffset)>("SELECT created_at, updated_at FROM tasks WHERE id = 1");

        // The same instants, written by the entity at another offset.
        Insert(connection, new TaskRow { Title = "copied", CreatedAt = createdAt, StartedAt = createdAt.ToOffset(TimeSpan.FromHours(-8)), CompletedAt = updatedAt.ToOffset(TimeSpan.FromHours(14)) });

        Assert.Equal(1, Database.Scalar("SELECT COUNT(*) FROM tasks a JOIN tasks b ON a.created_at = b.started_at AND a.updated_at = b.completed_at WHERE a.id = 1 AND b.id = 2"));
        var stored = connection.Query<string>(
            "SELECT created_at FROM tasks UNION ALL SELECT updated_at FROM tasks UNION ALL SELECT started_at FROM tasks WHERE started_at IS NOT NULL " +
            "UNION ALL SELECT completed_at FROM tasks WHERE completed_at IS NOT NULL").ToList();
        Assert.Equal(6, stored.Count);
        Assert.All(stored, text => Assert.Matches(CanonicalForm, text));
    }

    [Fact]
    public void Timestamps_sort_as_text_in_time_order()
    {
        using var connection = Database.Open();
        var written = Instants(seed: 28)
            .GroupBy(Microseconds).Select(g => g.First())
            .Select(instant => (Id: Insert(connection, new TaskRow { Title = "t", CreatedAt = instant, StartedAt = instant }), Instant: instant)).ToList();

        var byText = connection.Query<long>("SELECT id FROM tasks ORDER BY started_at").ToList();

        Assert.Equal(written.OrderBy(w => w.Instant.UtcTicks).Select(w => w.Id), byText);
        Assert.All(connection.Query<string>("SELECT started_at FROM tasks"), text => Assert.Matches(CanonicalForm, text));
    }

    [Fact]
    public void Timestamps_of_version_1_rows_take_the_one_form_when_the_upgrade_rebuilds_their_table()
    {
        using var fresh = new SqliteTestDatabase();
        var migrator = new SchemaMigrator(fresh.Options, AgentHiveBuild.Assembly);
        migrator.Up(1);
        fresh.Execute(
            "INSERT INTO tasks (title, started_at, completed_at) VALUES " +
            "('ticks', '2099-01-01 00:00:00.1234567+00:00', '2099-01-01 00:00:01+00:00'), " +
            "('millis', '2099-01-01 00:00:00.25+00:00', NULL)");
        var createdBefore = fresh.Scalar("SELECT COUNT(*) FROM tasks WHERE length(created_at) = 29");

        migrator.Up();

        Assert.Equal(2, createdBefore);
        using var connection = fresh.Open();
        var rows = connection.Query<(string Title, string CreatedAt, string? StartedAt, string? CompletedAt)>(
            "SELECT title, created_at, started_at, completed_at FROM tasks ORDER BY id").ToList();
        Assert.Equal(("2099-01-01 00:00:00.123456+00:00", "2099-01-01 00:00:01.000000+00:00"), (rows[0].StartedAt, rows[0].CompletedAt));
        Assert.Equal("2099-01-01 00:00:00.250000+00:00", rows[1].StartedAt);
        Assert.Null(rows[1].CompletedAt);
        Assert.All(rows, row => Assert.Matches(CanonicalForm, row.CreatedAt));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTimestampTests : TimestampContract
{
    public PostgresTimestampTests(PostgresServer server)
        : base(new PostgresTestDatabase(server))
    {
    }
}
