using Tracelens.Analysis.Statistics;
using Tracelens.Json;

namespace Tracelens.Experiments.TraceFacts.OverviewSummary;

/// <summary>
/// Same-session total-input growth of steps with a predecessor (tracelab-spec §7, "Growth /
/// reduction buckets"): raw Δ = total(current) − total(previous), total = prefix + append;
/// positive, zero, or a reduction that is micro (≤ 1,024 tokens), major (≥ 64,000, TraceLab's
/// code; its docs say 50,000) or ordinary.
/// </summary>
internal sealed class InputGrowthStats
{
    public const long MicroReductionMaxTokens = 1_024;
    public const long MajorReductionMinTokens = 64_000;

    private readonly List<double> _rawDeltas = [];
    private long _positive;
    private long _zero;
    private long _micro;
    private long _ordinary;
    private long _major;
    private long _totalRawDelta;
    private long _totalPositiveGrowth;
    private long _totalReduction;
    private long _maxReduction;

    public long TotalPositiveGrowth => _totalPositiveGrowth;

    private long Rounds => _rawDeltas.Count;

    private long Negative => _micro + _ordinary + _major;

    public void Add(long rawDelta)
    {
        _rawDeltas.Add(rawDelta);
        _totalRawDelta += rawDelta;
        if (rawDelta > 0)
        {
            _positive++;
            _totalPositiveGrowth += rawDelta;
            return;
        }

        if (rawDelta == 0)
        {
            _zero++;
            return;
        }

        var reduction = -rawDelta;
        _totalReduction += reduction;
        _maxReduction = Math.Max(_maxReduction, reduction);
        if (reduction <= MicroReductionMaxTokens)
        {
            _micro++;
        }
        else if (reduction >= MajorReductionMinTokens)
        {
            _major++;
        }
        else
        {
            _ordinary++;
        }
    }

    public PyObject ToJson()
    {
        var sorted = Percentiles.Sorted(_rawDeltas);
        PyValue Share(long count) => Py.Float(Rounds == 0 ? null : (double)count / Rounds);
        PyValue Average(long total, long count) => Py.Float(count == 0 ? null : (double)total / count);
        return new PyObject
        {
            ["rounds"] = Py.Int(Rounds),
            ["positive_growth_rounds"] = Py.Int(_positive),
            ["zero_growth_rounds"] = Py.Int(_zero),
            ["negative_growth_rounds"] = Py.Int(Negative),
            ["micro_reduction_rounds"] = Py.Int(_micro),
            ["ordinary_reduction_rounds"] = Py.Int(_ordinary),
            ["major_reduction_rounds"] = Py.Int(_major),
            ["positive_growth_share"] = Share(_positive),
            ["zero_growth_share"] = Share(_zero),
            ["negative_growth_share"] = Share(Negative),
            ["micro_reduction_share"] = Share(_micro),
            ["ordinary_reduction_share"] = Share(_ordinary),
            ["major_reduction_share"] = Share(_major),
            ["total_context_increase_tokens"] = Py.Int(_totalPositiveGrowth),
            ["total_raw_delta_tokens"] = Py.Int(_totalRawDelta),
            ["total_reduction_tokens"] = Negative == 0 ? PyNull.Instance : Py.Int(_totalReduction),
            ["average_raw_delta_tokens"] = Average(_totalRawDelta, Rounds),
            ["median_raw_delta_tokens"] = Py.Float(Percentiles.WeightedLinearClamped(sorted, 0.50)),
            ["p10_raw_delta_tokens"] = Py.Float(Percentiles.WeightedLinearClamped(sorted, 0.10)),
            ["p90_raw_delta_tokens"] = Py.Float(Percentiles.WeightedLinearClamped(sorted, 0.90)),
            ["average_positive_growth_tokens"] = Average(_totalPositiveGrowth, _positive),
            ["average_clipped_growth_tokens"] = Average(_totalPositiveGrowth, Rounds),
            ["average_reduction_tokens"] = Average(_totalReduction, Negative),
            ["max_reduction_tokens"] = Negative == 0 ? PyNull.Instance : Py.Int(_maxReduction),
        };
    }
}

/// <summary>Short constructors for the Python values a summary is made of.</summary>
internal static class Py
{
    public static PyValue Int(long value) => PyNumber.FromInteger(value);

    public static PyValue Float(double? value) => value is { } v ? PyNumber.FromFloat(v) : PyNull.Instance;

    public static PyValue Str(string? value) => value is null ? PyNull.Instance : new PyString(value);
}
