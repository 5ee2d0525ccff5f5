namespace AgentHive.Runtime.Data;

/// <summary>
/// How a schema column type travels to and from the database. Each backend binds and reads every kind in
/// the one stored form its schema type has there (see docs/schema-format.md).
/// </summary>
public enum DbValueKind
{
    /// <summary>A 64-bit integer (id, bigint).</summary>
    Int64,

    /// <summary>A 32-bit integer.</summary>
    Int32,

    /// <summary>A 16-bit integer (smallint).</summary>
    Int16,

    /// <summary>A double-precision float (real).</summary>
    Double,

    /// <summary>A boolean: SQLite 0/1, PostgreSQL boolean.</summary>
    Boolean,

    /// <summary>Text, and enum values as their database text.</summary>
    Text,

    /// <summary>JSON as text: SQLite text, PostgreSQL jsonb.</summary>
    Json,

    /// <summary>A timestamp: SQLite fixed-width UTC text, PostgreSQL timestamptz.</summary>
    Timestamp,

    /// <summary>An exact decimal: SQLite an integer scaled by 10^scale, PostgreSQL numeric.</summary>
    Decimal,

    /// <summary>A date: SQLite yyyy-MM-dd text, PostgreSQL date.</summary>
    Date,

    /// <summary>A time of day: SQLite HH:mm:ss.ffffff text, PostgreSQL time.</summary>
    Time,

    /// <summary>A UUID: SQLite lower-case text, PostgreSQL uuid.</summary>
    Uuid,

    /// <summary>Bytes: SQLite blob, PostgreSQL bytea.</summary>
    Blob,
}
