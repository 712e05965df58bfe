using System.Globalization;
using System.Text;

namespace Tracelens.Reports;

/// <summary>
/// SQL that turns <c>s.started_at</c> (UTC text) into a day, week or month in a time zone.
/// SQLite knows no time zones, so the zone's UTC offsets over the span of the data are computed
/// here and written into the query: one offset when it does not change (UTC, fixed zones, a span
/// without a clock change), else a <c>CASE</c> over the instants where it changes.
/// </summary>
internal static class LocalTimeSql
{
    /// <summary>Offset changes are looked for at this spacing, then pinned to the second.</summary>
    private static readonly TimeSpan Probe = TimeSpan.FromHours(6);

    /// <summary>The local calendar date, <c>yyyy-MM-dd</c>.</summary>
    public static string Day(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to) =>
        $"date(s.started_at, {Modifier(zone, from, to)})";

    /// <summary>The Monday that starts the local week (ISO weeks, as ccusage's weekly report), <c>yyyy-MM-dd</c>.</summary>
    public static string Week(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to) =>
        $"date(s.started_at, {Modifier(zone, from, to)}, 'weekday 0', '-6 days')";

    /// <summary>The local month, <c>yyyy-MM</c>.</summary>
    public static string Month(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to) =>
        $"strftime('%Y-%m', s.started_at, {Modifier(zone, from, to)})";

    /// <summary>The SQLite modifier (<c>'+3600 seconds'</c>) that adds the zone's offset at <c>s.started_at</c>.</summary>
    internal static string Modifier(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var segments = Segments(zone, from.AddDays(-1), to.AddDays(1));
        if (segments.Count == 1)
        {
            return Seconds(segments[0].Offset);
        }

        var sql = new StringBuilder("CASE");
        for (var i = 1; i < segments.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN s.started_at < '{ReportTime.ToStored(segments[i].Start)}' THEN {Seconds(segments[i - 1].Offset)}");
        }

        sql.Append(CultureInfo.InvariantCulture, $" ELSE {Seconds(segments[^1].Offset)} END");
        return sql.ToString();
    }

    /// <summary>The zone's offset from <paramref name="from"/> on, and each instant up to <paramref name="to"/> where it changes.</summary>
    internal static List<(DateTimeOffset Start, TimeSpan Offset)> Segments(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var segments = new List<(DateTimeOffset, TimeSpan)> { (from, zone.GetUtcOffset(from)) };
        if (zone.GetAdjustmentRules().Length == 0)
        {
            return segments;
        }

        var at = from;
        var offset = segments[0].Item2;
        while (at < to)
        {
            var next = at + Probe;
            var nextOffset = zone.GetUtcOffset(next);
            if (nextOffset != offset)
            {
                // The change lies in (at, next]: halve the interval down to a second.
                DateTimeOffset low = at, high = next;
                while (high - low > TimeSpan.FromSeconds(1))
                {
                    var mid = low + ((high - low) / 2);
                    if (zone.GetUtcOffset(mid) == offset)
                    {
                        low = mid;
                    }
                    else
                    {
                        high = mid;
                    }
                }

                var start = new DateTimeOffset(high.UtcTicks - (high.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
                segments.Add((start, nextOffset));
                offset = nextOffset;
            }

            at = next;
        }

        return segments;
    }

    private static string Seconds(TimeSpan offset) =>
        string.Create(CultureInfo.InvariantCulture, $"'{(offset < TimeSpan.Zero ? "-" : "+")}{Math.Abs((long)offset.TotalSeconds)} seconds'");
}
