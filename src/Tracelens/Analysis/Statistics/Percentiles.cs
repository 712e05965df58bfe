namespace Tracelens.Analysis.Statistics;

/// <summary>
/// Exact percentiles over every observation (no sampling), in the three variants TraceLab's
/// experiments use (tracelab-spec §6.0). They agree except in the last bits, and experiments must
/// match TraceLab's choice per output, so each is named for where it comes from.
/// </summary>
/// <remarks>All inputs must be sorted ascending; use <see cref="Sorted"/> once and query many times.</remarks>
public static class Percentiles
{
    /// <summary>A sorted copy of the values (ascending; NaN is not expected in token or time data).</summary>
    public static double[] Sorted(IEnumerable<double> values)
    {
        var array = values.ToArray();
        Array.Sort(array);
        return array;
    }

    /// <summary>
    /// NumPy's <c>numpy.percentile(values, percent)</c> with its default <c>linear</c> method, bit
    /// for bit (NumPy ≥ 1.22): virtual index v = (n−1)·(percent/100), i = ⌊v⌋, g = v − i,
    /// a = x[i], b = x[min(i+1, n−1)], then NumPy's two-sided lerp: a + (b−a)·g when g &lt; 0.5,
    /// else b − (b−a)·(1−g). Empty input has no percentile (NumPy would return NaN).
    /// </summary>
    public static double? NumpyLinear(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }

        var quantile = percent / 100;
        var virtualIndex = (sorted.Count - 1) * quantile;
        var below = Math.Floor(virtualIndex);
        var gamma = virtualIndex - below;
        var i = (int)Math.Clamp(below, 0, sorted.Count - 1);
        var a = sorted[i];
        var b = sorted[Math.Min(i + 1, sorted.Count - 1)];
        var difference = b - a;
        return gamma < 0.5 ? a + (difference * gamma) : b - (difference * (1 - gamma));
    }

    /// <summary>
    /// TraceLab's hand-written linear interpolation (spec "P-legacy", used by token_spindles and
    /// cache_hit_ratio): v = (n−1)·q, lo = ⌊v⌋, hi = ⌈v⌉; x[lo] when lo = hi, else
    /// x[lo]·(hi−v) + x[hi]·(v−lo). A weighted sum, so it can differ from NumPy in the last ulp.
    /// </summary>
    public static double? WeightedLinear(IReadOnlyList<double> sorted, double quantile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }

        var index = (sorted.Count - 1) * quantile;
        var lower = Math.Floor(index);
        var upper = Math.Ceiling(index);
        if (lower == upper)
        {
            return sorted[(int)lower];
        }

        return (sorted[(int)lower] * (upper - index)) + (sorted[(int)upper] * (index - lower));
    }

    /// <summary>
    /// <see cref="WeightedLinear"/> with q ≤ 0 giving the minimum and q ≥ 1 the maximum (spec
    /// "P-overview", used by overview_summary and the growth statistics).
    /// </summary>
    public static double? WeightedLinearClamped(IReadOnlyList<double> sorted, double quantile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }

        return quantile <= 0 ? sorted[0] : quantile >= 1 ? sorted[^1] : WeightedLinear(sorted, quantile);
    }
}
