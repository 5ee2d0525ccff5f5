namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// The hand-written SQL of the raw ADO.NET and Dapper contenders. Both drivers take <c>@name</c> parameters. Reads
/// select every column of agent_messages and writes set every column but the id, as the generated layer and EF
/// Core do (version 2's queue added lease_owner, lease_expires_at and visible_at).
/// </summary>
public static class MessageSql
{
    public const string Columns =
        "\"id\", \"from_agent_id\", \"to_agent_id\", \"message_type\", \"status\", \"priority\", \"attempts\", \"payload\", \"correlation_id\", \"sent_at\", \"delivered_at\", " +
        "\"lease_owner\", \"lease_expires_at\", \"visible_at\"";

    public const string SelectById = "SELECT " + Columns + " FROM \"agent_messages\" WHERE \"id\" = @id";

    /// <summary>
    /// The recipient's next pending messages, most urgent then oldest. The status is a literal, not a
    /// parameter: only then can SQLite prove the query matches the partial index ix_agent_messages_routing.
    /// </summary>
    public const string Routing =
        "SELECT " + Columns + " FROM \"agent_messages\" WHERE \"to_agent_id\" = @agent AND \"status\" = 'pending' " +
        "ORDER BY \"priority\", \"sent_at\" LIMIT 10";

    private const string InsertColumns =
        "INSERT INTO \"agent_messages\" (\"from_agent_id\", \"to_agent_id\", \"message_type\", \"status\", \"priority\", \"attempts\", \"payload\", \"correlation_id\", \"sent_at\", \"delivered_at\", " +
        "\"lease_owner\", \"lease_expires_at\", \"visible_at\") ";

    /// <summary>Insert without the id (the database assigns it); <c>@payload</c> is bound as jsonb on PostgreSQL.</summary>
    public const string Insert = InsertColumns +
        "VALUES (@from_agent_id, @to_agent_id, @message_type, @status, @priority, @attempts, @payload, @correlation_id, @sent_at, @delivered_at, " +
        "@lease_owner, @lease_expires_at, @visible_at)";

    public const string InsertReturningId = Insert + " RETURNING \"id\"";

    /// <summary>Every column but the key, by key.</summary>
    public const string Update =
        "UPDATE \"agent_messages\" SET \"from_agent_id\" = @from_agent_id, \"to_agent_id\" = @to_agent_id, \"message_type\" = @message_type, " +
        "\"status\" = @status, \"priority\" = @priority, \"attempts\" = @attempts, \"payload\" = @payload, \"correlation_id\" = @correlation_id, " +
        "\"sent_at\" = @sent_at, \"delivered_at\" = @delivered_at, \"lease_owner\" = @lease_owner, \"lease_expires_at\" = @lease_expires_at, " +
        "\"visible_at\" = @visible_at WHERE \"id\" = @id";

    // Dapper binds members of a parameter object by name, and reads columns into members by name.
    private const string DapperColumns =
        "\"id\" AS \"Id\", \"from_agent_id\" AS \"FromAgentId\", \"to_agent_id\" AS \"ToAgentId\", \"message_type\" AS \"MessageType\", " +
        "\"status\" AS \"Status\", \"priority\" AS \"Priority\", \"attempts\" AS \"Attempts\", \"payload\" AS \"Payload\", " +
        "\"correlation_id\" AS \"CorrelationId\", \"sent_at\" AS \"SentAt\", \"delivered_at\" AS \"DeliveredAt\", \"lease_owner\" AS \"LeaseOwner\", " +
        "\"lease_expires_at\" AS \"LeaseExpiresAt\", \"visible_at\" AS \"VisibleAt\"";

    public const string DapperSelectById = "SELECT " + DapperColumns + " FROM \"agent_messages\" WHERE \"id\" = @Id";

    public const string DapperRouting =
        "SELECT " + DapperColumns + " FROM \"agent_messages\" WHERE \"to_agent_id\" = @Agent AND \"status\" = 'pending' " +
        "ORDER BY \"priority\", \"sent_at\" LIMIT 10";

    /// <summary>Dapper's insert; <paramref name="payload"/> is <c>@Payload</c> or, on PostgreSQL, its cast to jsonb.</summary>
    public static string DapperInsert(string payload) => InsertColumns +
        $"VALUES (@FromAgentId, @ToAgentId, @MessageType, @Status, @Priority, @Attempts, {payload}, @CorrelationId, @SentAt, @DeliveredAt, " +
        "@LeaseOwner, @LeaseExpiresAt, @VisibleAt)";

    public static string DapperUpdate(string payload) =>
        "UPDATE \"agent_messages\" SET \"from_agent_id\" = @FromAgentId, \"to_agent_id\" = @ToAgentId, \"message_type\" = @MessageType, " +
        $"\"status\" = @Status, \"priority\" = @Priority, \"attempts\" = @Attempts, \"payload\" = {payload}, \"correlation_id\" = @CorrelationId, " +
        "\"sent_at\" = @SentAt, \"delivered_at\" = @DeliveredAt, \"lease_owner\" = @LeaseOwner, \"lease_expires_at\" = @LeaseExpiresAt, " +
        "\"visible_at\" = @VisibleAt WHERE \"id\" = @Id";
}
