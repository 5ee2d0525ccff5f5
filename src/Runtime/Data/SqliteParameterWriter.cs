using System;
using System.Data.Common;

namespace AgentHive.Runtime.Data;

/// <summary>SQLite's stored forms: integers, 0/1 booleans, fixed-width timestamp text, scaled decimals, canonical text.</summary>
internal sealed class SqliteParameterWriter : ParameterWriter
{
    private static readonly object True = 1L;
    private static readonly object False = 0L;

    public SqliteParameterWriter(DbParameter[] parameters)
        : base(parameters)
    {
    }

    protected override void WriteInt64(long value) => Next().Value = value;

    protected override void WriteInt32(int value) => Next().Value = (long)value;

    protected override void WriteInt16(short value) => Next().Value = (long)value;

    protected override void WriteDouble(double value) => Next().Value = value;

    protected override void WriteBoolean(bool value) => Next().Value = value ? True : False;

    protected override void WriteText(string value) => Next().Value = value;

    protected override void WriteJson(string value) => Next().Value = value;

    protected override void WriteTimestamp(DateTimeOffset utc) => Next().Value = StoredForms.FormatTimestamp(utc);

    protected override void WriteDecimal(decimal value, int scale) => Next().Value = StoredForms.ScaleDecimal(value, scale);

    protected override void WriteDate(DateOnly value) => Next().Value = StoredForms.FormatDate(value);

    protected override void WriteTime(TimeOnly value) => Next().Value = StoredForms.FormatTime(value);

    // Microsoft.Data.Sqlite would bind a Guid as a 16-byte blob; the stored form is lower-case text.
    protected override void WriteUuid(Guid value) => Next().Value = value.ToString("D");

    protected override void WriteBlob(byte[] value) => Next().Value = value;
}
