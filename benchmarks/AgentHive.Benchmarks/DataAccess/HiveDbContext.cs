using System;
using System.Data.Common;
using AgentHive.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>
/// EF Core mapped onto the tables the migrator deployed (EF creates nothing): the generated
/// <see cref="AgentMessage"/> entity, enums as their stored text, on SQLite timestamps as the schema's text
/// form through a value converter, on PostgreSQL as timestamptz and the payload as jsonb. One context
/// type per backend, so each gets its own cached model.
/// </summary>
public abstract class HiveDbContext : DbContext
{
    private static readonly ValueConverter<DateTimeOffset, string> TimestampAsText =
        new(v => StoredTimestamp.ToText(v), v => StoredTimestamp.Parse(v));

    protected HiveDbContext(DbConnection connection) => Connection = connection;

    protected DbConnection Connection { get; }

    public DbSet<AgentMessage> Messages => Set<AgentMessage>();

    protected abstract bool Postgres { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AgentMessage>(message =>
        {
            message.ToTable(AgentMessage.TableName);
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).HasColumnName("id").ValueGeneratedOnAdd();
            message.Property(m => m.FromAgentId).HasColumnName("from_agent_id");
            message.Property(m => m.ToAgentId).HasColumnName("to_agent_id");
            message.Property(m => m.MessageType).HasColumnName("message_type")
                .HasConversion(v => v.ToDbValue(), v => MessageTypeExtensions.ParseDbValue(v));
            message.Property(m => m.Status).HasColumnName("status")
                .HasConversion(v => v.ToDbValue(), v => MessageStatusExtensions.ParseDbValue(v));
            message.Property(m => m.Priority).HasColumnName("priority");
            message.Property(m => m.Attempts).HasColumnName("attempts");
            message.Property(m => m.Payload).HasColumnName("payload").HasColumnType(Postgres ? "jsonb" : "TEXT");
            message.Property(m => m.CorrelationId).HasColumnName("correlation_id");
            var sentAt = message.Property(m => m.SentAt).HasColumnName("sent_at");
            var deliveredAt = message.Property(m => m.DeliveredAt).HasColumnName("delivered_at");
            message.Property(m => m.LeaseOwner).HasColumnName("lease_owner");
            var leaseExpiresAt = message.Property(m => m.LeaseExpiresAt).HasColumnName("lease_expires_at");
            var visibleAt = message.Property(m => m.VisibleAt).HasColumnName("visible_at");
            if (!Postgres)
            {
                sentAt.HasConversion(TimestampAsText);
                deliveredAt.HasConversion(TimestampAsText);
                leaseExpiresAt.HasConversion(TimestampAsText);
                visibleAt.HasConversion(TimestampAsText);
            }
        });
    }
}

public sealed class SqliteHiveDbContext(DbConnection connection) : HiveDbContext(connection)
{
    protected override bool Postgres => false;

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.UseSqlite(Connection);
}

public sealed class PostgresHiveDbContext(DbConnection connection) : HiveDbContext(connection)
{
    protected override bool Postgres => true;

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.UseNpgsql(Connection);
}
