using Tracelens.Analysis.Statistics;
using Tracelens.Figures;

namespace Tracelens.Experiments.LlmGeneration.OutputTokens;

/// <summary>
/// <c>output_tokens_distribution</c> (tracelab-spec §6.1): one step histogram per group on the
/// binary token axis (first tick 16, 8 bins per power of two), the largest groups first.
/// </summary>
internal static class OutputTokensFigure
{
    public const string Stem = "output_tokens_distribution";
    public const int MaxGroups = 8;

    private const double FirstTick = 16;

    /// <summary>
    /// The figure of <paramref name="groups"/> (label and values, in first-appearance order), or
    /// null when there is nothing to plot. Plotted: every group but <c>all</c> (or <c>all</c> when
    /// it is the only one), by count descending with ties in first-appearance order, at most
    /// <see cref="MaxGroups"/>, empty ones dropped.
    /// </summary>
    public static (Figure Figure, int Series)? Draw(IReadOnlyList<(string Label, IReadOnlyList<double> Values)> groups, IReadOnlyList<double> all)
    {
        IReadOnlyList<(string Label, IReadOnlyList<double> Values)> candidates = groups.Count > 0 ? groups : [("all", all)];
        var plotted = candidates.OrderByDescending(g => g.Values.Count).Take(MaxGroups).Where(g => g.Values.Count > 0).ToList();
        if (plotted.Count == 0)
        {
            return null;
        }

        var axis = new BinaryTokenAxis(FirstTick);
        var maxValue = Math.Max(1, plotted.Max(g => g.Values.Max()));
        var edges = axis.BinEdges(maxValue);
        var histograms = plotted.Select(g => Histogram.Of(g.Values.Select(axis.Transform).ToList(), edges).Select(b => (double)b.Count).ToList()).ToList();
        var limit = axis.Limit(maxValue);
        var margin = Math.Max(0.05, limit * 0.02);
        var yMax = histograms.Max(h => h.Max()) * 1.05;
        // matplotlib's default grid: #b0b0b0, 0.8 pt, here at TraceLab's alpha 0.3.
        var grid = new Stroke("#b0b0b0", 0.8, 0.3);
        var axes = new Axes(new LinearScale(-margin, limit + margin), new LinearScale(0, yMax))
        {
            Title = "Output Token Length Distribution",
            XLabel = "Output Tokens (binary scale)",
            YLabel = "Invocations",
            XTicks = axis.Ticks(maxValue, maxTicks: 14),
            YTicks = LinearTicks.Between(0, yMax, 8, TickLabels.Count),
            Style = new AxesStyle { XGrid = grid, YGrid = grid },
            ShowLegend = true,
        };
        for (var i = 0; i < plotted.Count; i++)
        {
            var color = Palette.Series[i % Palette.Series.Count];
            axes.Elements.Add(new StepHistogram(edges, histograms[i], new Stroke(color, 1.8)) { Label = ShortLabel(plotted[i].Label) });
        }

        var figure = new Figure(9.5, 5.8)
        {
            Dpi = 180,
            Description = "llm_generation/output_tokens: output tokens per step, one step histogram per group on TraceLab's binary token axis",
        };
        FigureLayout.Single(new Rect(0, 0, figure.Width, figure.Height).Inset(12, 10, 14, 10), axes);
        figure.Axes.Add(axes);
        return (figure, plotted.Count);
    }

    /// <summary>TraceLab's <c>short_label</c>: labels over 36 characters keep 33 and end with "...".</summary>
    private static string ShortLabel(string label) => label.Length <= 36 ? label : label[..33] + "...";
}
