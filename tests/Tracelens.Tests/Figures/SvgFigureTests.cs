using System.Globalization;
using Tracelens.Analysis.Statistics;
using Tracelens.Figures;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Figures;

/// <summary>The SVG model: deterministic text, TraceLab's token axes, ticks, layout, and a golden figure using every element.</summary>
public sealed class SvgFigureTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.004, "0")]
    [InlineData(12.346, "12.35")]
    [InlineData(12.3449, "12.34")]
    [InlineData(1e-7, "0")]
    [InlineData(123456789.0, "123456789")]
    [InlineData(-3.1, "-3.1")]
    public void Coordinates_have_two_decimals_at_most_and_no_exponent(double value, string expected) =>
        Assert.Equal(expected, SvgWriter.Number(value));

    [Fact]
    public void The_same_figure_gives_the_same_bytes_in_any_culture()
    {
        var invariant = Gallery().ToSvg();
        var saved = CultureInfo.CurrentCulture;
        try
        {
            // The build runs with invariant globalization, so a German-like culture is made by hand: decimal comma, dot grouping.
            var commaDecimals = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            commaDecimals.NumberFormat.NumberDecimalSeparator = ",";
            commaDecimals.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = commaDecimals;
            Assert.Equal(invariant, Gallery().ToSvg());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        Assert.DoesNotContain(",5", invariant, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_is_escaped_and_control_characters_dropped()
    {
        var axes = new Axes(new LinearScale(0, 1), new LinearScale(0, 1)) { Title = "a < b & \"c\"\u0001" };
        var figure = new Figure(2, 2) { Description = "no --- inside comments" };
        FigureLayout.Single(new Rect(0, 0, figure.Width, figure.Height), axes);
        figure.Axes.Add(axes);
        var svg = figure.ToSvg();
        Assert.Contains(">a &lt; b &amp; &quot;c&quot;</text>", svg, StringComparison.Ordinal);
        Assert.Contains("<!-- no - - - inside comments -->", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_token_axis_is_TraceLabs()
    {
        var axis = new BinaryTokenAxis(16);
        Assert.Equal([0, 0.5, 1, 2, 1 + Math.Log2(2475.0 / 16)], new[] { -3.0, 8, 16, 32, 2475 }.Select(axis.Transform));
        Assert.Equal(["0", "16", "32", "64", "128", "256", "512", "1k", "2k"], axis.Ticks(2475).Select(t => t.Label));
        var edges = axis.BinEdges(2475);
        Assert.Equal(Math.Max(8, (int)Math.Ceiling(axis.Limit(2475) * 8)) + 1, edges.Length);
        Assert.Equal(axis.Limit(2475), edges[^1]);
        // More than 13 powers of two: every ⌈n/13⌉-th, plus the last.
        Assert.Equal(["0", "16", "64", "256", "1k", "4k", "16k", "64k", "256k", "1M", "4M", "8M"], axis.Ticks(8_388_608).Select(t => t.Label));
    }

    [Fact]
    public void Compressed_token_axis_is_TraceLabs()
    {
        var axis = new CompressedTokenAxis();
        Assert.Equal(0, axis.Transform(0));
        Assert.Equal(1, axis.Transform(32));
        Assert.Equal(["0", "32", "128", "512", "2k", "8k", "32k", "128k", "512k"], axis.Ticks(2_097_152).Select(t => t.Label));
        Assert.Equal(["0", "32", "128"], axis.Ticks(200).Select(t => t.Label));
    }

    [Fact]
    public void Linear_ticks_are_round_and_log_ticks_are_powers()
    {
        Assert.Equal(["0", "20", "40", "60", "80", "100"], LinearTicks.Between(0, 100, 6, TickLabels.General).Select(t => t.Label));
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], LinearTicks.Between(0, 1.05, 8, TickLabels.General).Select(t => t.Label));
        Assert.Equal(["0", "500", "1k", "1.5k", "2k"], LinearTicks.Between(0, 2100, 8, TickLabels.Count).Select(t => t.Label));
        Assert.Equal(["1ms", "10ms", "100ms", "1000ms"], new LogScale(0.5, 2000).PowerTicks(v => TickLabels.General(v) + "ms").Select(t => t.Label));
    }

    [Fact]
    public void Close_percentile_labels_are_pushed_apart_and_kept_in_the_frame()
    {
        var centers = PercentileMarks.SpreadLabels([100, 102, 300, 595], [20, 20, 20, 20], new Rect(0, 0, 600, 100));
        Assert.Equal([100, 123, 300, 590], centers);
    }

    [Fact]
    public void Panels_of_a_grid_line_up()
    {
        var panels = Enumerable.Range(0, 4).Select(i => new Axes(new LinearScale(0, 1), new LinearScale(0, 100))
        {
            YLabel = i % 2 == 0 ? "% rounds" : null,
            YTicks = LinearTicks.Between(0, 100, 6, TickLabels.General),
            ShowYTickLabels = i % 2 == 0,
            Title = "t",
        }).ToList();
        FigureLayout.Grid(new Rect(0, 0, 400, 300), panels, columns: 2);
        Assert.Equal(panels[0].Frame.X, panels[2].Frame.X);
        Assert.Equal(panels[0].Frame.Width, panels[1].Frame.Width);
        Assert.Equal(panels[0].Frame.Y, panels[1].Frame.Y);
        Assert.True(panels[0].Frame.X > 20, "room for the y labels");
    }

    [Fact]
    public void A_figure_with_every_element_matches_its_golden() => Snapshot.Match(Gallery().ToSvg(), "Figures", "gallery.svg");

    /// <summary>Two panels using every element: CDF lines on a log axis with a legend; bars, a band and percentile marks on a binary token axis.</summary>
    internal static Figure Gallery()
    {
        var latencies = new[] { 0.8, 1.2, 1.2, 3.5, 9, 40, 120, 800, 1500 };
        var cdf = new Axes(new LogScale(0.5, 2000), new LinearScale(0, 1.05))
        {
            Title = "CDF on a log axis",
            XLabel = "Latency (ms)",
            YLabel = "Share of calls",
            XTicks = new LogScale(0.5, 2000).PowerTicks(v => TickLabels.General(v) + "ms"),
            YTicks = LinearTicks.Between(0, 1.05, 6, TickLabels.General),
            Style = new AxesStyle { YGrid = new Stroke(Palette.Grid, 0.8) },
            ShowLegend = true,
        };
        cdf.Elements.Add(LineSeries.Cdf(Cdf.Of(latencies), new Stroke(Palette.Blue, 1.8), label: "calls"));
        cdf.Elements.Add(LineSeries.Cdf(Cdf.Of(latencies), new Stroke(Palette.Orange, 1.8, Dash: [4, 2]), byTotal: true, label: "time"));

        var axis = new BinaryTokenAxis();
        var bars = new Axes(new LinearScale(-0.2, axis.Limit(4096) + 0.2), new LinearScale(-0.5, 2))
        {
            Title = "Bars, a band and percentile marks",
            XLabel = "Tokens (binary scale)",
            XTicks = axis.Ticks(4096),
            XTickRotation = 55,
        };
        bars.Elements.Add(new BarSeries([1, 3, 5], [0.5, 1.2, 0.8], 0.8, [Palette.Red, Palette.Orange, Palette.Blue]) { Label = "bars" });
        double[] xs = [0, 2, 4, 6, 8];
        bars.Elements.Add(new BandSeries(xs, [.. xs.Select(x => -0.1 - (0.02 * x))], [.. xs.Select(x => 0.1 + (0.02 * x))], "#579BF4", 0.8) { Label = "band" });
        bars.Elements.Add(new PercentileMarks([new(axis.Transform(100), "p25", 0.9, 2.2), new(axis.Transform(110), "p50", 1, 3), new(axis.Transform(4000), "p99")], 0, 0.38, 0.43, "#1C38A0", new TextStyle(12, Palette.Text, Bold: true)));
        var figure = new Figure(9, 4) { Title = "Every element", Description = "Tracelens figure gallery (test)", Dpi = 100 };
        FigureLayout.Grid(new Rect(0, figure.TitleBand, figure.Width, figure.Height - figure.TitleBand).Inset(8, 4, 12, 8), [cdf, bars], columns: 2, horizontalGap: 20);
        figure.Axes.AddRange([cdf, bars]);
        return figure;
    }
}
