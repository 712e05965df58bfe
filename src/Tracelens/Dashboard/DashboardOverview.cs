using Tracelens.Reports;

namespace Tracelens.Dashboard;

/// <summary>
/// Everything the dashboard's Overview page shows (TraceLab's analyze dashboard, spec §10.2), built
/// from the same report queries as <c>tracelens summary</c>, so its totals equal the summary's.
/// </summary>
public sealed record DashboardOverview
{
    public required ReportFilter Filter { get; init; }

    /// <summary>The summary by model: its total is every KPI's source, its rows the spend by model.</summary>
    public required UsageReport ByModel { get; init; }

    public required UsageReport ByProvider { get; init; }

    public required OverviewKpis Kpis { get; init; }

    /// <summary>Local days with at least one step, in time order.</summary>
    public required IReadOnlyList<DayActivity> Days { get; init; }

    /// <summary>Steps per local weekday (0 = Monday … 6 = Sunday) and hour (0–23).</summary>
    public required long[][] WeekdayHour { get; init; }

    public required IReadOnlyList<ModelSpend> SpendByModel { get; init; }

    public required IReadOnlyList<Highlight> Highlights { get; init; }
}

/// <summary>
/// The eight KPI tiles and their feet. Input is every prompt token: <see cref="CachedInput"/> (cache
/// reads) plus <see cref="UncachedInput"/> (fresh input and cache writes).
/// </summary>
public sealed record OverviewKpis(
    long Sessions,
    long ActiveDays,
    long SpanDays,
    long Steps,
    long Users,
    decimal? TotalCostUsd,
    decimal? CostPerActiveDayUsd,
    decimal CacheSavedUsd,
    long TotalInput,
    long CachedInput,
    long UncachedInput,
    long Output,
    long UnpricedSteps)
{
    /// <summary>Share of input served from the cache (null without input).</summary>
    public double? CachedShare => TotalInput > 0 ? (double)CachedInput / TotalInput : null;

    public double? OutputPerStep => Steps > 0 ? (double)Output / Steps : null;
}

/// <summary>One local day of the activity calendar.</summary>
public sealed record DayActivity(string Day, long Steps, long InputTokens, long OutputTokens, decimal? CostUsd);

/// <summary>
/// A model's priced spend split as the Spend-by-model bars show it: cache reads, fresh input (fresh
/// input and cache writes) and output (output and reasoning billed apart).
/// </summary>
public sealed record ModelSpend(string Model, long Steps, decimal CachedReadUsd, decimal FreshInputUsd, decimal OutputUsd, decimal? TotalUsd, long UnpricedSteps);

/// <summary>One fact of the Highlights panel; <see cref="SessionId"/> links it to a session when it is about one.</summary>
public sealed record Highlight(string Group, string Label, string Value, string? Detail, string? SessionId);
