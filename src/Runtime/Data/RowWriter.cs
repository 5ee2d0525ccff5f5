using System;

namespace AgentHive.Runtime.Data;

/// <summary>
/// Receives the values of one row or one statement's parameters, in order, each in its schema type. Each
/// backend turns them into its stored forms: command parameters, or a PostgreSQL binary COPY row.
/// Generated code calls one method per value; nothing is boxed on the way in.
/// </summary>
public abstract class RowWriter
{
    /// <summary>Writes a 64-bit integer.</summary>
    public void Int64(long value) => WriteInt64(value);

    /// <summary>Writes a 64-bit integer or NULL.</summary>
    public void Int64(long? value)
    {
        if (value.HasValue)
        {
            WriteInt64(value.GetValueOrDefault());
        }
        else
        {
            WriteNull(DbValueKind.Int64);
        }
    }

    /// <summary>Writes a 32-bit integer.</summary>
    public void Int32(int value) => WriteInt32(value);

    /// <summary>Writes a 32-bit integer or NULL.</summary>
    public void Int32(int? value)
    {
        if (value.HasValue)
        {
            WriteInt32(value.GetValueOrDefault());
        }
        else
        {
            WriteNull(DbValueKind.Int32);
        }
    }

    /// <summary>Writes a 16-bit integer.</summary>
    public void Int16(short value) => WriteInt16(value);

    /// <summary>Writes a 16-bit integer or NULL.</summary>
    public void Int16(short? value)
    {
        if (value.HasValue)
        {
            WriteInt16(value.GetValueOrDefault());
        }
        else
        {
            WriteNull(DbValueKind.Int16);
        }
    }

    /// <summary>Writes a double.</summary>
    public void Double(double value) => WriteDouble(value);

    /// <summary>Writes a double or NULL.</summary>
    public void Double(double? value)
    {
        if (value.HasValue)
        {
            WriteDouble(value.GetValueOrDefault());
        }
        else
        {
            WriteNull(DbValueKind.Double);
        }
    }

    /// <summary>Writes a boolean.</summary>
    public void Boolean(bool value) => WriteBoolean(value);

    /// <summary>Writes a boolean or NULL.</summary>
    public void Boolean(bool? value)
    {
        if (value.HasValue)
        {
            WriteBoolean(value.GetValueOrDefault());
        }
        else
        {
            WriteNull(DbValueKind.Boolean);
        }
    }

    /// <summary>Writes text (or an enum's database value), or NULL.</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            WriteNull(DbValueKind.Text);
        }
        else
        {
            WriteText(value);
        }
    }

    /// <summary>Writes JSON text, or NULL.</summary>
    public void Json(string? value)
    {
        if (value is null)
        {
            WriteNull(DbValueKind.Json);
        }
        else
        {
            WriteJson(value);
        }
    }

    /// <summary>Writes a timestamp (stored in UTC, cut to microseconds).</summary>
    public void Timestamp(DateTimeOffset value) => WriteTimestamp(StoredForms.ToStoredPrecision(value));

    /// <summary>Writes a timestamp or NULL.</summary>
    public void Timestamp(DateTimeOffset? value)
    {
        if (value.HasValue)
        {
            WriteTimestamp(StoredForms.ToStoredPrecision(value.GetValueOrDefault()));
        }
        else
        {
            WriteNull(DbValueKind.Timestamp);
        }
    }

    /// <summary>Writes a decimal of a column with <paramref name="scale"/> digits after the point.</summary>
    public void Decimal(decimal value, int scale) => WriteDecimal(value, scale);

    /// <summary>Writes a decimal or NULL.</summary>
    public void Decimal(decimal? value, int scale)
    {
        if (value.HasValue)
        {
            WriteDecimal(value.GetValueOrDefault(), scale);
        }
        else
        {
            WriteNull(DbValueKind.Decimal);
        }
    }

    /// <summary>Writes a date.</summary>
    public void Date(DateOnly value) => WriteDate(value);

    /// <summary>Writes a date or NULL.</summary>
    public void Date(DateOnly? value)
    {
        if (value.HasValue)
        {
            WriteDate(value.GetValueOrDefault());
        }
        else
        {
            WriteNull(DbValueKind.Date);
        }
    }

    /// <summary>Writes a time of day (cut to microseconds).</summary>
    public void Time(TimeOnly value) => WriteTime(StoredForms.ToStoredPrecision(value));

    /// <summary>Writes a time of day or NULL.</summary>
    public void Time(TimeOnly? value)
    {
        if (value.HasValue)
        {
            WriteTime(StoredForms.ToStoredPrecision(value.GetValueOrDefault()));
        }
        else
        {
            WriteNull(DbValueKind.Time);
        }
    }

    /// <summary>Writes a UUID.</summary>
    public void Uuid(Guid value) => WriteUuid(value);

    /// <summary>Writes a UUID or NULL.</summary>
    public void Uuid(Guid? value)
    {
        if (value.HasValue)
        {
            WriteUuid(value.GetValueOrDefault());
        }
        else
        {
            WriteNull(DbValueKind.Uuid);
        }
    }

    /// <summary>Writes bytes, or NULL.</summary>
    public void Blob(byte[]? value)
    {
        if (value is null)
        {
            WriteNull(DbValueKind.Blob);
        }
        else
        {
            WriteBlob(value);
        }
    }

    /// <summary>Writes NULL for a value of <paramref name="kind"/>.</summary>
    protected abstract void WriteNull(DbValueKind kind);

    /// <summary>Writes a 64-bit integer.</summary>
    protected abstract void WriteInt64(long value);

    /// <summary>Writes a 32-bit integer.</summary>
    protected abstract void WriteInt32(int value);

    /// <summary>Writes a 16-bit integer.</summary>
    protected abstract void WriteInt16(short value);

    /// <summary>Writes a double.</summary>
    protected abstract void WriteDouble(double value);

    /// <summary>Writes a boolean.</summary>
    protected abstract void WriteBoolean(bool value);

    /// <summary>Writes text.</summary>
    protected abstract void WriteText(string value);

    /// <summary>Writes JSON text.</summary>
    protected abstract void WriteJson(string value);

    /// <summary>Writes a timestamp, already UTC and cut to microseconds.</summary>
    protected abstract void WriteTimestamp(DateTimeOffset utc);

    /// <summary>Writes a decimal.</summary>
    protected abstract void WriteDecimal(decimal value, int scale);

    /// <summary>Writes a date.</summary>
    protected abstract void WriteDate(DateOnly value);

    /// <summary>Writes a time of day, already cut to microseconds.</summary>
    protected abstract void WriteTime(TimeOnly value);

    /// <summary>Writes a UUID.</summary>
    protected abstract void WriteUuid(Guid value);

    /// <summary>Writes bytes.</summary>
    protected abstract void WriteBlob(byte[] value);
}
