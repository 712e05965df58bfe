using System.Globalization;
using System.Text.RegularExpressions;

namespace Tracelens.Readers;

/// <summary>
/// ISO-8601 timestamps parsed the way TraceLab does (<c>datetime.fromisoformat</c> after
/// <c>Z</c> → <c>+00:00</c>), kept as exact microseconds so latencies round like Python's.
/// </summary>
public static partial class IsoTimestamp
{
    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoPattern();

    /// <summary>Parses to microseconds since the Unix epoch (UTC when an offset is given).</summary>
    public static bool TryParse(string? text, out long microseconds, out bool hasOffset)
    {
        microseconds = 0;
        hasOffset = false;
        if (text is null)
        {
            return false;
        }

        if (TryParseCommon(text, out microseconds, out hasOffset))
        {
            return true;
        }

        var m = IsoPattern().Match(text);
        if (!m.Success)
        {
            return false;
        }

        static int Int(Group g) => g.Success ? int.Parse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        int year = Int(m.Groups[1]), month = Int(m.Groups[2]), day = Int(m.Groups[3]);
        int hour = Int(m.Groups[4]), minute = Int(m.Groups[5]), second = Int(m.Groups[6]);
        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long micros = 0;
        if (m.Groups[7].Success)
        {
            var frac = m.Groups[7].Value;
            frac = frac.Length >= 6 ? frac[..6] : frac.PadRight(6, '0');
            micros = long.Parse(frac, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        var dt = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        var total = ((dt.Ticks - DateTime.UnixEpoch.Ticks) / 10) + micros;
        if (m.Groups[8].Success)
        {
            hasOffset = true;
            var tz = m.Groups[8].Value;
            if (tz != "Z")
            {
                var sign = tz[0] == '-' ? -1 : 1;
                var digits = tz[1..].Replace(":", string.Empty, StringComparison.Ordinal);
                var offH = int.Parse(digits.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture);
                var offM = digits.Length >= 4 ? int.Parse(digits.AsSpan(2, 2), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
                var offS = digits.Length >= 6 ? int.Parse(digits.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
                total -= sign * (((offH * 3600L) + (offM * 60L) + offS) * 1_000_000L);
            }
        }

        microseconds = total;
        return true;
    }

    /// <summary>
    /// The shape nearly every log writes, <c>YYYY-MM-DDTHH:MM:SS[.f…]Z</c> or with <c>±HH:MM</c>,
    /// parsed without a regex; anything else goes to the general pattern.
    /// </summary>
    private static bool TryParseCommon(string t, out long microseconds, out bool hasOffset)
    {
        microseconds = 0;
        hasOffset = false;
        if (t.Length < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
        {
            return false;
        }

        if (!TwoDigits(t, 0, out var c) || !TwoDigits(t, 2, out var y) || !TwoDigits(t, 5, out var month) || !TwoDigits(t, 8, out var day)
            || !TwoDigits(t, 11, out var hour) || !TwoDigits(t, 14, out var minute) || !TwoDigits(t, 17, out var second))
        {
            return false;
        }

        var year = (c * 100) + y;
        if (month is < 1 or > 12 || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        long micros = 0;
        if (i < t.Length && t[i] == '.')
        {
            var digits = 0;
            i++;
            while (i < t.Length && char.IsAsciiDigit(t[i]))
            {
                if (digits < 6)
                {
                    micros = (micros * 10) + (t[i] - '0');
                }

                digits++;
                i++;
            }

            if (digits is 0 or > 9)
            {
                return false;
            }

            for (; digits < 6; digits++)
            {
                micros *= 10;
            }
        }

        long offsetSeconds;
        if (i == t.Length - 1 && t[i] == 'Z')
        {
            offsetSeconds = 0;
        }
        else if (i == t.Length - 6 && (t[i] == '+' || t[i] == '-') && t[i + 3] == ':' && TwoDigits(t, i + 1, out var oh) && TwoDigits(t, i + 4, out var om))
        {
            offsetSeconds = (t[i] == '-' ? -1 : 1) * ((oh * 3600L) + (om * 60L));
        }
        else
        {
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks;
        microseconds = (ticks / 10) + micros - (offsetSeconds * 1_000_000L);
        hasOffset = true;
        return true;
    }

    private static bool TwoDigits(string t, int at, out int value)
    {
        value = 0;
        if (!char.IsAsciiDigit(t[at]) || !char.IsAsciiDigit(t[at + 1]))
        {
            return false;
        }

        value = ((t[at] - '0') * 10) + (t[at + 1] - '0');
        return true;
    }

    /// <summary>
    /// <c>round((end − start).total_seconds() × 1000)</c> with banker's rounding; null when either
    /// side does not parse, or when one has an offset and the other not (Python cannot subtract them).
    /// </summary>
    public static long? LatencyMs(string? start, string? end)
    {
        if (!TryParse(start, out var a, out var aAware) || !TryParse(end, out var b, out var bAware) || aAware != bAware)
        {
            return null;
        }

        return (long)Math.Round((b - a) / 1e6 * 1000, MidpointRounding.ToEven);
    }
}
