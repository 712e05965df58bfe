using System.Globalization;

namespace Tracelens.Reports;

/// <summary>One local day, week or month: its key and its [start, end) as stored UTC text.</summary>
internal sealed record PeriodSpan(string Key, string Start, string End);

/// <summary>
/// Local calendar periods as UTC ranges. Days, weeks (Monday to Sunday, keyed by the Monday, as
/// ccusage's weekly report) and months begin at local midnight in the report's zone; a day can be
/// 23 or 25 hours long across a clock change.
/// </summary>
internal static class Periods
{
    /// <summary>Every period from the one holding <paramref name="first"/> to the one holding <paramref name="last"/>, in order.</summary>
    public static List<PeriodSpan> Cover(UsageGrouping period, DateTimeOffset first, DateTimeOffset last, TimeZoneInfo zone)
    {
        var spans = new List<PeriodSpan>();
        var start = StartOf(period, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(first, zone).DateTime));
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(last, zone).DateTime);
        while (start <= lastDay)
        {
            var next = period switch
            {
                UsageGrouping.Day => start.AddDays(1),
                UsageGrouping.Week => start.AddDays(7),
                _ => start.AddMonths(1),
            };
            spans.Add(new PeriodSpan(
                Key(period, start),
                ReportTime.ToStored(ReportTime.StartOfLocalDay(start, zone)),
                ReportTime.ToStored(ReportTime.StartOfLocalDay(next, zone))));
            start = next;
        }

        return spans;
    }

    /// <summary>The period whose range holds the stored timestamp <paramref name="startedAt"/> (ordinal text order), or null.</summary>
    public static PeriodSpan? Find(List<PeriodSpan> spans, string startedAt)
    {
        int low = 0, high = spans.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            if (string.CompareOrdinal(startedAt, spans[mid].Start) < 0)
            {
                high = mid - 1;
            }
            else if (string.CompareOrdinal(startedAt, spans[mid].End) >= 0)
            {
                low = mid + 1;
            }
            else
            {
                return spans[mid];
            }
        }

        return null;
    }

    /// <summary>The first day of the period that holds <paramref name="day"/>.</summary>
    public static DateOnly StartOf(UsageGrouping period, DateOnly day) => period switch
    {
        UsageGrouping.Day => day,
        UsageGrouping.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        UsageGrouping.Month => new DateOnly(day.Year, day.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "not a time grouping"),
    };

    private static string Key(UsageGrouping period, DateOnly start) =>
        start.ToString(period == UsageGrouping.Month ? "yyyy-MM" : "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
