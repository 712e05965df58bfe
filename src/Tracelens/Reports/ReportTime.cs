using System.Globalization;

namespace Tracelens.Reports;

/// <summary>
/// The time words reports accept: <c>--since</c> and <c>--until</c> values, time zone ids, and the
/// UTC text form that steps are stored (and compared) in.
/// </summary>
public static class ReportTime
{
    /// <summary>The form of <c>steps.started_at</c>; text in this form sorts in time order.</summary>
    public const string StoredFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>
    /// An instant from <paramref name="text"/>: a span back from <paramref name="now"/>
    /// (<c>24h</c>, <c>7d</c>, <c>2w</c>), a date (<c>2026-01-31</c> or <c>20260131</c>) taken in
    /// <paramref name="zone"/> — its start, or for an <paramref name="isUntil"/> bound the next day's
    /// start, so the date itself is included — or a timestamp (<c>2026-01-31T09:30</c>, in
    /// <paramref name="zone"/> unless it carries <c>Z</c> or an offset).
    /// </summary>
    /// <exception cref="FormatException">None of these forms.</exception>
    public static DateTimeOffset ParseBound(string text, bool isUntil, DateTimeOffset now, TimeZoneInfo zone)
    {
        var value = text.Trim();
        if (TrySpan(value, out var back))
        {
            return now - back;
        }

        if (DateTime.TryParseExact(value, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return StartOfLocalDay(DateOnly.FromDateTime(isUntil ? date.AddDays(1) : date), zone);
        }

        if (HasOffset(value)
            && DateTimeOffset.TryParseExact(value, TimestampWithOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact))
        {
            return exact;
        }

        if (DateTime.TryParseExact(value, TimestampLocal, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return LocalToInstant(local, zone);
        }

        throw new FormatException($"'{text}' is not a time: use a span back from now (24h, 7d, 2w), a date (2026-01-31) or a timestamp (2026-01-31T09:30, 2026-01-31T09:30:00Z)");
    }

    /// <summary>A zone by IANA id (<c>Europe/Berlin</c>, <c>UTC</c>).</summary>
    /// <exception cref="TimeZoneNotFoundException">Unknown id.</exception>
    public static TimeZoneInfo FindZone(string id)
    {
        var name = id.Trim().TrimStart(':');
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal))
        {
            throw new TimeZoneNotFoundException($"'{id}' is not a time zone");
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new TimeZoneNotFoundException($"'{id}' is not a known IANA time zone (for example UTC, Europe/Berlin, America/New_York)", e);
        }
    }

    /// <summary>The stored text form of an instant, for comparing with <c>steps.started_at</c>.</summary>
    public static string ToStored(DateTimeOffset instant) => instant.UtcDateTime.ToString(StoredFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a stored timestamp (any ISO-8601 form with <c>Z</c> or an offset); null when it is none.</summary>
    public static DateTimeOffset? ParseStored(string? text)
    {
        if (text is null)
        {
            return null;
        }

        // The form the ledger writes (StoredFormat), parsed by hand: reports and the dashboard parse
        // one per step, and the general parser cost about a microsecond each.
        if (text.Length == 24 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' && text[16] == ':' && text[19] == '.' && text[23] == 'Z'
            && Digits(text, 0, 4) is int year and >= 1 && Digits(text, 5, 2) is int month and >= 1 and <= 12 && Digits(text, 8, 2) is int day and >= 1
            && day <= DateTime.DaysInMonth(year, month) && Digits(text, 11, 2) is int hour and < 24 && Digits(text, 14, 2) is int minute and < 60
            && Digits(text, 17, 2) is int second and < 60 && Digits(text, 20, 3) is int millisecond and >= 0)
        {
            return new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : null;
    }

    /// <summary>The ASCII digits at <paramref name="start"/> as a number, or -1 when one is not a digit.</summary>
    private static int Digits(string text, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = text[i] - '0';
            if (d is < 0 or > 9)
            {
                return -1;
            }

            value = (value * 10) + d;
        }

        return value;
    }

    /// <summary>
    /// The first instant of <paramref name="day"/> in <paramref name="zone"/>. Where a clock change
    /// skips midnight, the day starts at the first local time that exists.
    /// </summary>
    public static DateTimeOffset StartOfLocalDay(DateOnly day, TimeZoneInfo zone) =>
        LocalToInstant(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);

    /// <summary>
    /// A wall-clock time in <paramref name="zone"/> as an instant. A time skipped by a clock change
    /// moves forward to the first that exists; a repeated one means its first occurrence.
    /// </summary>
    public static DateTimeOffset LocalToInstant(DateTime local, TimeZoneInfo zone)
    {
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(wall) ? zone.GetAmbiguousTimeOffsets(wall).Max() : zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset);
    }

    private static readonly string[] TimestampWithOffset =
    [
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    private static readonly string[] TimestampLocal =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
    ];

    /// <summary>
    /// A span back from now: 1 to 6 digits and a unit, <c>h</c>, <c>d</c> or <c>w</c> (<c>24h</c>,
    /// <c>7d</c>, <c>2w</c>). Checked by hand rather than with a regular expression: loading the
    /// regex engine cost every report command several milliseconds of its startup.
    /// </summary>
    private static bool TrySpan(string value, out TimeSpan span)
    {
        span = default;
        var digits = value.Length - 1;
        if (digits is < 1 or > 6 || value.AsSpan(0, digits).ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var unit = value[^1] switch
        {
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            'w' => TimeSpan.FromDays(7),
            _ => TimeSpan.Zero,
        };
        if (unit == TimeSpan.Zero)
        {
            return false;
        }

        span = unit * int.Parse(value.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>A timestamp that names its offset: a <c>T</c>, then <c>Z</c> or <c>±hh:mm</c> / <c>±hhmm</c> at the end.</summary>
    private static bool HasOffset(string value)
    {
        var t = value.IndexOf('T', StringComparison.Ordinal);
        if (t < 0)
        {
            return false;
        }

        if (value.EndsWith('Z'))
        {
            return true;
        }

        var tail = value.AsSpan(t + 1);
        foreach (var width in (ReadOnlySpan<int>)[6, 5])
        {
            // ±hh:mm (6 characters) or ±hhmm (5).
            if (tail.Length < width)
            {
                continue;
            }

            var end = tail[^width..];
            var colon = width == 6;
            if (end[0] is '+' or '-' && char.IsAsciiDigit(end[1]) && char.IsAsciiDigit(end[2])
                && (!colon || end[3] == ':') && char.IsAsciiDigit(end[^2]) && char.IsAsciiDigit(end[^1]))
            {
                return true;
            }
        }

        return false;
    }
}
