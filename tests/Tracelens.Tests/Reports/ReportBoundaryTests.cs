using Tracelens.Pricing;
using Tracelens.Reports;
using Xunit;

namespace Tracelens.Tests.Reports;

/// <summary>Day, week and month boundaries in time zones, the long-context tier, unpriced models and time bounds.</summary>
public sealed class ReportBoundaryTests : IDisposable
{
    private readonly HandMadeHistory _history = new();

    public void Dispose() => _history.Dispose();

    private static readonly TimeZoneInfo NewYork = ReportTime.FindZone("America/New_York");
    private static readonly TimeZoneInfo Kolkata = ReportTime.FindZone("Asia/Kolkata");

    /// <summary>Steps on both sides of local midnights, around New York's spring clock change (2026-03-08 07:00 UTC).</summary>
    private void WriteAroundMidnights() =>
        _history.Session("tz", "s-tz",
            new ClaudeCall("2026-03-08T04:59:59.000Z"),  // New York: Sat 03-07 23:59:59 EST
            new ClaudeCall("2026-03-08T05:00:00.000Z"),  // Sun 03-08 00:00 EST
            new ClaudeCall("2026-03-08T18:29:59.000Z"),  // Kolkata: 03-08 23:59:59
            new ClaudeCall("2026-03-08T18:30:00.000Z"),  // Kolkata: 03-09 00:00
            new ClaudeCall("2026-03-09T03:59:59.000Z"),  // New York: Sun 03-08 23:59:59 EDT (after the change)
            new ClaudeCall("2026-03-09T04:00:00.000Z"),  // Mon 03-09 00:00 EDT: a new ISO week
            new ClaudeCall("2026-04-01T03:59:59.000Z"),  // Tue 03-31 23:59:59 EDT
            new ClaudeCall("2026-04-01T04:00:00.000Z")); // Wed 04-01 00:00 EDT

    private static List<(string Key, long Steps)> Rows(UsageReport report) => [.. report.Rows.Select(r => (r.Key, r.Usage.Steps))];

    [Fact]
    public void Days_weeks_and_months_are_cut_at_local_midnight_across_a_clock_change()
    {
        WriteAroundMidnights();
        var (ledger, reports) = _history.Ingest();
        using (ledger)
        {
            var ny = new ReportFilter { TimeZone = NewYork };
            Assert.Equal([("2026-03-07", 1), ("2026-03-08", 4), ("2026-03-09", 1), ("2026-03-31", 1), ("2026-04-01", 1)], Rows(reports.Usage(ny, UsageGrouping.Day)));
            Assert.Equal([("2026-03-02", 5), ("2026-03-09", 1), ("2026-03-30", 2)], Rows(reports.Usage(ny, UsageGrouping.Week)));
            Assert.Equal([("2026-03", 7), ("2026-04", 1)], Rows(reports.Usage(ny, UsageGrouping.Month)));

            var utc = new ReportFilter { TimeZone = TimeZoneInfo.Utc };
            Assert.Equal([("2026-03-08", 4), ("2026-03-09", 2), ("2026-04-01", 2)], Rows(reports.Usage(utc, UsageGrouping.Day)));
            var kolkata = new ReportFilter { TimeZone = Kolkata };
            Assert.Equal([("2026-03-08", 3), ("2026-03-09", 3), ("2026-04-01", 2)], Rows(reports.Usage(kolkata, UsageGrouping.Day)));

            // A project filter takes the other query plan (an SQL day key): the same days.
            foreach (var zone in new[] { NewYork, Kolkata, TimeZoneInfo.Utc })
            {
                foreach (var period in new[] { UsageGrouping.Day, UsageGrouping.Week, UsageGrouping.Month })
                {
                    var filter = new ReportFilter { TimeZone = zone };
                    Assert.Equal(Rows(reports.Usage(filter, period)), Rows(reports.Usage(filter with { Project = "/work/tz" }, period)));
                }
            }
        }
    }

    [Fact]
    public void A_date_bound_means_local_days_and_until_includes_its_day()
    {
        WriteAroundMidnights();
        var (ledger, reports) = _history.Ingest();
        using (ledger)
        {
            var now = DateTimeOffset.Parse("2026-03-09T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
            var filter = new ReportFilter
            {
                TimeZone = NewYork,
                Since = ReportTime.ParseBound("2026-03-08", isUntil: false, now, NewYork),
                Until = ReportTime.ParseBound("20260308", isUntil: true, now, NewYork),
            };
            Assert.Equal([("2026-03-08", 4)], Rows(reports.Usage(filter, UsageGrouping.Day)));

            var lastDay = reports.Usage(new ReportFilter { TimeZone = NewYork, Since = ReportTime.ParseBound("30h", isUntil: false, now, NewYork), Until = now }, UsageGrouping.Day);
            Assert.Equal([("2026-03-08", 3), ("2026-03-09", 1)], Rows(lastDay));
            Assert.Equal(now - TimeSpan.FromDays(14), ReportTime.ParseBound("2w", isUntil: false, now, NewYork));
            Assert.Equal(DateTimeOffset.Parse("2026-03-08T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
                ReportTime.ParseBound("2026-03-08T10:30", isUntil: false, now, NewYork));
            Assert.Throws<FormatException>(() => ReportTime.ParseBound("yesterday", isUntil: false, now, NewYork));
            Assert.Throws<TimeZoneNotFoundException>(() => ReportTime.FindZone("Mars/Olympus_Mons"));
        }
    }

    [Fact]
    public void Long_context_tiers_price_each_large_request_on_its_own()
    {
        ClaudeCall[] calls =
        [
            new("2026-02-01T10:00:00.000Z", Input: 250_000, Output: 1_000, CacheRead: 300_000, Write5m: 210_000, Write1h: 201_000),
            new("2026-02-01T10:01:00.000Z", Input: 150_000, Output: 2_000, CacheRead: 150_000),
            new("2026-02-01T10:02:00.000Z", Model: "claude-haiku-4-5-20251001", Input: 300_000, Output: 10, CacheRead: 400_000),
            // gpt-5.4 bills a whole request above 272k input at its long-context rates; this one has
            // no single type above 200k, so only its input total marks it as large.
            new("2026-02-01T10:03:00.000Z", Model: "gpt-5.4", Input: 150_000, Output: 900, CacheRead: 130_000),
            new("2026-02-01T10:04:00.000Z", Model: "gpt-5.4", Input: 100_000, Output: 900, CacheRead: 100_000),
        ];
        _history.Session("tier", "s-tier", calls);
        var (ledger, reports) = _history.Ingest();
        using (ledger)
        {
            var expected = calls.Sum(c => PriceBook.Embedded.Cost(c.Model, new TokenUsage(c.Input, c.Output, c.CacheRead, c.Write5m, c.Write1h))!.Value.Total);
            var untiered = calls.Sum(c => PriceBook.Price(PriceBook.Embedded.Resolve(c.Model)!.Price with { Above200k = null, Above272kInput = null },
                new TokenUsage(c.Input, c.Output, c.CacheRead, c.Write5m, c.Write1h)).Total);
            Assert.NotEqual(untiered, expected);
            foreach (var grouping in Enum.GetValues<UsageGrouping>())
            {
                Assert.Equal(expected, reports.Usage(new ReportFilter(), grouping).Total.Cost);
                Assert.Equal(expected, reports.Usage(new ReportFilter(), grouping).Rows.Sum(r => r.Usage.Cost));
            }
        }
    }

    [Fact]
    public void An_unpriced_model_is_named_with_its_tokens_and_never_costs_zero()
    {
        _history.Session("p", "s-mixed",
            new ClaudeCall("2026-02-02T09:00:00.000Z", Model: "acme-coder-9", Input: 100, Output: 40, CacheRead: 1_000),
            new ClaudeCall("2026-02-02T09:01:00.000Z", Model: "claude-opus-4-6", Input: 10, Output: 4));
        _history.Session("p", "s-unpriced", new ClaudeCall("2026-02-03T09:00:00.000Z", Model: "acme-coder-9", Input: 7, Output: 3));
        var (ledger, reports) = _history.Ingest();
        using (ledger)
        {
            var report = reports.Usage(new ReportFilter(), UsageGrouping.Day);
            var unpriced = Assert.Single(report.UnpricedModels);
            Assert.Equal("acme-coder-9", unpriced.Model);
            Assert.Equal(2, unpriced.Usage.Steps);
            Assert.Null(unpriced.Usage.Cost);
            Assert.Equal(107 + 40 + 3 + 1_000, unpriced.Usage.Tokens.Total);
            Assert.Equal(3, report.Total.Steps);
            Assert.Equal(2, report.Total.UnpricedSteps);
            Assert.Equal(PriceBook.Embedded.Cost("claude-opus-4-6", new TokenUsage(10, 4, 0, 0, 0))!.Value.Total, report.Total.Cost);
            Assert.True(report.Rows[0].Usage.IsPartiallyPriced);
            Assert.Null(report.Rows[1].Usage.Cost);
        }
    }
}
