namespace Tracelens.Analysis.Statistics;

/// <summary>
/// One point of an empirical CDF: how many observations are at or below <see cref="Value"/>
/// (<see cref="CumulativeCount"/>, <see cref="CountFraction"/>) and what share of their total they
/// carry (<see cref="CumulativeTotal"/>, <see cref="TotalFraction"/>), e.g. share of all tool time
/// spent in calls up to this long.
/// </summary>
public sealed record CdfPoint(double Value, long CumulativeCount, double CountFraction, double CumulativeTotal, double TotalFraction);

/// <summary>Empirical CDFs over all observations: one point per distinct value, ascending.</summary>
public static class Cdf
{
    /// <summary>
    /// The step CDF of <paramref name="values"/>: for each distinct value v, the count and total of
    /// values ≤ v. Totals are summed in ascending order; the fractions of the last point are 1.
    /// </summary>
    public static IReadOnlyList<CdfPoint> Of(IEnumerable<double> values)
    {
        var sorted = Percentiles.Sorted(values);
        var points = new List<CdfPoint>();
        var grandTotal = 0.0;
        foreach (var v in sorted)
        {
            grandTotal += v;
        }

        long count = 0;
        var total = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            count++;
            total += sorted[i];
            if (i + 1 < sorted.Length && sorted[i + 1] == sorted[i])
            {
                continue;
            }

            points.Add(new CdfPoint(sorted[i], count, (double)count / sorted.Length, total, grandTotal == 0 ? 0 : total / grandTotal));
        }

        return points;
    }

    /// <summary>The fraction of observations ≤ <paramref name="value"/> read off a CDF (0 below the first point).</summary>
    public static double FractionAtOrBelow(IReadOnlyList<CdfPoint> cdf, double value)
    {
        ArgumentNullException.ThrowIfNull(cdf);
        double fraction = 0;
        foreach (var point in cdf)
        {
            if (point.Value > value)
            {
                break;
            }

            fraction = point.CountFraction;
        }

        return fraction;
    }
}
