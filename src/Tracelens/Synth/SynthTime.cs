using System.Text;

namespace Tracelens.Synth;

/// <summary>Millisecond UTC clock arithmetic and ISO formatting, done with integers only.</summary>
internal static class SynthTime
{
    public const long MsPerSecond = 1000;
    public const long MsPerMinute = 60 * MsPerSecond;
    public const long MsPerHour = 60 * MsPerMinute;
    public const long MsPerDay = 24 * MsPerHour;

    public static long FromDate(DateOnly date) =>
        (long)date.DayNumber * MsPerDay - (long)DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber * MsPerDay;

    /// <summary>Days since 1970-01-01 of a timestamp (UTC).</summary>
    public static long DayNumber(long unixMs) => FloorDiv(unixMs, MsPerDay);

    /// <summary>The UTC day as yyyy-MM-dd.</summary>
    public static string DayString(long dayNumber)
    {
        Span<byte> iso = stackalloc byte[24];
        FormatIso(dayNumber * MsPerDay, iso);
        return Encoding.ASCII.GetString(iso[..10]);
    }

    /// <summary>Writes yyyy-MM-ddTHH:mm:ss.fffZ (24 bytes) and returns the length.</summary>
    public static int FormatIso(long unixMs, Span<byte> dest)
    {
        var day = DayNumber(unixMs);
        var msOfDay = unixMs - day * MsPerDay;
        var (y, m, d) = CivilFromDays(day);
        var hh = (int)(msOfDay / MsPerHour);
        var mm = (int)(msOfDay / MsPerMinute % 60);
        var ss = (int)(msOfDay / MsPerSecond % 60);
        var fff = (int)(msOfDay % 1000);
        Digits(dest, y, 4);
        dest[4] = (byte)'-';
        Digits(dest[5..], m, 2);
        dest[7] = (byte)'-';
        Digits(dest[8..], d, 2);
        dest[10] = (byte)'T';
        Digits(dest[11..], hh, 2);
        dest[13] = (byte)':';
        Digits(dest[14..], mm, 2);
        dest[16] = (byte)':';
        Digits(dest[17..], ss, 2);
        dest[19] = (byte)'.';
        Digits(dest[20..], fff, 3);
        dest[23] = (byte)'Z';
        return 24;
    }

    /// <summary>yyyy-MM-ddTHH-mm-ss as Codex uses in rollout file names.</summary>
    public static string FileStamp(long unixMs)
    {
        Span<byte> iso = stackalloc byte[24];
        FormatIso(unixMs, iso);
        Span<char> s = stackalloc char[19];
        for (var i = 0; i < 19; i++)
        {
            s[i] = iso[i] == (byte)':' ? '-' : (char)iso[i];
        }

        return new string(s);
    }

    public static (int Year, int Month, int Day) CivilFromDays(long z)
    {
        // Howard Hinnant's days_from_civil inverse.
        z += 719468;
        var era = FloorDiv(z, 146097);
        var doe = z - era * 146097;
        var yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        var y = yoe + era * 400;
        var doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        var mp = (5 * doy + 2) / 153;
        var d = doy - (153 * mp + 2) / 5 + 1;
        var m = mp < 10 ? mp + 3 : mp - 9;
        return ((int)(y + (m <= 2 ? 1 : 0)), (int)m, (int)d);
    }

    /// <summary>The first millisecond of the next UTC day.</summary>
    public static long NextMidnight(long unixMs) => (DayNumber(unixMs) + 1) * MsPerDay;

    /// <summary>True when <paramref name="start"/> and <paramref name="start"/> + <paramref name="span"/> fall on different UTC days.</summary>
    public static bool CrossesMidnight(long start, long span) => DayNumber(start) != DayNumber(start + span);

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static void Digits(Span<byte> dest, int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            dest[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
