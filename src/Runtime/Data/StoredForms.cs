using System;
using System.Globalization;

namespace AgentHive.Runtime.Data;

/// <summary>
/// The text and integer forms SQLite stores for types it lacks: fixed-width UTC timestamps, scaled
/// decimals, canonical dates and times. Writes match what the generated inserts have always written;
/// reads take the exact form on a fast path and older forms through a tolerant parse.
/// </summary>
public static class StoredForms
{
    /// <summary>The one timestamp text form: UTC, microseconds, fixed width (sortable and comparable as text).</summary>
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.ffffff+00:00";

    /// <summary>The date text form.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The time text form.</summary>
    public const string TimeFormat = "HH:mm:ss.ffffff";

    private static readonly long[] PowersOfTen =
    {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L,
    };

    /// <summary>The value in UTC, cut (not rounded) to whole microseconds, which is all either backend keeps.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The SQLite text of a timestamp.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads a SQLite timestamp: the fixed-width form exactly, anything else DateTimeOffset accepts
    /// (older generators wrote milliseconds; text without an offset is UTC).
    /// </summary>
    public static DateTimeOffset ParseTimestamp(string text)
    {
        if (text.Length == 32 && text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':' && text[16] == ':' && text[19] == '.'
            && text[26] == '+' && text[27] == '0' && text[28] == '0' && text[29] == ':' && text[30] == '0' && text[31] == '0'
            && TryDigits(text, 0, 4, out var year) && TryDigits(text, 5, 2, out var month) && TryDigits(text, 8, 2, out var day)
            && TryDigits(text, 11, 2, out var hour) && TryDigits(text, 14, 2, out var minute) && TryDigits(text, 17, 2, out var second)
            && TryDigits(text, 20, 6, out var micro)
            && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year == 0 ? 1 : year, month) && year >= 1
            && hour < 24 && minute < 60 && second < 60)
        {
            var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + (micro * 10L);
            return new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    /// <summary>The stored integer of a decimal: scaled by 10^scale, rounded half away from zero as numeric(p,s) rounds.</summary>
    /// <exception cref="OverflowException">The value does not fit the 64-bit integer SQLite stores.</exception>
    public static long ScaleDecimal(decimal value, int scale) =>
        decimal.ToInt64(decimal.Round(value * PowersOfTen[scale], 0, MidpointRounding.AwayFromZero));

    /// <summary>The decimal a stored integer stands for, with exactly <paramref name="scale"/> digits after the point.</summary>
    public static decimal UnscaleDecimal(long stored, int scale)
    {
        var negative = stored < 0;
        var magnitude = negative ? (ulong)(-(stored + 1)) + 1 : (ulong)stored;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, (byte)scale);
    }

    /// <summary>The SQLite text of a date.</summary>
    public static string FormatDate(DateOnly value) => value.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads a SQLite date (yyyy-MM-dd).</summary>
    public static DateOnly ParseDate(string text) =>
        text.Length == 10 && text[4] == '-' && text[7] == '-' && TryDigits(text, 0, 4, out var year) && TryDigits(text, 5, 2, out var month)
        && TryDigits(text, 8, 2, out var day) && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day)
            : DateOnly.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>The SQLite text of a time of day, cut to microseconds.</summary>
    public static string FormatTime(TimeOnly value) => value.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads a SQLite time (HH:mm:ss.ffffff).</summary>
    public static TimeOnly ParseTime(string text) =>
        text.Length == 15 && text[2] == ':' && text[5] == ':' && text[8] == '.' && TryDigits(text, 0, 2, out var hour) && TryDigits(text, 3, 2, out var minute)
        && TryDigits(text, 6, 2, out var second) && TryDigits(text, 9, 6, out var micro) && hour < 24 && minute < 60 && second < 60
            ? new TimeOnly(new TimeSpan(hour, minute, second).Ticks + (micro * 10L))
            : TimeOnly.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>The value cut to microseconds, as both backends keep it.</summary>
    public static TimeOnly ToStoredPrecision(TimeOnly value) => new(value.Ticks - (value.Ticks % 10));

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }
}
