using Tracelens.Analysis.Statistics;
using Tracelens.Json;
using Xunit;

namespace Tracelens.Tests.Analysis;

/// <summary>
/// Percentiles, sums, histograms and CDFs against NumPy 1.24.2 / CPython 3.11.2 (the versions
/// TraceLab's expected files were made with). Each expected value below was printed by the Python
/// snippet quoted next to it; values are compared as Python <c>repr</c> strings, i.e. bit for bit.
/// </summary>
public sealed class StatisticsTests
{
    // The 19 output_tokens of the TraceLab conformance trace, in file order.
    private static readonly double[] OutputTokens =
        [931, 1016, 2475, 117, 1275, 273, 232, 2162, 90, 852, 444, 94, 59, 233, 294, 262, 198, 279, 49];

    // vals = sorted(OutputTokens); [repr(float(np.percentile(vals, p))) for p in (...)]
    [Theory]
    [InlineData(0, "49.0")]
    [InlineData(1, "50.8")]
    [InlineData(5, "58.0")]
    [InlineData(10, "83.8")]
    [InlineData(25, "157.5")]
    [InlineData(50, "273.0")]
    [InlineData(90, "1452.3999999999994")]
    [InlineData(95, "2193.2999999999993")]
    [InlineData(99, "2418.6600000000003")]
    [InlineData(100, "2475.0")]
    public void Numpy_linear_percentile_matches_numpy_bit_for_bit(double percent, string expected)
    {
        var sorted = Percentiles.Sorted(OutputTokens);
        Assert.Equal(expected, PythonFloat.Repr(Percentiles.NumpyLinear(sorted, percent)!.Value));
    }

    // The hand-written TraceLab interpolation is a weighted sum: o[lo]*(hi-v) + o[hi]*(v-lo).
    // On the same 19 values NumPy gives 2418.6600000000003 at q = 0.99, the weighted sum 2418.66:
    // v = 18 * 0.99 = 17.82, o[17] = 2162, o[18] = 2475 → 2162*0.18 + 2475*0.82 (each product rounded).
    [Theory]
    [InlineData(0.25, "157.5")]
    [InlineData(0.5, "273.0")]
    [InlineData(0.9, "1452.3999999999994")]
    [InlineData(0.95, "2193.2999999999993")]
    [InlineData(0.99, "2418.66")]
    public void Weighted_linear_percentile_matches_tracelabs_formula(double quantile, string expected)
    {
        var sorted = Percentiles.Sorted(OutputTokens);
        Assert.Equal(expected, PythonFloat.Repr(Percentiles.WeightedLinear(sorted, quantile)!.Value));
    }

    [Fact]
    public void Clamped_percentile_gives_min_and_max_outside_the_unit_interval_and_nothing_for_no_values()
    {
        var sorted = Percentiles.Sorted(OutputTokens);
        Assert.Equal(49, Percentiles.WeightedLinearClamped(sorted, -0.5));
        Assert.Equal(2475, Percentiles.WeightedLinearClamped(sorted, 1.5));
        Assert.Null(Percentiles.WeightedLinearClamped([], 0.5));
        Assert.Null(Percentiles.WeightedLinear([], 0.5));
        Assert.Null(Percentiles.NumpyLinear([], 50));
    }

    // a = np.array([(i*7919 % 10007)/13.0 for i in range(n)]); repr(float(np.sum(a))), repr(sum(a.tolist()))
    [Theory]
    [InlineData(5, "1472.923076923077", "1472.923076923077")]
    [InlineData(100, "38613.92307692307", "38613.92307692308")]
    [InlineData(1000, "385158.5384615385", "385158.5384615385")]
    [InlineData(20000, "7696992.846153846", "7696992.846153849")]
    public void Numpy_pairwise_sum_and_python_sum_match_their_reference_orders(int n, string numpySum, string pythonSum)
    {
        var values = Enumerable.Range(0, n).Select(i => (i * 7919 % 10007) / 13.0).ToArray();
        Assert.Equal(numpySum, PythonFloat.Repr(Summation.NumpySum(values)));
        Assert.Equal(pythonSum, PythonFloat.Repr(Summation.PythonSum(values)));
    }

    // np.mean of the same 20,000 values: 384.8496423076923
    [Fact]
    public void Numpy_mean_divides_the_pairwise_sum()
    {
        var values = Enumerable.Range(0, 20000).Select(i => (i * 7919 % 10007) / 13.0).ToArray();
        Assert.Equal("384.8496423076923", PythonFloat.Repr(Summation.NumpyMean(values)!.Value));
        Assert.Null(Summation.NumpyMean([]));
    }

    // np.histogram([0,0.5,1,1.5,2,2.5,3,3.0,-1,4], bins=[0,1,2,3]) → [2, 2, 4];
    // with weights 1..10 → [3, 7, 26] (the last bin holds its upper edge; -1 and 4 fall outside).
    [Fact]
    public void Histogram_bins_like_numpy_with_the_last_bin_closed()
    {
        double[] values = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.0, -1, 4];
        double[] weights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var bins = Histogram.Of(values, [0, 1, 2, 3], weights);
        Assert.Equal([2L, 2L, 4L], bins.Select(b => b.Count));
        Assert.Equal([3.0, 7.0, 26.0], bins.Select(b => b.Weight));
        Assert.Equal([0.0, 1.0, 2.0], bins.Select(b => b.Lower));
        Assert.Equal(-1, Histogram.BinOf(double.NaN, [0, 1]));
    }

    // [repr(float(x)) for x in np.linspace(0, 7.3, 7)]
    [Fact]
    public void Linspace_matches_numpy()
    {
        Assert.Equal(
            ["0.0", "1.2166666666666666", "2.433333333333333", "3.6499999999999995", "4.866666666666666", "6.083333333333333", "7.3"],
            Histogram.Linspace(0, 7.3, 7).Select(PythonFloat.Repr));
    }

    // By hand: values 3, 1, 2, 2 → distinct 1, 2, 3 with counts 1, 3, 4 of 4 and totals 1, 5, 8 of 8.
    [Fact]
    public void Cdf_has_one_point_per_distinct_value_with_count_and_total_shares()
    {
        var cdf = Cdf.Of([3, 1, 2, 2]);
        Assert.Equal(
            [new CdfPoint(1, 1, 0.25, 1, 0.125), new CdfPoint(2, 3, 0.75, 5, 0.625), new CdfPoint(3, 4, 1, 8, 1)],
            cdf);
        Assert.Equal(0, Cdf.FractionAtOrBelow(cdf, 0.5));
        Assert.Equal(0.75, Cdf.FractionAtOrBelow(cdf, 2.5));
        Assert.Empty(Cdf.Of([]));
    }

    // ['%.2f' % 0.125, '%.2f' % 2.675, '%.6g' % 44972.8, ...] on CPython 3.11.2
    [Theory]
    [InlineData(0.125, "%.2f", "0.12")]
    [InlineData(2.675, "%.2f", "2.67")]
    [InlineData(0.5, "%.0f", "0")]
    [InlineData(1.5, "%.0f", "2")]
    [InlineData(2.5, "%.0f", "2")]
    [InlineData(94.25, "%.1f", "94.2")]
    [InlineData(0.05, "%.1f", "0.1")]
    [InlineData(-0.0, "%.2f", "-0.00")]
    [InlineData(1e22, "%.2f", "10000000000000000000000.00")]
    [InlineData(1073.0290258, "%.6f", "1073.029026")]
    [InlineData(92.12936662957286, "%.1f", "92.1")]
    [InlineData(44972.8, "%.6g", "44972.8")]
    [InlineData(1234567.0, "%.6g", "1.23457e+06")]
    [InlineData(0.0001234567, "%.6g", "0.000123457")]
    [InlineData(0.00001234567, "%.6g", "1.23457e-05")]
    [InlineData(999999.5, "%.6g", "1e+06")]
    [InlineData(9999995.0, "%.6g", "1e+07")]
    [InlineData(123456.5, "%.6g", "123456")]
    [InlineData(100.0, "%.6g", "100")]
    [InlineData(1e-300, "%.6g", "1e-300")]
    [InlineData(5e-324, "%.3g", "4.94e-324")]
    public void Percent_formatting_rounds_half_to_even_on_the_exact_binary_value(double value, string format, string expected)
    {
        var precision = int.Parse(format[2..^1], System.Globalization.CultureInfo.InvariantCulture);
        var actual = format[^1] == 'f' ? PythonFormat.Fixed(value, precision) : PythonFormat.General(value, precision);
        Assert.Equal(expected, actual);
    }
}
