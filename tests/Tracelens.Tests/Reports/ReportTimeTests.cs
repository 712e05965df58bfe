using Tracelens.Reports;
using Xunit;

namespace Tracelens.Tests.Reports;

/// <summary>Every form <c>--since</c>/<c>--until</c> accept, and the near misses they refuse.</summary>
public sealed class ReportTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo NewYork = ReportTime.FindZone("America/New_York");

    [Theory]
    [InlineData("24h", "2026-03-09T12:00:00+00:00")]
    [InlineData("1h", "2026-03-10T11:00:00+00:00")]
    [InlineData("7d", "2026-03-03T12:00:00+00:00")]
    [InlineData("2w", "2026-02-24T12:00:00+00:00")]
    [InlineData("0000003d", null)] // 7 digits: too long
    [InlineData("100h", "2026-03-06T08:00:00+00:00")]
    [InlineData(" 3d ", "2026-03-07T12:00:00+00:00")]
    [InlineData("2026-03-09T08:15:00Z", "2026-03-09T08:15:00+00:00")]
    [InlineData("2026-03-09T08:15+05:30", "2026-03-09T08:15:00+05:30")]
    [InlineData("2026-03-09T08:15:30-0500", "2026-03-09T08:15:30-05:00")]
    [InlineData("2026-03-09T08:15", "2026-03-09T08:15:00-04:00")] // local (New York, after the spring change)
    [InlineData("2026-03-09 08:15", "2026-03-09T08:15:00-04:00")]
    [InlineData("2026-03-09", "2026-03-09T00:00:00-04:00")]
    public void Since_accepts_spans_dates_and_timestamps(string text, string? expected)
    {
        if (expected is null)
        {
            Assert.Throws<FormatException>(() => ReportTime.ParseBound(text, isUntil: false, Now, NewYork));
            return;
        }

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            ReportTime.ParseBound(text, isUntil: false, Now, NewYork));
    }

    [Theory]
    [InlineData("h")]
    [InlineData("3x")]
    [InlineData("-3d")]
    [InlineData("3 d")]
    [InlineData("d3")]
    [InlineData("2026-03-09T08:15+5:30")]
    [InlineData("yesterday")]
    public void Near_misses_are_refused_with_the_accepted_forms(string text)
    {
        var error = Assert.Throws<FormatException>(() => ReportTime.ParseBound(text, isUntil: false, Now, NewYork));
        Assert.Contains("24h, 7d, 2w", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Until_a_date_means_the_end_of_that_local_day() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(-4)), ReportTime.ParseBound("2026-03-09", isUntil: true, Now, NewYork));
}
