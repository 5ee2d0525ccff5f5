using System;
using System.Collections;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using AgentHive.Generator.Dialects;
using AgentHive.Generator.Emit;
using AgentHive.Generator.Model;
using AgentHive.Tests.Database;
using AgentHive.Tests.Types;
using Xunit;

namespace AgentHive.Tests.DataAccess;

/// <summary>
/// A schema with every column type, nullable and not, compiled with its generated data access: values go
/// in and come back exactly on a real database (decimal scale, timestamp microseconds and offsets, date,
/// time, uuid, enum, json, blob, bool), a text primary key works, and declared queries of every result
/// kind and cardinality return what they declare.
/// </summary>
public abstract class EveryTypeDataContract : IDisposable
{
    public const string Schema = """
        schema: every_type
        namespace: EveryType
        version: 1
        enums:
          mood: [calm, busy]
        tables:
          samples:
            columns:
              id: id
              big: bigint
              big_null: { type: bigint, nullable: true }
              whole: integer
              whole_null: { type: integer, nullable: true }
              small: smallint
              small_null: { type: smallint, nullable: true }
              ratio: real
              ratio_null: { type: real, nullable: true }
              flag: boolean
              flag_null: { type: boolean, nullable: true }
              label: text
              label_null: { type: text, nullable: true }
              mood: mood
              mood_null: { type: mood, nullable: true }
              doc: json
              doc_null: { type: json, nullable: true }
              at: timestamp
              at_null: { type: timestamp, nullable: true }
              price: { type: decimal, precision: 12, scale: 3 }
              price_null: { type: decimal, precision: 12, scale: 3, nullable: true }
              day: date
              day_null: { type: date, nullable: true }
              clock: time
              clock_null: { type: time, nullable: true }
              uid: uuid
              uid_null: { type: uuid, nullable: true }
              bytes: blob
              bytes_null: { type: blob, nullable: true }
          codes:
            primaryKey: [tag]
            columns:
              tag: text
              note: { type: text, nullable: true }
        queries:
          count_samples:
            sql: SELECT count(*) AS n FROM samples
            result: bigint
            cardinality: one
          top_price:
            sql: SELECT price FROM samples WHERE mood = @mood ORDER BY price DESC LIMIT 1
            parameters: { mood: mood }
            result: samples.price
            cardinality: optional
          sample_by_label:
            sql: SELECT * FROM samples WHERE label = @label
            parameters: { label: samples.label }
            result: samples
            cardinality: one
          labels:
            sql: SELECT label FROM samples ORDER BY label
            result: text
            cardinality: many
          relabel:
            sql: UPDATE samples SET label = @label WHERE mood = @mood
            parameters: { label: text, mood: mood }
          samples_since:
            sql: SELECT day, id, at FROM samples WHERE at >= @since ORDER BY id
            parameters: { since: timestamp }
            result:
              columns: { id: samples.id, at: samples.at, day: samples.day }
            cardinality: many
        """;

    private static readonly Lazy<CompiledSchema> Compiled = new(() => new CompiledSchema(Schema));

    protected EveryTypeDataContract(TestDatabase database, ISqlDialect dialect)
    {
        Database = database;
        var model = global::AgentHive.Generator.HistoryPipeline.Run(System.Collections.Immutable.ImmutableArray.Create(new global::AgentHive.Generator.SchemaSource("schema.yaml", Schema))).Model!.Current;
        foreach (var statement in DdlBuilder.Create(model, dialect))
        {
            Database.Execute(statement);
        }

        Connection = Database.Open();
        var type = Compiled.Value.Assembly.GetType("EveryType.EveryTypeDatabase", throwOnError: true)!;
        Db = Activator.CreateInstance(type, Connection)!;
    }

    protected TestDatabase Database { get; }

    protected DbConnection Connection { get; }

    protected dynamic Db { get; }

    public void Dispose()
    {
        ((IDisposable)Db).Dispose();
        Connection.Dispose();
        Database.Dispose();
    }

    private static dynamic Mood(string name) => Enum.Parse(Compiled.Value.Assembly.GetType("EveryType.Entities.Mood", throwOnError: true)!, name);

    private static readonly DateTimeOffset At = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.FromHours(5.5)).AddTicks(9_999_990);

    private static CompiledSchema.Entity Full() => Compiled.Value.New("EveryType.Entities.Sample",
        ("Big", long.MaxValue), ("BigNull", long.MinValue), ("Whole", int.MinValue), ("WholeNull", int.MaxValue),
        ("Small", short.MinValue), ("SmallNull", short.MaxValue), ("Ratio", 1.0 / 3), ("RatioNull", -1e300),
        ("Flag", true), ("FlagNull", false), ("Label", "Ünïcode 'quoted' \"text\""), ("LabelNull", string.Empty),
        ("Mood", Mood("Busy")), ("MoodNull", Mood("Calm")), ("Doc", "{\"a\": [1, 2]}"), ("DocNull", "[]"),
        ("At", At), ("AtNull", DateTimeOffset.MinValue.AddYears(1)), ("Price", -123456789.125m), ("PriceNull", 1.5m),
        ("Day", new DateOnly(2024, 2, 29)), ("DayNull", new DateOnly(1, 1, 2)), ("Clock", new TimeOnly(23, 59, 59, 999, 999)), ("ClockNull", TimeOnly.MinValue),
        ("Uid", Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")), ("UidNull", Guid.Empty),
        ("Bytes", new byte[] { 0, 1, 127, 128, 255 }), ("BytesNull", Array.Empty<byte>()));

    private static CompiledSchema.Entity Sparse() => Compiled.Value.New("EveryType.Entities.Sample",
        ("Big", 0L), ("Whole", 0), ("Small", (short)0), ("Ratio", 0.0), ("Flag", false), ("Label", "sparse"), ("Mood", Mood("Calm")),
        ("Doc", "{}"), ("At", At.AddDays(-1)), ("Price", 0.0005m), ("Day", new DateOnly(1, 1, 1)), ("Clock", new TimeOnly(0, 0)),
        ("Uid", Guid.Empty), ("Bytes", Array.Empty<byte>()));

    [Fact]
    public void Every_type_and_its_nullable_variant_round_trips_exactly()
    {
        var full = Full();
        var sparse = Sparse();
        long fullId = Db.Samples.Insert((dynamic)full.Instance);
        long sparseId = Db.Samples.Insert((dynamic)sparse.Instance);

        object read = Db.Samples.Get(fullId);
        AssertSameValues(full.Instance, read, "Id");
        Assert.Equal(fullId, read.GetType().GetProperty("Id")!.GetValue(read));
        Assert.Equal("-123456789.125", Property(read, "Price")!.ToString());
        Assert.Equal("1.500", Property(read, "PriceNull")!.ToString());
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)Property(read, "At")!).Offset);

        object readSparse = Db.Samples.Get(sparseId);
        AssertSameValues(sparse.Instance, readSparse, "Id", "Price");
        Assert.Equal("0.001", Property(readSparse, "Price")!.ToString());
        foreach (var property in readSparse.GetType().GetProperties().Where(p => p.Name.EndsWith("Null", StringComparison.Ordinal)))
        {
            Assert.Null(property.GetValue(readSparse));
        }

        Assert.True((bool)Db.Samples.Exists(sparseId));
        var changed = Compiled.Value.New("EveryType.Entities.Sample", ("Id", (long?)sparseId), ("Big", 1L), ("Label", "changed"), ("Mood", Mood("Busy")), ("Doc", "{}"),
            ("At", At), ("Price", 2m), ("Day", new DateOnly(2000, 1, 1)), ("Clock", new TimeOnly(12, 0)), ("Uid", Guid.NewGuid()), ("Bytes", new byte[] { 9 }),
            ("AtNull", At), ("BytesNull", new byte[] { 1 }));
        Assert.True((bool)Db.Samples.Update((dynamic)changed.Instance));
        AssertSameValues(changed.Instance, (object)Db.Samples.Get(sparseId));
        Assert.True((bool)Db.Samples.Delete(sparseId));
        Assert.False((bool)Db.Samples.Exists(sparseId));
    }

    [Fact]
    public void Stored_forms_match_the_entity_insert_sql()
    {
        // The generated accessor and the entity's own INSERT store byte-identical values.
        var full = Full();
        long viaAccessor = Db.Samples.Insert((dynamic)full.Instance);
        var viaEntity = full.Insert(Connection, Database.InsertSql("Sqlite", "Postgres"));
        var columns = string.Join(", ", ((IEnumerable<string>)Compiled.Value.Assembly.GetType("EveryType.Data.SampleTable")!.GetProperty("Columns")!.GetValue(null)!)
            .Where(c => c != "id").Select(c => c + "::text").Select(c => Database.InsertSql(c.Replace("::text", string.Empty), c)));

        Assert.Equal(Row(columns, viaEntity), Row(columns, viaAccessor));
    }

    [Fact]
    public void Insert_many_stores_every_type_exactly()
    {
        var rows = Array.CreateInstance(Compiled.Value.Assembly.GetType("EveryType.Entities.Sample")!, 3);
        rows.SetValue(Full().Instance, 0);
        rows.SetValue(Sparse().Instance, 1);
        rows.SetValue(Full().Instance, 2);

        Assert.Equal(3, (int)Db.Samples.InsertMany((dynamic)rows));

        var first = Database.Scalar("SELECT MIN(id) FROM samples");
        AssertSameValues(rows.GetValue(0)!, (object)Db.Samples.Get(first), "Id");
        AssertSameValues(rows.GetValue(1)!, (object)Db.Samples.Get(first + 1), "Id", "Price");
        Assert.Equal(0.001m, Property((object)Db.Samples.Get(first + 1), "Price"));
    }

    [Fact]
    public void Extreme_dates_and_timestamps_read_back_as_written()
    {
        // Npgsql maps DateOnly.MinValue/MaxValue and DateTimeOffset.MinValue to -infinity/infinity and back.
        var extreme = Compiled.Value.New("EveryType.Entities.Sample",
            ("Label", "extreme"), ("Mood", Mood("Calm")), ("Doc", "{}"), ("At", DateTimeOffset.MinValue), ("AtNull", DateTimeOffset.MaxValue),
            ("Day", DateOnly.MinValue), ("DayNull", DateOnly.MaxValue), ("Clock", TimeOnly.MaxValue), ("Bytes", Array.Empty<byte>()));
        long id = Db.Samples.Insert((dynamic)extreme.Instance);

        AssertSameValues(extreme.Instance, (object)Db.Samples.Get(id), "Id");
    }

    [Fact]
    public void Text_primary_key_table_inserts_reads_updates_and_deletes()
    {
        var row = Compiled.Value.New("EveryType.Entities.Code", ("Tag", "A-1"), ("Note", "first"));
        Assert.Equal("A-1", (string)Db.Codes.Insert((dynamic)row.Instance));
        AssertSameValues(row.Instance, (object)Db.Codes.Get("A-1"));
        Assert.True((bool)Db.Codes.Update((dynamic)Compiled.Value.New("EveryType.Entities.Code", ("Tag", "A-1"), ("Note", null)).Instance));
        Assert.Null(Property((object)Db.Codes.Get("A-1"), "Note"));
        Assert.True((bool)Db.Codes.Delete("A-1"));
        Assert.Null((object?)Db.Codes.Get("A-1"));
    }

    [Fact]
    public void Declared_queries_of_every_result_kind_and_cardinality()
    {
        Assert.Equal(0L, (long)Db.CountSamples());
        Assert.Null((object?)Db.TopPrice(Mood("Busy")));
        var error = Assert.Throws<InvalidOperationException>(() => (object)Db.SampleByLabel("nothing"));
        Assert.Contains("sample_by_label", error.Message);

        Db.Samples.Insert((dynamic)Full().Instance);
        Db.Samples.Insert((dynamic)Sparse().Instance);

        Assert.Equal(2L, (long)Db.CountSamples());
        Assert.Equal(-123456789.125m, (decimal?)Db.TopPrice(Mood("Busy")));
        Assert.Equal(Mood("Busy"), Property((object)Db.SampleByLabel("Ünïcode 'quoted' \"text\""), "Mood"));
        Assert.Equal(new[] { "sparse", "Ünïcode 'quoted' \"text\"" }, ((IEnumerable<string>)Db.Labels()).OrderBy(l => l, StringComparer.Ordinal));
        Assert.Equal(1, (int)Db.Relabel("renamed", Mood("Calm")));
        Assert.Contains("renamed", (IEnumerable<string>)Db.Labels());

        var since = (IList)Db.SamplesSince(At.AddHours(-1));
        var row = Assert.Single(since.Cast<object>());
        Assert.Equal(At, Property(row, "At"));
        Assert.Equal(new DateOnly(2024, 2, 29), Property(row, "Day"));
    }

    private List<string?> Row(string columns, long id)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM samples WHERE id = {id}";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i) is byte[] b ? Convert.ToHexString(b) : reader.GetValue(i), CultureInfo.InvariantCulture)).ToList();
    }

    private static object? Property(object instance, string name) => instance.GetType().GetProperty(name)!.GetValue(instance);

    private static void AssertSameValues(object expected, object? actual, params string[] skip)
    {
        Assert.NotNull(actual);
        foreach (var property in expected.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract" && !skip.Contains(p.Name)))
        {
            var want = property.GetValue(expected);
            var got = property.GetValue(actual);
            want = want switch
            {
                DateTimeOffset at => new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero),
                TimeOnly time => new TimeOnly(time.Ticks - (time.Ticks % 10)),
                _ => want,
            };
            if (want is byte[] bytes)
            {
                Assert.Equal(bytes, (byte[]?)got);
            }
            else
            {
                Assert.True(Equals(want, got), $"{property.Name}: expected {want}, got {got}");
            }
        }
    }
}

public sealed class SqliteEveryTypeDataTests : EveryTypeDataContract
{
    public SqliteEveryTypeDataTests()
        : base(new SqliteTestDatabase(), SqliteDialect.Instance)
    {
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEveryTypeDataTests : EveryTypeDataContract
{
    public PostgresEveryTypeDataTests(PostgresServer server)
        : base(new PostgresTestDatabase(server), PostgresDialect.Instance)
    {
    }
}
