namespace Tracelens.Analysis.Statistics;

/// <summary>One bin of a <see cref="Histogram"/>: its edges, how many values fell in it and their total weight.</summary>
public sealed record HistogramBin(double Lower, double Upper, long Count, double Weight);

/// <summary>
/// Counts (and optionally weights) of values per bin over fixed edges, as <c>numpy.histogram</c>
/// does: every bin is half-open [lower, upper) except the last, which also holds its upper edge;
/// values outside the edges are not counted.
/// </summary>
public static class Histogram
{
    /// <summary>Bins <paramref name="values"/> (each with weight 1, or <paramref name="weights"/> when given).</summary>
    public static IReadOnlyList<HistogramBin> Of(IReadOnlyList<double> values, IReadOnlyList<double> edges, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count < 2)
        {
            throw new ArgumentException("a histogram needs at least two edges", nameof(edges));
        }

        if (weights is not null && weights.Count != values.Count)
        {
            throw new ArgumentException("one weight per value", nameof(weights));
        }

        var counts = new long[edges.Count - 1];
        var totals = new double[edges.Count - 1];
        for (var i = 0; i < values.Count; i++)
        {
            var bin = BinOf(values[i], edges);
            if (bin < 0)
            {
                continue;
            }

            counts[bin]++;
            totals[bin] += weights?[i] ?? 1;
        }

        return counts.Select((count, bin) => new HistogramBin(edges[bin], edges[bin + 1], count, totals[bin])).ToArray();
    }

    /// <summary>Index of the bin holding <paramref name="value"/>, or -1 outside the edges (NaN included).</summary>
    public static int BinOf(double value, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var last = edges.Count - 1;
        if (!(value >= edges[0] && value <= edges[last]))
        {
            return -1;
        }

        if (value == edges[last])
        {
            return last - 1;
        }

        // Binary search for the last edge <= value (edges are increasing).
        int lo = 0, hi = last;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) >>> 1;
            if (edges[mid] <= value)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary><c>numpy.linspace(start, stop, count)</c>: evenly spaced edges, the last exactly <paramref name="stop"/>.</summary>
    public static double[] Linspace(double start, double stop, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var step = (stop - start) / (count - 1);
        var edges = new double[count];
        for (var i = 0; i < count; i++)
        {
            edges[i] = start + (i * step);
        }

        edges[^1] = stop;
        return edges;
    }
}
