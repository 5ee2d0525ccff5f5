using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using AgentHive.Entities;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Npgsql;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// Data access on PostgreSQL, asynchronous (Npgsql is truly async): each operation by raw prepared Npgsql
/// (the baseline of its category), Dapper, EF Core and the generated layer, on agent_messages of a database
/// deployed by the runtime's migrator. Each contender has its own open connection.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PostgresDataAccessBenchmarks
{
    private readonly List<NpgsqlConnection> _connections = new();
    private DataAccessFixture _fixture = null!;
    private RawPostgresMessages _raw = null!;
    private DapperMessages _dapper = null!;
    private EfMessages<PostgresHiveDbContext> _ef = null!;
    private AgentHiveDatabase _generated = null!;

    /// <summary>The database; null: <see cref="BenchmarkDatabases.PostgresConnectionString"/>.</summary>
    public string? ConnectionString { get; set; }

    public MessageDataSet Data { get; set; } = MessageDataSet.Full;

    [GlobalSetup]
    public void Setup()
    {
        ConnectionString ??= BenchmarkDatabases.PostgresConnectionString();
        MessageSeed.EnsurePostgres(ConnectionString, Data);
        Console.WriteLine($"// PostgreSQL {Open().PostgreSqlVersion}");
        _fixture = new DataAccessFixture(Data);
        _raw = new RawPostgresMessages(Open());
        _dapper = new DapperMessages(Open(), postgres: true);
        _ef = new EfMessages<PostgresHiveDbContext>(new PostgresHiveDbContext(Open()));
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
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.ReadByKey)]
    public Task<AgentMessage?> ReadByKey_Raw() => _raw.GetAsync(_fixture.NextReadId());

    [Benchmark, BenchmarkCategory(Categories.ReadByKey)]
    public Task<AgentMessage?> ReadByKey_Dapper() => _dapper.GetAsync(_fixture.NextReadId());

    [Benchmark, BenchmarkCategory(Categories.ReadByKey)]
    public Task<AgentMessage?> ReadByKey_EfLinq() => _ef.GetAsync(_fixture.NextReadId());

    [Benchmark, BenchmarkCategory(Categories.ReadByKey)]
    public Task<AgentMessage?> ReadByKey_EfCompiled() => _ef.GetCompiledAsync(_fixture.NextReadId());

    [Benchmark, BenchmarkCategory(Categories.ReadByKey)]
    public ValueTask<AgentMessage?> ReadByKey_Generated() => _generated.AgentMessages.GetAsync(_fixture.NextReadId());

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.Routing)]
    public Task<List<AgentMessage>> Routing10_Raw() => _raw.NextPendingAsync(MessageDataSet.RoutingAgentId);

    [Benchmark, BenchmarkCategory(Categories.Routing)]
    public Task<List<AgentMessage>> Routing10_Dapper() => _dapper.NextPendingAsync(MessageDataSet.RoutingAgentId);

    [Benchmark, BenchmarkCategory(Categories.Routing)]
    public Task<List<AgentMessage>> Routing10_EfLinq() => _ef.NextPendingAsync(MessageDataSet.RoutingAgentId);

    [Benchmark, BenchmarkCategory(Categories.Routing)]
    public Task<List<AgentMessage>> Routing10_EfCompiled() => _ef.NextPendingCompiledAsync(MessageDataSet.RoutingAgentId);

    [Benchmark, BenchmarkCategory(Categories.Routing)]
    public ValueTask<List<AgentMessage>> Routing10_Generated() => _generated.NextPendingMessagesAsync(MessageDataSet.RoutingAgentId, MessageDataSet.RoutingLimit);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.InsertOne)]
    public Task<long> InsertOne_Raw() => _raw.InsertAsync(_fixture.NewMessage);

    [Benchmark, BenchmarkCategory(Categories.InsertOne)]
    public Task<long> InsertOne_Dapper() => _dapper.InsertAsync(_fixture.NewMessage);

    [Benchmark, BenchmarkCategory(Categories.InsertOne)]
    public Task<long> InsertOne_Ef() => _ef.InsertAsync(_fixture.NewMessage);

    [Benchmark, BenchmarkCategory(Categories.InsertOne)]
    public ValueTask<long> InsertOne_Generated() => _generated.AgentMessages.InsertAsync(_fixture.NewMessage);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.InsertBatch)]
    public Task<int> InsertBatch1000_Raw() => _raw.InsertManyAsync(_fixture.NewBatch);

    [Benchmark, BenchmarkCategory(Categories.InsertBatch)]
    public Task<int> InsertBatch1000_Dapper() => _dapper.InsertManyAsync(_fixture.NewBatch);

    [Benchmark, BenchmarkCategory(Categories.InsertBatch)]
    public Task<int> InsertBatch1000_Ef() => _ef.InsertManyAsync(_fixture.NewBatch);

    [Benchmark, BenchmarkCategory(Categories.InsertBatch)]
    public ValueTask<int> InsertBatch1000_Generated() => _generated.AgentMessages.InsertManyAsync(_fixture.NewBatch);

    [Benchmark(Baseline = true), BenchmarkCategory(Categories.UpdateByKey)]
    public Task<int> UpdateByKey_Raw() => _raw.UpdateAsync(_fixture.NextUpdate());

    [Benchmark, BenchmarkCategory(Categories.UpdateByKey)]
    public Task<int> UpdateByKey_Dapper() => _dapper.UpdateAsync(_fixture.NextUpdate());

    [Benchmark, BenchmarkCategory(Categories.UpdateByKey)]
    public Task<int> UpdateByKey_Ef() => _ef.UpdateAsync(_fixture.NextUpdate());

    [Benchmark, BenchmarkCategory(Categories.UpdateByKey)]
    public ValueTask<bool> UpdateByKey_Generated() => _generated.AgentMessages.UpdateAsync(_fixture.NextUpdate());

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        _connections.Add(connection);
        return connection;
    }
}
