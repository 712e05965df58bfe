using Tracelens.Figures;

namespace Tracelens.Experiments.PrefixCache.CacheHitRatio;

/// <summary>
/// <c>cache_hit_ratio_histogram</c> and <c>cache_hit_ratio_append_weighted_histogram</c>
/// (tracelab-spec §6.3): a 3 × 3 grid (scopes merged, claude, codex × triggers all, user,
/// tool_result) of the share of steps, or of append tokens, in each hit bin, bars coloured by
/// the bin's upper edge (red below .5, amber below .9, blue from .9).
/// </summary>
internal static class CacheHitRatioFigures
{
    public const string StepWeightedStem = "cache_hit_ratio_histogram";
    public const string AppendWeightedStem = "cache_hit_ratio_append_weighted_histogram";

    private const int Columns = 3;

    /// <summary>One figure from the nine panels' bin totals (title and one value per bin, in TraceLab's scope × trigger order).</summary>
    public static Figure Draw(IReadOnlyList<(string Title, long[] Totals)> panels, IReadOnlyList<double> binEdges, IReadOnlyList<string> binLabels, bool appendWeighted)
    {
        var colors = binLabels.Select((_, bin) => BinColor(bin == 0 ? 0 : binEdges[bin])).ToArray();
        var positions = binLabels.Select((_, bin) => (double)bin).ToArray();
        // matplotlib pads the bars' extent (−0.41 … n − 0.59) by 5 % on each side.
        var barsLeft = -0.41;
        var barsRight = binLabels.Count - 1 + 0.41;
        var pad = (barsRight - barsLeft) * 0.05;
        var style = new AxesStyle
        {
            TickLabels = new TextStyle(9, Palette.MutedText),
            AxisLabels = new TextStyle(9, Palette.Text),
            Title = new TextStyle(10, Palette.Text, Bold: true),
            YGrid = new Stroke(Palette.Grid, 0.8),
        };
        var axes = new List<Axes>();
        for (var i = 0; i < panels.Count; i++)
        {
            var (title, totals) = panels[i];
            var total = (double)totals.Sum();
            var shares = totals.Select(v => total == 0 ? 0 : v / total * 100).ToArray();
            bool firstColumn = i % Columns == 0, bottomRow = i / Columns == (panels.Count - 1) / Columns;
            var panel = new Axes(new LinearScale(barsLeft - pad, barsRight + pad), new LinearScale(0, 100))
            {
                Title = title,
                YLabel = firstColumn ? (appendWeighted ? "% append tokens" : "% rounds") : null,
                XTicks = [.. binLabels.Select((label, bin) => new Tick(bin, label))],
                YTicks = LinearTicks.Between(0, 100, 6, TickLabels.General),
                ShowXTickLabels = bottomRow,
                ShowYTickLabels = firstColumn,
                XTickRotation = 55,
                Style = style,
            };
            panel.Elements.Add(new BarSeries(positions, shares, 0.82, colors));
            axes.Add(panel);
        }

        var figure = new Figure(17, 10)
        {
            Dpi = 220,
            Title = appendWeighted ? "Prefix hit-ratio histogram, append-token weighted" : "Prefix hit-ratio histogram, round weighted",
            Description = $"prefix_cache/cache_hit_ratio: share of {(appendWeighted ? "append tokens" : "steps")} per prefix-cache hit-ratio bin, by provider (rows) and step trigger (columns)",
        };
        FigureLayout.Grid(new Rect(0, figure.TitleBand, figure.Width, figure.Height - figure.TitleBand).Inset(8, 4, 12, 8), axes, Columns, horizontalGap: 14, verticalGap: 12);
        figure.Axes.AddRange(axes);
        return figure;
    }

    /// <summary>TraceLab's bin colours by upper edge: failure red below .5, amber below .9, blue from .9 on.</summary>
    private static string BinColor(double upperEdge) => upperEdge < 0.5 ? Palette.Red : upperEdge < 0.9 ? Palette.Orange : Palette.Blue;
}
