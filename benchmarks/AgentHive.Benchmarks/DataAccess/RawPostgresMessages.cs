using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AgentHive.Entities;
using Npgsql;
using NpgsqlTypes;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// The baseline on PostgreSQL: Npgsql as a careful hand would write it, asynchronously. Server-side
/// prepared statements reused with typed (unboxed) parameters; columns read by ordinal; timestamps as
/// timestamptz, enums as text, the payload as jsonb. The batch insert is one prepared NpgsqlBatch of
/// single-row inserts, one round trip in one implicit transaction.
/// </summary>
public sealed class RawPostgresMessages : IDisposable
{
    private readonly NpgsqlCommand _selectById;
    private readonly NpgsqlParameter<long> _selectId;
    private readonly NpgsqlCommand _routing;
    private readonly NpgsqlParameter<long> _routingAgent;
    private readonly NpgsqlCommand _insert;
    private readonly WriteParameters _insertValues;
    private readonly NpgsqlBatch _batch;
    private readonly WriteParameters[] _batchValues;
    private readonly NpgsqlCommand _update;
    private readonly WriteParameters _updateValues;
    private readonly NpgsqlParameter<long> _updateId;

    public RawPostgresMessages(NpgsqlConnection connection)
    {
        _selectById = new NpgsqlCommand(MessageSql.SelectById, connection);
        _selectId = new NpgsqlParameter<long>("id", NpgsqlDbType.Bigint);
        _selectById.Parameters.Add(_selectId);
        _routing = new NpgsqlCommand(MessageSql.Routing, connection);
        _routingAgent = new NpgsqlParameter<long>("agent", NpgsqlDbType.Bigint);
        _routing.Parameters.Add(_routingAgent);
        _insert = new NpgsqlCommand(MessageSql.InsertReturningId, connection);
        _insertValues = new WriteParameters(_insert.Parameters);
        _update = new NpgsqlCommand(MessageSql.Update, connection);
        _updateValues = new WriteParameters(_update.Parameters);
        _updateId = new NpgsqlParameter<long>("id", NpgsqlDbType.Bigint);
        _update.Parameters.Add(_updateId);
        _batch = new NpgsqlBatch(connection);
        _batchValues = new WriteParameters[MessageDataSet.BatchSize];
        for (var i = 0; i < _batchValues.Length; i++)
        {
            var command = new NpgsqlBatchCommand(MessageSql.Insert);
            _batchValues[i] = new WriteParameters(command.Parameters);
            _batch.BatchCommands.Add(command);
        }

        _selectById.Prepare();
        _routing.Prepare();
        _insert.Prepare();
        _update.Prepare();
        _batch.Prepare();
    }

    public async Task<AgentMessage?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        _selectId.TypedValue = id;
        await using var reader = await _selectById.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<List<AgentMessage>> NextPendingAsync(long agentId, CancellationToken cancellationToken = default)
    {
        _routingAgent.TypedValue = agentId;
        var result = new List<AgentMessage>(MessageDataSet.RoutingLimit);
        await using var reader = await _routing.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    public async Task<long> InsertAsync(AgentMessage message, CancellationToken cancellationToken = default)
    {
        _insertValues.Bind(message);
        return (long)(await _insert.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Inserts exactly <see cref="MessageDataSet.BatchSize"/> messages in one round trip.</summary>
    public async Task<int> InsertManyAsync(IReadOnlyList<AgentMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count != _batchValues.Length)
        {
            throw new ArgumentException($"The prepared batch holds {_batchValues.Length} rows.", nameof(messages));
        }

        for (var i = 0; i < messages.Count; i++)
        {
            _batchValues[i].Bind(messages[i]);
        }

        return await _batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> UpdateAsync(AgentMessage message, CancellationToken cancellationToken = default)
    {
        _updateValues.Bind(message);
        _updateId.TypedValue = message.Id!.Value;
        return await _update.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose()
    {
        _selectById.Dispose();
        _routing.Dispose();
        _insert.Dispose();
        _update.Dispose();
        _batch.Dispose();
    }

    private static AgentMessage Read(NpgsqlDataReader reader) => new()
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
        SentAt = reader.GetFieldValue<DateTimeOffset>(9),
        DeliveredAt = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        LeaseOwner = reader.IsDBNull(11) ? null : reader.GetString(11),
        LeaseExpiresAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
        VisibleAt = reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
    };

    /// <summary>The thirteen written columns of one statement (all but the id), as typed parameters.</summary>
    private sealed class WriteParameters
    {
        private readonly NpgsqlParameter<long?> _from = new("from_agent_id", NpgsqlDbType.Bigint);
        private readonly NpgsqlParameter<long> _to = new("to_agent_id", NpgsqlDbType.Bigint);
        private readonly NpgsqlParameter<string> _type = new("message_type", NpgsqlDbType.Text);
        private readonly NpgsqlParameter<string> _status = new("status", NpgsqlDbType.Text);
        private readonly NpgsqlParameter<int> _priority = new("priority", NpgsqlDbType.Integer);
        private readonly NpgsqlParameter<int> _attempts = new("attempts", NpgsqlDbType.Integer);
        private readonly NpgsqlParameter<string> _payload = new("payload", NpgsqlDbType.Jsonb);
        private readonly NpgsqlParameter<string?> _correlation = new("correlation_id", NpgsqlDbType.Text);
        private readonly NpgsqlParameter<DateTimeOffset> _sent = new("sent_at", NpgsqlDbType.TimestampTz);
        private readonly NpgsqlParameter<DateTimeOffset?> _delivered = new("delivered_at", NpgsqlDbType.TimestampTz);
        private readonly NpgsqlParameter<string?> _leaseOwner = new("lease_owner", NpgsqlDbType.Text);
        private readonly NpgsqlParameter<DateTimeOffset?> _leaseExpires = new("lease_expires_at", NpgsqlDbType.TimestampTz);
        private readonly NpgsqlParameter<DateTimeOffset?> _visible = new("visible_at", NpgsqlDbType.TimestampTz);

        public WriteParameters(NpgsqlParameterCollection parameters)
        {
            parameters.Add(_from);
            parameters.Add(_to);
            parameters.Add(_type);
            parameters.Add(_status);
            parameters.Add(_priority);
            parameters.Add(_attempts);
            parameters.Add(_payload);
            parameters.Add(_correlation);
            parameters.Add(_sent);
            parameters.Add(_delivered);
            parameters.Add(_leaseOwner);
            parameters.Add(_leaseExpires);
            parameters.Add(_visible);
        }

        public void Bind(AgentMessage message)
        {
            _from.TypedValue = message.FromAgentId;
            _to.TypedValue = message.ToAgentId;
            _type.TypedValue = message.MessageType.ToDbValue();
            _status.TypedValue = message.Status.ToDbValue();
            _priority.TypedValue = message.Priority;
            _attempts.TypedValue = message.Attempts;
            _payload.TypedValue = message.Payload;
            _correlation.TypedValue = message.CorrelationId;
            _sent.TypedValue = message.SentAt.ToUniversalTime();
            _delivered.TypedValue = message.DeliveredAt?.ToUniversalTime();
            _leaseOwner.TypedValue = message.LeaseOwner;
            _leaseExpires.TypedValue = message.LeaseExpiresAt?.ToUniversalTime();
            _visible.TypedValue = message.VisibleAt?.ToUniversalTime();
        }
    }
}
