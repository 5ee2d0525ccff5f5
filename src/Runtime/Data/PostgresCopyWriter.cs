using System;
using Npgsql;
using NpgsqlTypes;

namespace AgentHive.Runtime.Data;

/// <summary>Writes rows into a binary COPY, value by value, in the same native types the parameters use.</summary>
internal sealed class PostgresCopyWriter : RowWriter
{
    private readonly NpgsqlBinaryImporter _importer;

    public PostgresCopyWriter(NpgsqlBinaryImporter importer) => _importer = importer;

    protected override void WriteNull(DbValueKind kind) => _importer.WriteNull();

    protected override void WriteInt64(long value) => _importer.Write(value, NpgsqlDbType.Bigint);

    protected override void WriteInt32(int value) => _importer.Write(value, NpgsqlDbType.Integer);

    protected override void WriteInt16(short value) => _importer.Write(value, NpgsqlDbType.Smallint);

    protected override void WriteDouble(double value) => _importer.Write(value, NpgsqlDbType.Double);

    protected override void WriteBoolean(bool value) => _importer.Write(value, NpgsqlDbType.Boolean);

    protected override void WriteText(string value) => _importer.Write(value, NpgsqlDbType.Text);

    protected override void WriteJson(string value) => _importer.Write(value, NpgsqlDbType.Jsonb);

    protected override void WriteTimestamp(DateTimeOffset utc) => _importer.Write(utc, NpgsqlDbType.TimestampTz);

    // Rounded to the column's scale half away from zero, exactly as numeric(p,s) rounds an INSERT's value.
    protected override void WriteDecimal(decimal value, int scale) =>
        _importer.Write(decimal.Round(value, scale, MidpointRounding.AwayFromZero), NpgsqlDbType.Numeric);

    protected override void WriteDate(DateOnly value) => _importer.Write(value, NpgsqlDbType.Date);

    protected override void WriteTime(TimeOnly value) => _importer.Write(value, NpgsqlDbType.Time);

    protected override void WriteUuid(Guid value) => _importer.Write(value, NpgsqlDbType.Uuid);

    protected override void WriteBlob(byte[] value) => _importer.Write(value, NpgsqlDbType.Bytea);
}
