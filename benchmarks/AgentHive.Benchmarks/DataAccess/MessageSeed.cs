using System;
using System.Data.Common;
using System.Globalization;
using AgentHive.Entities;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// Deploys the schema and fills it with <see cref="MessageDataSet"/>, idempotently: a database that already
/// holds the data set only loses the rows earlier insert benchmarks added; anything else is reseeded.
/// Statistics are refreshed and the routing query's plan checked, so every contender reads through
/// ix_agent_messages_routing.
/// </summary>
public static class MessageSeed
{
    private static readonly long[] SpotChecks = { 1, 2, 11, 12 };

    public static void EnsureSqlite(string connectionString, MessageDataSet data)
    {
        BenchmarkDatabases.Deploy("sqlite", connectionString);
        using var connection = BenchmarkDatabases.OpenSqlite(connectionString);
        if (!IsSeeded(connection, data))
        {
            using var transaction = connection.BeginTransaction();
            Wipe(connection, transaction);
            for (long id = 1; id <= data.SinkAgentId; id++)
            {
                InsertGenerated(connection, transaction, global::AgentHive.Entities.Agent.SqliteInsertSql, Agent(data, id).AddInsertParameters);
            }

            for (long id = 1; id <= data.MessageCount; id++)
            {
                InsertGenerated(connection, transaction, AgentMessage.SqliteInsertSql, data.Inserted(id).AddInsertParameters);
            }

            SettleStatuses(connection, transaction, data);
            transaction.Commit();
        }

        RemoveInserted(connection, data);
        BenchmarkDatabases.Execute(connection, "ANALYZE");
        var plan = BenchmarkDatabases.Text(connection, "EXPLAIN QUERY PLAN " + MessageSql.Routing,
            command => ((SqliteCommand)command).Parameters.AddWithValue("@agent", MessageDataSet.RoutingAgentId));
        RequireRoutingIndex(plan, "TEMP B-TREE");
    }

    public static void EnsurePostgres(string connectionString, MessageDataSet data)
    {
        BenchmarkDatabases.Deploy("postgres", connectionString);
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        if (!IsSeeded(connection, data))
        {
            using (var transaction = connection.BeginTransaction())
            {
                Wipe(connection, transaction);
                for (long id = 1; id <= data.SinkAgentId; id++)
                {
                    InsertGenerated(connection, transaction, global::AgentHive.Entities.Agent.PostgresInsertSql, Agent(data, id).AddInsertParameters);
                }

                transaction.Commit();
            }

            CopyMessages(connection, data);
            using (var transaction = connection.BeginTransaction())
            {
                SettleStatuses(connection, transaction, data);
                transaction.Commit();
            }
        }

        RemoveInserted(connection, data);
        // Ids given explicitly do not move the identity sequence; new rows continue after the data set.
        BenchmarkDatabases.Execute(connection, FormattableString.Invariant(
            $"SELECT setval(pg_get_serial_sequence('agent_messages', 'id'), {data.MessageCount}); SELECT setval(pg_get_serial_sequence('agents', 'id'), {data.SinkAgentId})"));
        BenchmarkDatabases.Execute(connection, "VACUUM (ANALYZE) \"agents\", \"agent_messages\"");
        var plan = BenchmarkDatabases.Text(connection, "EXPLAIN " + MessageSql.Routing,
            command => ((NpgsqlCommand)command).Parameters.AddWithValue("agent", MessageDataSet.RoutingAgentId));
        RequireRoutingIndex(plan, "Sort");
    }

    /// <summary>Deletes what the insert benchmarks wrote; the seeded rows stay.</summary>
    public static void RemoveInserted(DbConnection connection, MessageDataSet data) =>
        BenchmarkDatabases.Execute(connection, FormattableString.Invariant($"DELETE FROM \"agent_messages\" WHERE \"id\" > {data.MessageCount}"));

    /// <summary>How many messages the sink agent holds (what the insert benchmarks wrote).</summary>
    public static long SinkCount(DbConnection connection, MessageDataSet data) =>
        BenchmarkDatabases.Scalar(connection, FormattableString.Invariant($"SELECT COUNT(*) FROM \"agent_messages\" WHERE \"to_agent_id\" = {data.SinkAgentId}"));

    private static void RequireRoutingIndex(string plan, string sortMarker)
    {
        if (!plan.Contains("ix_agent_messages_routing", StringComparison.Ordinal) || plan.Contains(sortMarker, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The routing read must use ix_agent_messages_routing without a sort; the plan was:\n" + plan);
        }
    }

    private static bool IsSeeded(DbConnection connection, MessageDataSet data)
    {
        var n = data.MessageCount;
        if (BenchmarkDatabases.Scalar(connection, FormattableString.Invariant($"SELECT COUNT(*) FROM \"agents\" WHERE \"id\" <= {data.SinkAgentId}")) != data.SinkAgentId ||
            BenchmarkDatabases.Scalar(connection, FormattableString.Invariant($"SELECT COUNT(*) FROM \"agent_messages\" WHERE \"id\" <= {n}")) != n ||
            BenchmarkDatabases.Scalar(connection, FormattableString.Invariant($"SELECT COUNT(*) FROM \"agent_messages\" WHERE \"id\" <= {n} AND \"status\" = 'pending'")) != data.PendingCount ||
            BenchmarkDatabases.Scalar(connection, FormattableString.Invariant($"SELECT COUNT(*) FROM \"agent_messages\" WHERE \"id\" <= {n} AND \"to_agent_id\" > {data.Agents}")) != 0)
        {
            return false;
        }

        // A file seeded by another formula has the same counts; compare a few rows in full.
        foreach (var id in SpotChecks)
        {
            using var command = connection.CreateCommand();
            command.CommandText = MessageSql.SelectById.Replace("@id", id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            using var reader = command.ExecuteReader();
            if (!reader.Read() || ReadMessage(reader) != data.Expected(id) with { Attempts = reader.GetInt32(6) })
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads a row of <see cref="MessageSql.Columns"/> on either backend, for checks (not a contender).</summary>
    public static AgentMessage ReadMessage(DbDataReader reader)
    {
        DateTimeOffset Timestamp(int ordinal) => reader.GetValue(ordinal) is string text ? StoredTimestamp.Parse(text) : reader.GetFieldValue<DateTimeOffset>(ordinal);
        return new AgentMessage
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
            SentAt = Timestamp(9),
            DeliveredAt = reader.IsDBNull(10) ? null : Timestamp(10),
            LeaseOwner = reader.IsDBNull(11) ? null : reader.GetString(11),
            LeaseExpiresAt = reader.IsDBNull(12) ? null : Timestamp(12),
            VisibleAt = reader.IsDBNull(13) ? null : Timestamp(13),
        };
    }

    private static void Wipe(DbConnection connection, DbTransaction transaction)
    {
        BenchmarkDatabases.Execute(connection, "DELETE FROM \"agent_messages\"", transaction);
        BenchmarkDatabases.Execute(connection, "DELETE FROM \"agents\"", transaction);
    }

    // Messages can only be inserted pending (the state machine's initial state); history moves on from there.
    // delivered_at = sent_at keeps the stored form of each backend without formatting it in SQL.
    private static void SettleStatuses(DbConnection connection, DbTransaction transaction, MessageDataSet data)
    {
        var scope = FormattableString.Invariant($"\"id\" <= {data.MessageCount} AND ((\"id\" - 1) / {data.Agents}) % 10");
        BenchmarkDatabases.Execute(connection,
            $"UPDATE \"agent_messages\" SET \"status\" = 'delivered', \"delivered_at\" = \"sent_at\" WHERE {scope} <> 0", transaction);
        BenchmarkDatabases.Execute(connection, $"UPDATE \"agent_messages\" SET \"status\" = 'read' WHERE {scope} >= 2", transaction);
    }

    private static Agent Agent(MessageDataSet data, long id) => new()
    {
        Id = id,
        Name = data.AgentName(id),
        AgentType = MessageDataSet.AgentTypeOf(id),
    };

    // The generated entities' own insert, which the seed trusts as the already-landed write path.
    private static void InsertGenerated(DbConnection connection, DbTransaction transaction, string sql, Action<DbCommand> bind)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command);
        command.ExecuteNonQuery();
    }

    private static void CopyMessages(NpgsqlConnection connection, MessageDataSet data)
    {
        using var copy = connection.BeginBinaryImport(
            "COPY \"agent_messages\" (" + MessageSql.Columns + ") FROM STDIN (FORMAT BINARY)");
        for (long id = 1; id <= data.MessageCount; id++)
        {
            var m = data.Inserted(id);
            copy.StartRow();
            copy.Write(m.Id!.Value, NpgsqlDbType.Bigint);
            if (m.FromAgentId is { } from)
            {
                copy.Write(from, NpgsqlDbType.Bigint);
            }
            else
            {
                copy.WriteNull();
            }

            copy.Write(m.ToAgentId, NpgsqlDbType.Bigint);
            copy.Write(m.MessageType.ToDbValue(), NpgsqlDbType.Text);
            copy.Write(m.Status.ToDbValue(), NpgsqlDbType.Text);
            copy.Write(m.Priority, NpgsqlDbType.Integer);
            copy.Write(m.Attempts, NpgsqlDbType.Integer);
            copy.Write(m.Payload, NpgsqlDbType.Jsonb);
            if (m.CorrelationId is { } correlation)
            {
                copy.Write(correlation, NpgsqlDbType.Text);
            }
            else
            {
                copy.WriteNull();
            }

            copy.Write(m.SentAt, NpgsqlDbType.TimestampTz);
            // Not delivered, not leased, visible at once.
            copy.WriteNull();
            copy.WriteNull();
            copy.WriteNull();
            copy.WriteNull();
        }

        copy.Complete();
    }
}
