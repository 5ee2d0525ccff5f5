using System.Collections.Generic;
using System.Linq;
using AgentHive.Entities;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>The operations' categories; each has its raw ADO.NET baseline.</summary>
public static class Categories
{
    public const string ReadByKey = "ReadByKey";
    public const string Routing = "Routing10";
    public const string InsertOne = "InsertOne";
    public const string InsertBatch = "InsertBatch1000";
    public const string UpdateByKey = "UpdateByKey";
}

/// <summary>
/// What the benchmark methods feed the contenders, built before measuring so no contender pays for it:
/// the ids to read (spread over the table), the messages to insert, and the rows to update.
/// </summary>
public sealed class DataAccessFixture
{
    private readonly long[] _readIds;
    private readonly AgentMessage[] _updateEven;
    private readonly AgentMessage[] _updateOdd;
    private int _read;
    private int _update;

    public DataAccessFixture(MessageDataSet data)
    {
        _readIds = data.ScatteredIds(1_024);
        (_updateEven, _updateOdd) = data.UpdateTargets(1_024);
        NewMessage = data.NewMessage(0);
        NewBatch = Enumerable.Range(0, MessageDataSet.BatchSize).Select(n => data.NewMessage(n)).ToArray();
    }

    /// <summary>The message each insert-one call writes (a new row each time).</summary>
    public AgentMessage NewMessage { get; }

    /// <summary>The rows each batch call writes (new rows each time).</summary>
    public IReadOnlyList<AgentMessage> NewBatch { get; }

    public long NextReadId() => _readIds[_read++ % _readIds.Length];

    /// <summary>The next seeded row to rewrite, with its attempts alternating so each update changes the row.</summary>
    public AgentMessage NextUpdate()
    {
        var n = _update++;
        var targets = (n / _updateEven.Length) % 2 == 0 ? _updateOdd : _updateEven;
        return targets[n % targets.Length];
    }
}
