using System;
using System.Collections.Generic;
using AgentHive.Entities;
using Microsoft.Data.Sqlite;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// The baseline on SQLite: ADO.NET as a careful hand would write it. One prepared command per statement,
/// reused with new parameter values; columns read by ordinal; enums and timestamps in the schema's stored forms.
/// </summary>
public sealed class RawSqliteMessages : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _selectById;
    private readonly SqliteParameter _selectId;
    private readonly SqliteCommand _routing;
    private readonly SqliteParameter _routingAgent;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _insertValues;
    private readonly SqliteCommand _insertInBatch;
    private readonly SqliteParameter[] _batchValues;
    private readonly SqliteCommand _update;
    private readonly SqliteParameter[] _updateValues;
    private readonly SqliteParameter _updateId;

    public RawSqliteMessages(SqliteConnection connection)
    {
        _connection = connection;
        _selectById = Prepare(MessageSql.SelectById);
        _selectId = _selectById.Parameters.Add("@id", SqliteType.Integer);
        _routing = Prepare(MessageSql.Routing);
        _routingAgent = _routing.Parameters.Add("@agent", SqliteType.Integer);
        (_insert, _insertValues) = PrepareWrite(MessageSql.InsertReturningId);
        (_insertInBatch, _batchValues) = PrepareWrite(MessageSql.Insert);
        (_update, _updateValues) = PrepareWrite(MessageSql.Update);
        _updateId = _update.Parameters.Add("@id", SqliteType.Integer);
        foreach (var command in new[] { _selectById, _routing, _insert, _insertInBatch, _update })
        {
            command.Prepare();
        }
    }

    public AgentMessage? Get(long id)
    {
        _selectId.Value = id;
        using var reader = _selectById.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    public List<AgentMessage> NextPending(long agentId)
    {
        _routingAgent.Value = agentId;
        var result = new List<AgentMessage>(MessageDataSet.RoutingLimit);
        using var reader = _routing.ExecuteReader();
        while (reader.Read())
        {
            result.Add(Read(reader));
        }

        return result;
    }

    public long Insert(AgentMessage message)
    {
        Bind(_insertValues, message);
        return (long)_insert.ExecuteScalar()!;
    }

    public int InsertMany(IReadOnlyList<AgentMessage> messages)
    {
        using var transaction = _connection.BeginTransaction();
        _insertInBatch.Transaction = transaction;
        var inserted = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            Bind(_batchValues, messages[i]);
            inserted += _insertInBatch.ExecuteNonQuery();
        }

        transaction.Commit();
        _insertInBatch.Transaction = null;
        return inserted;
    }

    public int Update(AgentMessage message)
    {
        Bind(_updateValues, message);
        _updateId.Value = message.Id!.Value;
        return _update.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in new[] { _selectById, _routing, _insert, _insertInBatch, _update })
        {
            command.Dispose();
        }
    }

    private static AgentMessage Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        FromAgentId = reader.IsDBNull(1) ? null : reader.GetInt64(1),
        ToAgentId = reader.GetInt64(2),
        MessageType = MessageTypeExtensions.ParseDbValue(reader.GetString(3)),
        Status = MessageStatusExtensions.ParseDbValue(reader.GetString(4)),
        Priority = reader.GetInt32(5),
        Attempts = reader.GetInt32(6),
        Payload = reader.GetString(7),
        CorrelationId = reader.IsDBNull(8) ? null : reader.GetString(8),
        SentAt = StoredTimestamp.Parse(reader.GetString(9)),
        DeliveredAt = reader.IsDBNull(10) ? null : StoredTimestamp.Parse(reader.GetString(10)),
        LeaseOwner = reader.IsDBNull(11) ? null : reader.GetString(11),
        LeaseExpiresAt = reader.IsDBNull(12) ? null : StoredTimestamp.Parse(reader.GetString(12)),
        VisibleAt = reader.IsDBNull(13) ? null : StoredTimestamp.Parse(reader.GetString(13)),
    };

    private static void Bind(SqliteParameter[] values, AgentMessage message)
    {
        values[0].Value = message.FromAgentId is { } from ? from : DBNull.Value;
        values[1].Value = message.ToAgentId;
        values[2].Value = message.MessageType.ToDbValue();
        values[3].Value = message.Status.ToDbValue();
        values[4].Value = message.Priority;
        values[5].Value = message.Attempts;
        values[6].Value = message.Payload;
        values[7].Value = (object?)message.CorrelationId ?? DBNull.Value;
        values[8].Value = StoredTimestamp.ToText(message.SentAt);
        values[9].Value = message.DeliveredAt is { } delivered ? StoredTimestamp.ToText(delivered) : DBNull.Value;
        values[10].Value = (object?)message.LeaseOwner ?? DBNull.Value;
        values[11].Value = message.LeaseExpiresAt is { } leaseExpires ? StoredTimestamp.ToText(leaseExpires) : DBNull.Value;
        values[12].Value = message.VisibleAt is { } visible ? StoredTimestamp.ToText(visible) : DBNull.Value;
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private (SqliteCommand, SqliteParameter[]) PrepareWrite(string sql)
    {
        var command = Prepare(sql);
        var values = new[]
        {
            command.Parameters.Add("@from_agent_id", SqliteType.Integer),
            command.Parameters.Add("@to_agent_id", SqliteType.Integer),
            command.Parameters.Add("@message_type", SqliteType.Text),
            command.Parameters.Add("@status", SqliteType.Text),
            command.Parameters.Add("@priority", SqliteType.Integer),
            command.Parameters.Add("@attempts", SqliteType.Integer),
            command.Parameters.Add("@payload", SqliteType.Text),
            command.Parameters.Add("@correlation_id", SqliteType.Text),
            command.Parameters.Add("@sent_at", SqliteType.Text),
            command.Parameters.Add("@delivered_at", SqliteType.Text),
            command.Parameters.Add("@lease_owner", SqliteType.Text),
            command.Parameters.Add("@lease_expires_at", SqliteType.Text),
            command.Parameters.Add("@visible_at", SqliteType.Text),
        };
        return (command, values);
    }
}
