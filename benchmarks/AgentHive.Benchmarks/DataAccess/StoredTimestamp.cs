using System;
using System.Globalization;

namespace AgentHive.Benchmarks.DataAccess;

/// <summary>The schema's stored form of a timestamp on SQLite: UTC text with six fractional digits.</summary>
public static class StoredTimestamp
{
    public const string Format = AgentHiveSchema.TimestampFormat;

    public static string ToText(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
