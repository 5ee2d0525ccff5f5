using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Linq;
using System.Threading.Tasks;
using AgentHive.Entities;
using Dapper;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// Dapper as its documentation suggests for these tables. Dapper parses an enum from text by its C# name and
/// ignores type handlers for enums (in both directions), so rows come back through a row class with the
/// enums as text and go out through a parameter object holding the stored forms; timestamps are read with
/// the driver's GetFieldValue (the type map the README gives). Sync on SQLite, async on PostgreSQL.
/// </summary>
public sealed class DapperMessages
{
    private readonly DbConnection _connection;
    private readonly bool _postgres;
    private readonly string _insert;
    private readonly string _insertReturningId;
    private readonly string _update;

    static DapperMessages()
    {
        SqlMapper.AddTypeMap(typeof(DateTimeOffset), DbType.DateTimeOffset, useGetFieldValue: true);
        SqlMapper.AddTypeMap(typeof(DateTimeOffset?), DbType.DateTimeOffset, useGetFieldValue: true);
    }

    public DapperMessages(DbConnection connection, bool postgres)
    {
        _connection = connection;
        _postgres = postgres;
        var payload = postgres ? "CAST(@Payload AS jsonb)" : "@Payload";
        _insert = MessageSql.DapperInsert(payload);
        _insertReturningId = _insert + " RETURNING \"id\"";
        _update = MessageSql.DapperUpdate(payload);
    }

    public AgentMessage? Get(long id) =>
        _connection.QuerySingleOrDefault<MessageRow>(MessageSql.DapperSelectById, new { Id = id })?.ToEntity();

    public List<AgentMessage> NextPending(long agentId) =>
        _connection.Query<MessageRow>(MessageSql.DapperRouting, new { Agent = agentId }).Select(row => row.ToEntity()).ToList();

    public long Insert(AgentMessage message) => _connection.ExecuteScalar<long>(_insertReturningId, Parameters(message));

    public int InsertMany(IReadOnlyList<AgentMessage> messages)
    {
        using var transaction = _connection.BeginTransaction();
        var inserted = _connection.Execute(_insert, messages.Select(Parameters), transaction);
        transaction.Commit();
        return inserted;
    }

    public int Update(AgentMessage message) => _connection.Execute(_update, Parameters(message));

    public async Task<AgentMessage?> GetAsync(long id) =>
        (await _connection.QuerySingleOrDefaultAsync<MessageRow>(MessageSql.DapperSelectById, new { Id = id }))?.ToEntity();

    public async Task<List<AgentMessage>> NextPendingAsync(long agentId) =>
        (await _connection.QueryAsync<MessageRow>(MessageSql.DapperRouting, new { Agent = agentId })).Select(row => row.ToEntity()).ToList();

    public Task<long> InsertAsync(AgentMessage message) => _connection.ExecuteScalarAsync<long>(_insertReturningId, Parameters(message));

    public async Task<int> InsertManyAsync(IReadOnlyList<AgentMessage> messages)
    {
        await using var transaction = await _connection.BeginTransactionAsync();
        var inserted = await _connection.ExecuteAsync(_insert, messages.Select(Parameters), transaction);
        await transaction.CommitAsync();
        return inserted;
    }

    public Task<int> UpdateAsync(AgentMessage message) => _connection.ExecuteAsync(_update, Parameters(message));

    private object Parameters(AgentMessage message) => _postgres ? new PostgresParameters(message) : new SqliteParameters(message);

    /// <summary>A row as Dapper can read it: enums as their stored text.</summary>
    private sealed class MessageRow
    {
        public long Id { get; set; }
        public long? FromAgentId { get; set; }
        public long ToAgentId { get; set; }
        public string MessageType { get; set; } = string.Empty;
        public string Status { get; set; } = string.Empty;
        public int Priority { get; set; }
        public int Attempts { get; set; }
        public string Payload { get; set; } = string.Empty;
        public string? CorrelationId { get; set; }
        public DateTimeOffset SentAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public string? LeaseOwner { get; set; }
        public DateTimeOffset? LeaseExpiresAt { get; set; }
        public DateTimeOffset? VisibleAt { get; set; }

        public AgentMessage ToEntity() => new()
        {
            Id = Id,
            FromAgentId = FromAgentId,
            ToAgentId = ToAgentId,
            MessageType = MessageTypeExtensions.ParseDbValue(MessageType),
            Status = MessageStatusExtensions.ParseDbValue(Status),
            Priority = Priority,
            Attempts = Attempts,
            Payload = Payload,
            CorrelationId = CorrelationId,
            SentAt = SentAt,
            DeliveredAt = DeliveredAt,
            LeaseOwner = LeaseOwner,
            LeaseExpiresAt = LeaseExpiresAt,
            VisibleAt = VisibleAt,
        };
    }

    /// <summary>SQLite's stored forms: enums and timestamps as text.</summary>
    private sealed class SqliteParameters(AgentMessage m)
    {
        public long? Id { get; } = m.Id;
        public long? FromAgentId { get; } = m.FromAgentId;
        public long ToAgentId { get; } = m.ToAgentId;
        public string MessageType { get; } = m.MessageType.ToDbValue();
        public string Status { get; } = m.Status.ToDbValue();
        public int Priority { get; } = m.Priority;
        public int Attempts { get; } = m.Attempts;
        public string Payload { get; } = m.Payload;
        public string? CorrelationId { get; } = m.CorrelationId;
        public string SentAt { get; } = StoredTimestamp.ToText(m.SentAt);
        public string? DeliveredAt { get; } = m.DeliveredAt is { } delivered ? StoredTimestamp.ToText(delivered) : null;
        public string? LeaseOwner { get; } = m.LeaseOwner;
        public string? LeaseExpiresAt { get; } = m.LeaseExpiresAt is { } leaseExpires ? StoredTimestamp.ToText(leaseExpires) : null;
        public string? VisibleAt { get; } = m.VisibleAt is { } visible ? StoredTimestamp.ToText(visible) : null;
    }

    /// <summary>PostgreSQL's: enums as text, timestamps as timestamptz (UTC).</summary>
    private sealed class PostgresParameters(AgentMessage m)
    {
        public long? Id { get; } = m.Id;
        public long? FromAgentId { get; } = m.FromAgentId;
        public long ToAgentId { get; } = m.ToAgentId;
        public string MessageType { get; } = m.MessageType.ToDbValue();
        public string Status { get; } = m.Status.ToDbValue();
        public int Priority { get; } = m.Priority;
        public int Attempts { get; } = m.Attempts;
        public string Payload { get; } = m.Payload;
        public string? CorrelationId { get; } = m.CorrelationId;
        public DateTimeOffset SentAt { get; } = m.SentAt.ToUniversalTime();
        public DateTimeOffset? DeliveredAt { get; } = m.DeliveredAt?.ToUniversalTime();
        public string? LeaseOwner { get; } = m.LeaseOwner;
        public DateTimeOffset? LeaseExpiresAt { get; } = m.LeaseExpiresAt?.ToUniversalTime();
        public DateTimeOffset? VisibleAt { get; } = m.VisibleAt?.ToUniversalTime();
    }
}
