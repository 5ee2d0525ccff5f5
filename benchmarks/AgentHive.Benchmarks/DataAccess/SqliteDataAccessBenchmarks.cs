using System;
using System.Collections.Generic;
using AgentHive.Entities;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Data.Sqlite;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// Data access on SQLite, synchronous (the driver has no real async): each operation by raw prepared
/// ADO.NET (the baseline of its category), Dapper, EF Core and the generated layer, on agent_messages of
/// a file deployed by the runtime's migrator and opened the way the runtime opens connections.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SqliteDataAccessBenchmarks
{
    private readonly List<SqliteConnection> _connections = new();
    private DataAccessFixture _fixture = null!;
    private RawSqliteMessages _raw = null!;
    private DapperMessages _dapper = null!;
    private EfMessages<SqliteHiveDbContext> _ef = null!;
    private AgentHiveDatabase _generated = null!;

    /// <summary>The database; null: <see cref="BenchmarkDatabases.SqliteConnectionString"/>.</summary>
    public string? ConnectionString { get; set; }

    public MessageDataSet Data { get; set; } = MessageDataSet.Full;

    [GlobalSetup]
    public void Setup()
    {
        ConnectionString ??= BenchmarkDatabases.SqliteConnectionString();
        Console.WriteLine($"// SQLite {Runtime.Sqlite.SqliteConnectionSetup.LibraryVersion()}");
        MessageSeed.EnsureSqlite(ConnectionString, Data);
        _fixture = new DataAccessFixture(Data);
        _raw = new RawSqliteMessages(Open());
        _dapper = new DapperMessages(Open(), postgres: false);
        _ef = new EfMessages<SqliteHiveDbContext>(new SqliteHiveDbContext(Open()));
        _generated = new AgentHiveDatabase(Open());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _ef.Dispose();
        _generated.Dispose();
        MessageSeed.RemoveInserted(_connections[0], Data);
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        SqliteConnection.ClearAllPools();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.ReadByKey)]
    public AgentMessage? ReadByKey_Raw() => _raw.Get(_fixture.NextReadId());

    [Benchmark, BenchmarkCategory(Categories.ReadByKey)]
    public AgentMessage? ReadByKey_Dapper() => _dapper.Get(_fixture.NextReadId());

    [Benchmark, BenchmarkCategory(Categories.ReadByKey)]
    public AgentMessage? ReadByKey_EfLinq() => _ef.Get(_fixture.NextReadId());

    [Benchmark, BenchmarkCategory(Categories.ReadByKey)]
    public AgentMessage? ReadByKey_EfCompiled() => _ef.GetCompiled(_fixture.NextReadId());

    [Benchmark, BenchmarkCategory(Categories.ReadByKey)]
    public AgentMessage? ReadByKey_Generated() => _generated.AgentMessages.Get(_fixture.NextReadId());

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.Routing)]
    public List<AgentMessage> Routing10_Raw() => _raw.NextPending(MessageDataSet.RoutingAgentId);

    [Benchmark, BenchmarkCategory(Categories.Routing)]
    public List<AgentMessage> Routing10_Dapper() => _dapper.NextPending(MessageDataSet.RoutingAgentId);

    [Benchmark, BenchmarkCategory(Categories.Routing)]
    public List<AgentMessage> Routing10_EfLinq() => _ef.NextPending(MessageDataSet.RoutingAgentId);

    [Benchmark, BenchmarkCategory(Categories.Routing)]
    public List<AgentMessage> Routing10_EfCompiled() => _ef.NextPendingCompiled(MessageDataSet.RoutingAgentId);

    [Benchmark, BenchmarkCategory(Categories.Routing)]
    public List<AgentMessage> Routing10_Generated() => _generated.NextPendingMessages(MessageDataSet.RoutingAgentId, MessageDataSet.RoutingLimit);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.InsertOne)]
    public long InsertOne_Raw() => _raw.Insert(_fixture.NewMessage);

    [Benchmark, BenchmarkCategory(Categories.InsertOne)]
    public long InsertOne_Dapper() => _dapper.Insert(_fixture.NewMessage);

    [Benchmark, BenchmarkCategory(Categories.InsertOne)]
    public long InsertOne_Ef() => _ef.Insert(_fixture.NewMessage);

    [Benchmark, BenchmarkCategory(Categories.InsertOne)]
    public long InsertOne_Generated() => _generated.AgentMessages.Insert(_fixture.NewMessage);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.InsertBatch)]
    public int InsertBatch1000_Raw() => _raw.InsertMany(_fixture.NewBatch);

    [Benchmark, BenchmarkCategory(Categories.InsertBatch)]
    public int InsertBatch1000_Dapper() => _dapper.InsertMany(_fixture.NewBatch);

    [Benchmark, BenchmarkCategory(Categories.InsertBatch)]
    public int InsertBatch1000_Ef() => _ef.InsertMany(_fixture.NewBatch);

    [Benchmark, BenchmarkCategory(Categories.InsertBatch)]
    public int InsertBatch1000_Generated() => _generated.AgentMessages.InsertMany(_fixture.NewBatch);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.UpdateByKey)]
    public int UpdateByKey_Raw() => _raw.Update(_fixture.NextUpdate());

    [Benchmark, BenchmarkCategory(Categories.UpdateByKey)]
    public int UpdateByKey_Dapper() => _dapper.Update(_fixture.NextUpdate());

    [Benchmark, BenchmarkCategory(Categories.UpdateByKey)]
    public int UpdateByKey_Ef() => _ef.Update(_fixture.NextUpdate());

    [Benchmark, BenchmarkCategory(Categories.UpdateByKey)]
    public bool UpdateByKey_Generated() => _generated.AgentMessages.Update(_fixture.NextUpdate());

    private SqliteConnection Open()
    {
        var connection = BenchmarkDatabases.OpenSqlite(ConnectionString!);
        _connections.Add(connection);
        return connection;
    }
}
