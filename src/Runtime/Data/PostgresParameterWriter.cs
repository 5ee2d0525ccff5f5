using System;
using System.Data.Common;

namespace AgentHive.Runtime.Data;

/// <summary>PostgreSQL's native types; every parameter carries its NpgsqlDbType, so no cast is needed in the SQL.</summary>
internal sealed class PostgresParameterWriter : ParameterWriter
{
    public PostgresParameterWriter(DbParameter[] parameters)
        : base(parameters)
    {
    }

    protected override void WriteInt64(long value) => Next().Value = value;

    protected override void WriteInt32(int value) => Next().Value = value;

    protected override void WriteInt16(short value) => Next().Value = value;

    protected override void WriteDouble(double value) => Next().Value = value;

    protected override void WriteBoolean(bool value) => Next().Value = value;

    protected override void WriteText(string value) => Next().Value = value;

    protected override void WriteJson(string value) => Next().Value = value;

    protected override void WriteTimestamp(DateTimeOffset utc) => Next().Value = utc;

    protected override void WriteDecimal(decimal value, int scale) => Next().Value = value;

    protected override void WriteDate(DateOnly value) => Next().Value = value;

    protected override void WriteTime(TimeOnly value) => Next().Value = value;

    protected override void WriteUuid(Guid value) => Next().Value = value;

    protected override void WriteBlob(byte[] value) => Next().Value = value;
}
