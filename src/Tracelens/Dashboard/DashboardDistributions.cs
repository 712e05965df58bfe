using Tracelens.Reports;

namespace Tracelens.Dashboard;

/// <summary>
/// The Distributions page (TraceLab spec §10.2, "Distributions"): eight distributions over the
/// filtered counted steps and their tool calls, each computed from every observation (no sampling
/// for the statistics; only the scatter thins its points, by the spec's stride rule).
/// </summary>
public sealed record DashboardDistributions
{
    /// <summary>CDFs are sampled at this many points (spec §10.2).</summary>
    public const int CdfPoints = 56;

    /// <summary>The tool-call-counts chart shows this many tools (spec §10.2).</summary>
    public const int TopTools = 14;

    /// <summary>The scatter keeps about this many points per provider: every ⌈n/700⌉-th step (spec §10.2).</summary>
    public const int ScatterTarget = 700;

    /// <summary>The output-token frequency polygon has this many log bins (spec §10.2).</summary>
    public const int OutputBins = 14;

    public required ReportFilter Filter { get; init; }

    public required IReadOnlyList<ProviderCdf> ToolLatency { get; init; }

    public required IReadOnlyList<LatencyBox> ToolLatencyByCategory { get; init; }

    public required ToolCallCounts ToolCallCounts { get; init; }

    public required IReadOnlyList<ProviderScatter> PrefixAppend { get; init; }

    public required OutputTokenPolygon OutputTokens { get; init; }

    public required IReadOnlyList<ProviderCdf> GenerationTime { get; init; }

    public required IReadOnlyList<ProviderCounts> CacheHitRatio { get; init; }

    public required IReadOnlyList<ProviderCdf> HumanInputWait { get; init; }
}

/// <summary>One point of a sampled CDF: the share of observations at or below <see cref="Value"/>.</summary>
public sealed record CdfSample(double Value, double Fraction);

/// <summary>
/// A provider's CDF sampled at up to <see cref="DashboardDistributions.CdfPoints"/> values from its
/// minimum to its maximum (log- or evenly spaced), so the last point is 1. <see cref="Count"/>
/// observations entered it; <see cref="Excluded"/> eligible items had no value or one ≤ 0.
/// </summary>
public sealed record ProviderCdf(string Provider, long Count, long Excluded, double? Median, double? P90, IReadOnlyList<CdfSample> Points);

/// <summary>Box of one tool category's effective latencies (ms): whiskers p5/p95, box p25–p75, line at the median.</summary>
public sealed record LatencyBox(string Category, long Calls, double P5, double P25, double Median, double P75, double P95);

/// <summary>One tool's calls (and how many ended in an error), over every provider in the filter.</summary>
public sealed record ToolCallCount(string Tool, long Calls, long Errors);

/// <summary>The most-called tools, with the totals they are a part of.</summary>
public sealed record ToolCallCounts(long TotalCalls, long DistinctTools, IReadOnlyList<ToolCallCount> Top);

/// <summary>
/// A provider's (prefix, append) points: <see cref="Eligible"/> steps had both &gt; 0; every
/// <see cref="Stride"/>-th of them (in session and round order, from the first) is kept.
/// </summary>
public sealed record ProviderScatter(string Provider, long Eligible, long Stride, IReadOnlyList<(long Prefix, long Append)> Points);

/// <summary>Log bins of output tokens between the merged p1 and p99, and each provider's count per bin.</summary>
public sealed record OutputTokenPolygon(double? P1, double? P99, IReadOnlyList<double> Edges, IReadOnlyList<ProviderCounts> Providers);

/// <summary>
/// A provider's steps per bin: output-token bins (<see cref="Eligible"/> = its steps with output
/// &gt; 0, in or out of the bins) or cache-hit bands (<see cref="DistributionQueries.CacheHitBands"/>).
/// </summary>
public sealed record ProviderCounts(string Provider, long Eligible, IReadOnlyList<long> Counts);
