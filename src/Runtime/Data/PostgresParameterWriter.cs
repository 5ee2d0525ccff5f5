using System;
using System.Data.Common;
using Npgsql;

namespace AgentHive.Runtime.Data;

/// <summary>
/// PostgreSQL's native types. Every parameter is an <see cref="NpgsqlParameter{T}"/> of its value's type
/// (see <see cref="PostgresDataBackend.CreateParameter"/>) that carries its NpgsqlDbType, so no cast is needed in
/// the SQL and no value is boxed: values go into <see cref="NpgsqlParameter{T}.TypedValue"/>.
/// </summary>
internal sealed class PostgresParameterWriter : ParameterWriter
{
    public PostgresParameterWriter(DbParameter[] parameters)
        : base(parameters)
    {
    }

    protected override void WriteInt64(long value) => Set<long?>(value);

    protected override void WriteInt32(int value) => Set<int?>(value);

    protected override void WriteInt16(short value) => Set<short?>(value);

    protected override void WriteDouble(double value) => Set<double?>(value);

    protected override void WriteBoolean(bool value) => Set<bool?>(value);

    protected override void WriteText(string value) => Set<string?>(value);

    protected override void WriteJson(string value) => Set<string?>(value);

    protected override void WriteTimestamp(DateTimeOffset utc) => Set<DateTimeOffset?>(utc);

    protected override void WriteDecimal(decimal value, int scale) => Set<decimal?>(value);

    protected override void WriteDate(DateOnly value) => Set<DateOnly?>(value);

    protected override void WriteTime(TimeOnly value) => Set<TimeOnly?>(value);

    protected override void WriteUuid(Guid value) => Set<Guid?>(value);

    protected override void WriteBlob(byte[] value) => Set<byte[]?>(value);

    protected override void WriteNull(DbValueKind kind)
    {
        switch (kind)
        {
            case DbValueKind.Int64: Set<long?>(null); break;
            case DbValueKind.Int32: Set<int?>(null); break;
            case DbValueKind.Int16: Set<short?>(null); break;
            case DbValueKind.Double: Set<double?>(null); break;
            case DbValueKind.Boolean: Set<bool?>(null); break;
            case DbValueKind.Timestamp: Set<DateTimeOffset?>(null); break;
            case DbValueKind.Decimal: Set<decimal?>(null); break;
            case DbValueKind.Date: Set<DateOnly?>(null); break;
            case DbValueKind.Time: Set<TimeOnly?>(null); break;
            case DbValueKind.Uuid: Set<Guid?>(null); break;
            case DbValueKind.Blob: Set<byte[]?>(null); break;
            default: Set<string?>(null); break;
        }
    }

    private void Set<T>(T value) => ((NpgsqlParameter<T>)Next()).TypedValue = value;
}
