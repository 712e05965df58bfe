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

    [Theory]
    [InlineData("2026-03-09T08:15:30.123Z")]
    [InlineData("2024-02-29T23:59:59.999Z")]
    [InlineData("2026-03-09T08:15:30Z")]
    [InlineData("2026-03-09T08:15:30.123+02:00")]
    [InlineData("2026-03-09T08:15:30.1234567Z")]
    [InlineData("2025-02-29T00:00:00.000Z")] // no such day
    [InlineData("2026-13-09T08:15:30.123Z")]
    [InlineData("2026-03-09T24:15:30.123Z")]
    [InlineData("2026-03-09X08:15:30.123Z")]
    [InlineData("not a time")]
    public void Stored_times_parse_as_the_general_parser_reads_them(string text)
    {
        var general = DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : (DateTimeOffset?)null;
        Assert.Equal(general, ReportTime.ParseStored(text));
        Assert.Equal(general?.Offset ?? TimeSpan.Zero, ReportTime.ParseStored(text)?.Offset ?? TimeSpan.Zero);
    }
}
