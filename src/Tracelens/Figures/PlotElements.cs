using Tracelens.Analysis.Statistics;

namespace Tracelens.Figures;

/// <summary>Where an axes' data space lands on the page: its frame and a data → point mapping per axis.</summary>
public sealed class AxesGeometry(Rect frame, Scale x, Scale y)
{
    public Rect Frame { get; } = frame;

    public double X(double value) => Frame.X + (x.Fraction(value) * Frame.Width);

    public double Y(double value) => Frame.Bottom - (y.Fraction(value) * Frame.Height);
}

/// <summary>Something drawn in an axes' data space. A non-null <see cref="Label"/> puts it in the legend.</summary>
public abstract class PlotElement
{
    public string? Label { get; init; }

    /// <summary>Whether the element is clipped to the axes frame (labels that may overhang are not).</summary>
    public virtual bool ClipToFrame => true;

    internal abstract void Draw(SvgWriter svg, AxesGeometry at);

    /// <summary>Draws this element's legend key into <paramref name="box"/>.</summary>
    internal abstract void DrawLegendKey(SvgWriter svg, Rect box);

    /// <summary>The lines this element draws, in page coordinates, so a legend can be placed where it hides the least.</summary>
    internal virtual IEnumerable<IReadOnlyList<(double X, double Y)>> Outlines(AxesGeometry at) => [];
}

/// <summary>A histogram drawn as its outline (matplotlib's <c>histtype="step"</c>): up the first edge, across each bin, down the last.</summary>
public sealed class StepHistogram : PlotElement
{
    public StepHistogram(IReadOnlyList<double> edges, IReadOnlyList<double> heights, Stroke stroke)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(heights);
        if (edges.Count != heights.Count + 1)
        {
            throw new ArgumentException("a histogram has one more edge than bins", nameof(edges));
        }

        Edges = edges;
        Heights = heights;
        Stroke = stroke;
    }

    public IReadOnlyList<double> Edges { get; }

    public IReadOnlyList<double> Heights { get; }

    public Stroke Stroke { get; }

    internal override void Draw(SvgWriter svg, AxesGeometry at) => svg.Polyline(Outline(at), Stroke);

    internal override IEnumerable<IReadOnlyList<(double X, double Y)>> Outlines(AxesGeometry at) => [Outline(at)];

    private List<(double X, double Y)> Outline(AxesGeometry at)
    {
        var points = new List<(double, double)> { (at.X(Edges[0]), at.Y(0)) };
        for (var i = 0; i < Heights.Count; i++)
        {
            points.Add((at.X(Edges[i]), at.Y(Heights[i])));
            points.Add((at.X(Edges[i + 1]), at.Y(Heights[i])));
        }

        points.Add((at.X(Edges[^1]), at.Y(0)));
        return Collinear.Drop(points);
    }

    internal override void DrawLegendKey(SvgWriter svg, Rect box) => svg.Rect(box, "none", Stroke with { Width = Math.Min(Stroke.Width, 1.5) });
}

/// <summary>Vertical bars centred on x positions, each with its own colour (or one for all).</summary>
public sealed class BarSeries : PlotElement
{
    public BarSeries(IReadOnlyList<double> centers, IReadOnlyList<double> heights, double width, IReadOnlyList<string> colors)
    {
        ArgumentNullException.ThrowIfNull(centers);
        ArgumentNullException.ThrowIfNull(heights);
        ArgumentNullException.ThrowIfNull(colors);
        if (centers.Count != heights.Count || colors.Count is 0 || (colors.Count != 1 && colors.Count != centers.Count))
        {
            throw new ArgumentException("one height per bar, and one colour per bar or one for all");
        }

        Centers = centers;
        Heights = heights;
        Width = width;
        Colors = colors;
    }

    public IReadOnlyList<double> Centers { get; }

    public IReadOnlyList<double> Heights { get; }

    /// <summary>Bar width in data units.</summary>
    public double Width { get; }

    public IReadOnlyList<string> Colors { get; }

    internal override void Draw(SvgWriter svg, AxesGeometry at)
    {
        for (var i = 0; i < Centers.Count; i++)
        {
            if (Heights[i] <= 0)
            {
                continue;
            }

            double left = at.X(Centers[i] - (Width / 2)), right = at.X(Centers[i] + (Width / 2));
            double top = at.Y(Heights[i]), bottom = at.Y(0);
            svg.Rect(new Rect(left, top, right - left, bottom - top), Colors[Colors.Count == 1 ? 0 : i]);
        }
    }

    internal override void DrawLegendKey(SvgWriter svg, Rect box) => svg.Rect(box, Colors[0]);

    internal override IEnumerable<IReadOnlyList<(double X, double Y)>> Outlines(AxesGeometry at) =>
        Centers.Select((center, i) =>
        {
            double left = at.X(center - (Width / 2)), right = at.X(center + (Width / 2)), top = at.Y(Heights[i]), bottom = at.Y(0);
            return (IReadOnlyList<(double, double)>)[(left, bottom), (left, top), (right, top), (right, bottom)];
        });
}

/// <summary>A line through points in data space; <see cref="Cdf"/> builds the step line of an empirical CDF.</summary>
public sealed class LineSeries(IReadOnlyList<(double X, double Y)> points, Stroke stroke) : PlotElement
{
    public IReadOnlyList<(double X, double Y)> Points { get; } = points ?? throw new ArgumentNullException(nameof(points));

    public Stroke Stroke { get; } = stroke;

    /// <summary>
    /// The empirical CDF as a step line: flat until each distinct value, then up to its cumulative
    /// share (of observations, or of their total with <paramref name="byTotal"/>), starting at
    /// share 0 at the first value; <paramref name="label"/> names it in the legend.
    /// </summary>
    public static LineSeries Cdf(IReadOnlyList<CdfPoint> cdf, Stroke stroke, bool byTotal = false, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(cdf);
        var points = new List<(double, double)>();
        var previous = 0.0;
        foreach (var point in cdf)
        {
            var share = byTotal ? point.TotalFraction : point.CountFraction;
            points.Add((point.Value, previous));
            points.Add((point.Value, share));
            previous = share;
        }

        return new LineSeries(points, stroke) { Label = label };
    }

    internal override void Draw(SvgWriter svg, AxesGeometry at) => svg.Polyline(Outline(at), Stroke);

    internal override IEnumerable<IReadOnlyList<(double X, double Y)>> Outlines(AxesGeometry at) => [Outline(at)];

    private List<(double X, double Y)> Outline(AxesGeometry at) => Collinear.Drop(Points.Select(p => (at.X(p.X), at.Y(p.Y))).ToList());

    internal override void DrawLegendKey(SvgWriter svg, Rect box)
    {
        var middle = box.Y + (box.Height / 2);
        svg.Line(box.X, middle, box.Right, middle, Stroke);
    }
}

/// <summary>The area between two curves over the same x values (matplotlib's <c>fill_between</c>): violin and spindle bodies.</summary>
public sealed class BandSeries : PlotElement
{
    public BandSeries(IReadOnlyList<double> xs, IReadOnlyList<double> lower, IReadOnlyList<double> upper, string fill, double opacity = 1)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (xs.Count != lower.Count || xs.Count != upper.Count)
        {
            throw new ArgumentException("one lower and one upper value per x");
        }

        Xs = xs;
        Lower = lower;
        Upper = upper;
        Fill = fill;
        Opacity = opacity;
    }

    public IReadOnlyList<double> Xs { get; }

    public IReadOnlyList<double> Lower { get; }

    public IReadOnlyList<double> Upper { get; }

    public string Fill { get; }

    public double Opacity { get; }

    internal override void Draw(SvgWriter svg, AxesGeometry at)
    {
        var outline = new List<(double, double)>(Xs.Count * 2);
        for (var i = 0; i < Xs.Count; i++)
        {
            outline.Add((at.X(Xs[i]), at.Y(Upper[i])));
        }

        for (var i = Xs.Count - 1; i >= 0; i--)
        {
            outline.Add((at.X(Xs[i]), at.Y(Lower[i])));
        }

        svg.Polygon(Collinear.Drop(outline), Fill, Opacity);
    }

    internal override void DrawLegendKey(SvgWriter svg, Rect box) => svg.Rect(box, Fill, opacity: Opacity);
}

/// <summary>One percentile marker: the value it sits at (data units), its label, and how strongly its line is drawn.</summary>
public sealed record PercentileMark(double Value, string Label, double Opacity = 1, double LineWidth = 2);

/// <summary>
/// A row of percentile marks (p25, p50, p90, p99…): vertical lines rising from a baseline, each
/// with its label above. Labels that would overlap are pushed apart sideways (the lines stay at
/// their values), so close percentiles stay readable.
/// </summary>
public sealed class PercentileMarks(IReadOnlyList<PercentileMark> marks, double baseline, double height, double labelOffset, string color, TextStyle labelStyle)
    : PlotElement
{
    private const double LabelGap = 3;

    public IReadOnlyList<PercentileMark> Marks { get; } = marks ?? throw new ArgumentNullException(nameof(marks));

    public override bool ClipToFrame => false;

    internal override void Draw(SvgWriter svg, AxesGeometry at)
    {
        var positions = Marks.Select(m => at.X(m.Value)).ToArray();
        var widths = Marks.Select(m => TextMetrics.Width(m.Label, labelStyle)).ToArray();
        var centers = SpreadLabels(positions, widths, at.Frame);
        double bottom = at.Y(baseline), top = at.Y(baseline + height), labelBaseline = at.Y(baseline + labelOffset);
        for (var i = 0; i < Marks.Count; i++)
        {
            svg.Line(positions[i], bottom, positions[i], top, new Stroke(color, Marks[i].LineWidth, Marks[i].Opacity));
        }

        for (var i = 0; i < Marks.Count; i++)
        {
            svg.Text(centers[i], labelBaseline, Marks[i].Label, labelStyle with { Color = color, Anchor = TextAnchor.Middle });
        }
    }

    internal override void DrawLegendKey(SvgWriter svg, Rect box) =>
        svg.Line(box.X + (box.Width / 2), box.Bottom, box.X + (box.Width / 2), box.Y, new Stroke(color, 2));

    /// <summary>Label centres in left-to-right order of their marks, at least <see cref="LabelGap"/> apart, kept inside the frame when they fit.</summary>
    internal static double[] SpreadLabels(double[] positions, double[] widths, Rect frame)
    {
        var order = Enumerable.Range(0, positions.Length).OrderBy(i => positions[i]).ThenBy(i => i).ToArray();
        var centers = (double[])positions.Clone();
        // Left to right: each label starts no earlier than the previous one's end.
        for (var k = 1; k < order.Length; k++)
        {
            int previous = order[k - 1], current = order[k];
            var minimum = centers[previous] + (widths[previous] / 2) + LabelGap + (widths[current] / 2);
            centers[current] = Math.Max(centers[current], minimum);
        }

        // Then back from the right edge, if the row was pushed out of the frame.
        if (order.Length > 0)
        {
            var last = order[^1];
            centers[last] = Math.Min(centers[last], frame.Right - (widths[last] / 2));
            for (var k = order.Length - 2; k >= 0; k--)
            {
                int next = order[k + 1], current = order[k];
                var maximum = centers[next] - (widths[next] / 2) - LabelGap - (widths[current] / 2);
                centers[current] = Math.Min(centers[current], maximum);
            }
        }

        return centers;
    }
}

/// <summary>Drops the middle one of three points on one horizontal or vertical line: step outlines shrink a lot, the drawing not at all.</summary>
internal static class Collinear
{
    public static List<(double X, double Y)> Drop(List<(double X, double Y)> points)
    {
        var kept = new List<(double X, double Y)>(points.Count);
        foreach (var point in points)
        {
            if (kept.Count >= 2)
            {
                var (a, b) = (kept[^2], kept[^1]);
                var sameRow = Round(a.Y) == Round(b.Y) && Round(b.Y) == Round(point.Y);
                var sameColumn = Round(a.X) == Round(b.X) && Round(b.X) == Round(point.X);
                var between = sameRow ? IsBetween(a.X, b.X, point.X) : sameColumn && IsBetween(a.Y, b.Y, point.Y);
                if (between)
                {
                    kept[^1] = point;
                    continue;
                }
            }

            kept.Add(point);
        }

        return kept;
    }

    // Compared at the precision SVG coordinates are written with.
    private static double Round(double value) => Math.Round(value, 2);

    private static bool IsBetween(double a, double b, double c) => (a <= b && b <= c) || (a >= b && b >= c);
}
