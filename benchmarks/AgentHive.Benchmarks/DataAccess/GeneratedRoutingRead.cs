using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading.Tasks;
using AgentHive.Data;
using AgentHive.Entities;
using AgentHive.Runtime.Data;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// The routing read through the generated layer's row mapper (<see cref="AgentMessageTable.Read(DbDataReader, DataBackend)"/>)
/// on one prepared command: the declared query next_pending_messages has no typed method yet.
/// </summary>
public sealed class GeneratedRoutingRead : IDisposable
{
    private readonly DbCommand _command;
    private readonly DbParameter _agent;
    private readonly DataBackend _backend;

    public GeneratedRoutingRead(DbConnection connection)
    {
        _backend = DataBackend.For(connection);
        _command = connection.CreateCommand();
        _command.CommandText = MessageSql.Routing;
        _agent = _command.CreateParameter();
        _agent.ParameterName = "@agent";
        _agent.DbType = System.Data.DbType.Int64;
        _command.Parameters.Add(_agent);
        _command.Prepare();
    }

    public List<AgentMessage> NextPending(long agentId)
    {
        _agent.Value = agentId;
        var result = new List<AgentMessage>(MessageDataSet.RoutingLimit);
        using var reader = _command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(AgentMessageTable.Read(reader, _backend));
        }

        return result;
    }

    public async Task<List<AgentMessage>> NextPendingAsync(long agentId)
    {
        _agent.Value = agentId;
        var result = new List<AgentMessage>(MessageDataSet.RoutingLimit);
        await using var reader = await _command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(AgentMessageTable.Read(reader, _backend));
        }

        return result;
    }

    public void Dispose() => _command.Dispose();
}
