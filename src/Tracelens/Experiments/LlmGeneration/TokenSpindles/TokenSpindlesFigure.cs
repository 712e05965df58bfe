using Tracelens.Analysis.Statistics;
using Tracelens.Figures;

namespace Tracelens.Experiments.LlmGeneration.TokenSpindles;

/// <summary>
/// <c>token_spindles_transparent</c> (tracelab-spec §6.2): for prefix, adjusted append and output
/// tokens, a mirrored smoothed histogram ("spindle") on the compressed token axis
/// log2(t + 32) − log2(32), with p25/p50/p90/p99 marks, on a transparent page.
/// </summary>
internal static class TokenSpindlesFigure
{
    public const string Stem = "token_spindles_transparent";

    private const int Edges = 240;
    private const double Sigma = 2.4;
    private const double HalfWidth = 0.34;
    private const double MinAxisTokens = 2_097_152;

    private static readonly (string Metric, string Name, string Color, double Baseline)[] Rows =
    [
        ("prefix_tokens", "prefix", "#1C38A0", 2),
        ("adjusted_append_tokens", "adjusted append", "#579BF4", 1),
        ("output_tokens", "output", "#F2942C", 0),
    ];

    // (label, quantile, line opacity, line width) as TraceLab draws them.
    private static readonly (string Label, double Quantile, double Opacity, double Width)[] Quantiles =
        [("p25", 0.25, 0.92, 2.2), ("p50", 0.50, 1.0, 3.0), ("p90", 0.90, 0.94, 2.4), ("p99", 0.99, 0.92, 2.2)];

    /// <summary>The figure of the three metrics (in <see cref="Rows"/> order), or null when all are empty.</summary>
    public static Figure? Draw(IReadOnlyList<IReadOnlyList<double>> metrics)
    {
        if (metrics.All(m => m.Count == 0))
        {
            return null;
        }

        var axis = new CompressedTokenAxis();
        var maxTokens = Math.Max(metrics.Where(m => m.Count > 0).Max(m => m.Max()), MinAxisTokens);
        var xMax = axis.Transform(maxTokens);
        var axes = new Axes(new LinearScale(0, xMax), new LinearScale(-0.55, 2.55))
        {
            XTicks = axis.Ticks(maxTokens),
            // TraceLab leaves the rows unnamed (its paper caption names them); naming them keeps the PNG readable on its own.
            YTicks = [.. Rows.Select(r => new Tick(r.Baseline, r.Name))],
            Style = new AxesStyle
            {
                TickLabels = new TextStyle(20, Palette.MutedText),
                YTickLabels = new TextStyle(12, Palette.MutedText),
                Spines = null,
                TickLength = 0,
                TickPad = 4,
                // matplotlib scales the (4, 6) dash pattern by the 0.85 pt line width.
                XGrid = new Stroke("#8FA1B8", 0.85, 0.42, [4 * 0.85, 6 * 0.85]),
                Background = null,
            },
        };
        var labelStyle = new TextStyle(12, Palette.Text, Bold: true);
        for (var row = 0; row < Rows.Length; row++)
        {
            var (_, _, color, baseline) = Rows[row];
            var values = metrics[row];
            var (centers, density) = SmoothDensity(values.Select(axis.Transform).ToList(), xMax);
            axes.Elements.Add(new BandSeries(centers, [.. density.Select(d => baseline - (HalfWidth * d))], [.. density.Select(d => baseline + (HalfWidth * d))], color));
            var sorted = Percentiles.Sorted(values);
            var marks = Quantiles
                .Select(q => (q, value: Percentiles.WeightedLinear(sorted, q.Quantile)))
                .Where(m => m.value is not null)
                .Select(m => new PercentileMark(axis.Transform(m.value!.Value), m.q.Label, m.q.Opacity, m.q.Width))
                .ToList();
            axes.Elements.Add(new PercentileMarks(marks, baseline, 0.38, 0.43, color, labelStyle));
        }

        var figure = new Figure(11.625, 5.8)
        {
            Dpi = 260,
            Background = null,
            Description = "llm_generation/token_spindles: prefix, adjusted append and output tokens per step, smoothed mirrored histograms on log2(t + 32) - log2(32)",
        };
        FigureLayout.Single(new Rect(0, 0, figure.Width, figure.Height).Inset(4, 4, 4, 4), axes);
        figure.Axes.Add(axes);
        return figure;
    }

    /// <summary>
    /// TraceLab's <c>smooth_density</c>: counts on <c>linspace(0, xMax, 240)</c> (239 bins),
    /// convolved ("same" mode) with a normalized Gaussian (σ = 2.4 bins, offsets −10…10), scaled to
    /// a maximum of 1; bin centres as x. All zeros when there are no values.
    /// </summary>
    internal static (double[] Centers, double[] Density) SmoothDensity(IReadOnlyList<double> transformed, double xMax)
    {
        var edges = Histogram.Linspace(0, xMax, Edges);
        var counts = Histogram.Of(transformed, edges).Select(b => (double)b.Count).ToArray();
        var centers = new double[counts.Length];
        for (var i = 0; i < centers.Length; i++)
        {
            centers[i] = (edges[i] + edges[i + 1]) / 2;
        }

        var density = new double[counts.Length];
        if (counts.Max() <= 0)
        {
            return (centers, density);
        }

        var radius = (int)Math.Ceiling(Sigma * 4);
        var kernel = Enumerable.Range(-radius, (2 * radius) + 1).Select(k => Math.Exp(-(k * k) / (2 * Sigma * Sigma))).ToArray();
        var kernelSum = kernel.Sum();
        for (var i = 0; i < counts.Length; i++)
        {
            var sum = 0.0;
            for (var k = -radius; k <= radius; k++)
            {
                if (i + k >= 0 && i + k < counts.Length)
                {
                    sum += counts[i + k] * kernel[k + radius] / kernelSum;
                }
            }

            density[i] = sum;
        }

        var max = density.Max();
        for (var i = 0; i < density.Length; i++)
        {
            density[i] /= max;
        }

        return (centers, density);
    }
}
