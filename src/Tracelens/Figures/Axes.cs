namespace Tracelens.Figures;

/// <summary>How an axes looks. The defaults are TraceLab's matplotlib style (<c>artifacts/utils/style.py</c>).</summary>
public sealed record AxesStyle
{
    public TextStyle TickLabels { get; init; } = new(10, Palette.MutedText);

    /// <summary>The y tick labels' style when it differs from <see cref="TickLabels"/>.</summary>
    public TextStyle? YTickLabels { get; init; }

    public TextStyle AxisLabels { get; init; } = new(10, Palette.Text);

    public TextStyle Title { get; init; } = new(11, Palette.Text, Bold: true);

    public TextStyle Legend { get; init; } = new(8.5, Palette.Text);

    /// <summary>The frame lines; null draws none.</summary>
    public Stroke? Spines { get; init; } = new(Palette.Axis, 0.8);

    /// <summary>Tick marks outside the frame; length 0 draws none.</summary>
    public double TickLength { get; init; } = 3.5;

    public double TickPad { get; init; } = 3.5;

    public Stroke TickStroke { get; init; } = new(Palette.MutedText, 0.8);

    public Stroke? XGrid { get; init; }

    public Stroke? YGrid { get; init; }

    /// <summary>Fill behind the frame; null leaves it transparent.</summary>
    public string? Background { get; init; } = "white";
}

/// <summary>
/// One plot: a frame, an x and a y scale, ticks, labels, a title, a legend and the elements drawn
/// in its data space. Its frame is set by a layout (<see cref="FigureLayout"/>) from the margins
/// its labels need (<see cref="Margins"/>).
/// </summary>
public sealed class Axes(Scale x, Scale y)
{
    private const double LabelPad = 4;
    private const double TitlePad = 6;
    private const double LineHeight = 1.2;

    public Scale X { get; } = x ?? throw new ArgumentNullException(nameof(x));

    public Scale Y { get; } = y ?? throw new ArgumentNullException(nameof(y));

    public AxesStyle Style { get; init; } = new();

    public string? Title { get; init; }

    public string? XLabel { get; init; }

    public string? YLabel { get; init; }

    public IReadOnlyList<Tick> XTicks { get; init; } = [];

    public IReadOnlyList<Tick> YTicks { get; init; } = [];

    /// <summary>False keeps the tick marks but hides their labels (inner panels of a shared grid).</summary>
    public bool ShowXTickLabels { get; init; } = true;

    public bool ShowYTickLabels { get; init; } = true;

    /// <summary>Counter-clockwise rotation of x tick labels in degrees (0 or between 1 and 90); rotated labels end at their tick.</summary>
    public double XTickRotation { get; init; }

    public bool ShowLegend { get; init; }

    public List<PlotElement> Elements { get; } = [];

    /// <summary>Set by the layout before drawing.</summary>
    public Rect Frame { get; set; }

    /// <summary>Space the decorations need outside the frame (left, top, right, bottom) for a frame about <paramref name="frameWidth"/> wide.</summary>
    public (double Left, double Top, double Right, double Bottom) Margins(double frameWidth)
    {
        var s = Style;
        var tickSpace = s.TickLength + s.TickPad;
        double left = 0, top = 0, right = 0, bottom = 0;
        if (YTicks.Count > 0)
        {
            left = s.TickLength;
            if (ShowYTickLabels)
            {
                left = tickSpace + YTicks.Max(t => TextMetrics.Width(t.Label, s.YTickLabels ?? s.TickLabels));
            }
        }

        if (YLabel is not null)
        {
            left += LabelPad + (s.AxisLabels.Size * TextMetrics.CapHeight) + 2;
        }

        if (XTicks.Count > 0)
        {
            bottom = s.TickLength;
            if (ShowXTickLabels)
            {
                bottom = tickSpace + XTickLabelDepth();
                // A horizontal label centred on a tick at the frame's end hangs over it by up to half its width.
                foreach (var tick in XTicks.Where(_ => XTickRotation == 0))
                {
                    var position = X.Fraction(tick.Position) * frameWidth;
                    var half = TextMetrics.Width(tick.Label, s.TickLabels) / 2;
                    left = Math.Max(left, half - position);
                    right = Math.Max(right, position + half - frameWidth);
                }
            }
        }

        if (XLabel is not null)
        {
            bottom += LabelPad + (s.AxisLabels.Size * LineHeight);
        }

        if (Title is not null)
        {
            top = TitlePad + (s.Title.Size * LineHeight);
        }

        return (left, top, right, bottom);
    }

    internal void Draw(SvgWriter svg, string clipId)
    {
        var s = Style;
        var at = new AxesGeometry(Frame, X, Y);
        if (s.Background is { } background)
        {
            svg.Rect(Frame, background);
        }

        if (s.XGrid is { } xGrid)
        {
            foreach (var tick in XTicks.Where(t => InRange(X, t.Position)))
            {
                svg.Line(at.X(tick.Position), Frame.Y, at.X(tick.Position), Frame.Bottom, xGrid);
            }
        }

        if (s.YGrid is { } yGrid)
        {
            foreach (var tick in YTicks.Where(t => InRange(Y, t.Position)))
            {
                svg.Line(Frame.X, at.Y(tick.Position), Frame.Right, at.Y(tick.Position), yGrid);
            }
        }

        svg.DefineClip(clipId, Frame);
        svg.BeginGroup(clipId);
        foreach (var element in Elements.Where(e => e.ClipToFrame))
        {
            element.Draw(svg, at);
        }

        svg.EndGroup();
        foreach (var element in Elements.Where(e => !e.ClipToFrame))
        {
            element.Draw(svg, at);
        }

        if (s.Spines is { } spines)
        {
            svg.Rect(Frame, "none", spines);
        }

        DrawTicks(svg, at);
        DrawLabels(svg);
        if (ShowLegend)
        {
            DrawLegend(svg, at);
        }
    }

    private static bool InRange(Scale scale, double value) => value >= scale.Min - 1e-9 && value <= scale.Max + 1e-9;

    private double XTickLabelDepth()
    {
        var size = Style.TickLabels.Size;
        if (XTickRotation == 0)
        {
            return size * (TextMetrics.CapHeight + TextMetrics.Descent);
        }

        var angle = XTickRotation * Math.PI / 180;
        var longest = XTicks.Max(t => TextMetrics.Width(t.Label, Style.TickLabels));
        return (longest * Math.Sin(angle)) + (size * TextMetrics.CapHeight * Math.Cos(angle));
    }

    private void DrawTicks(SvgWriter svg, AxesGeometry at)
    {
        var s = Style;
        foreach (var tick in XTicks.Where(t => InRange(X, t.Position)))
        {
            var x = at.X(tick.Position);
            if (s.TickLength > 0)
            {
                svg.Line(x, Frame.Bottom, x, Frame.Bottom + s.TickLength, s.TickStroke);
            }

            if (!ShowXTickLabels)
            {
                continue;
            }

            var y = Frame.Bottom + s.TickLength + s.TickPad;
            if (XTickRotation == 0)
            {
                svg.Text(x, y + (s.TickLabels.Size * TextMetrics.CapHeight), tick.Label, s.TickLabels.WithAnchor(TextAnchor.Middle));
            }
            else
            {
                // The label's middle line points at the tick and the label ends there (matplotlib's ha="right").
                var angle = XTickRotation * Math.PI / 180;
                var half = s.TickLabels.Size * TextMetrics.CapHeight / 2;
                svg.Text(x + (half * Math.Sin(angle)), y + (half * Math.Cos(angle)), tick.Label, s.TickLabels.WithAnchor(TextAnchor.End), -XTickRotation);
            }
        }

        foreach (var tick in YTicks.Where(t => InRange(Y, t.Position)))
        {
            var y = at.Y(tick.Position);
            if (s.TickLength > 0)
            {
                svg.Line(Frame.X - s.TickLength, y, Frame.X, y, s.TickStroke);
            }

            if (ShowYTickLabels)
            {
                var style = s.YTickLabels ?? s.TickLabels;
                var baseline = y + (style.Size * TextMetrics.CapHeight / 2);
                svg.Text(Frame.X - s.TickLength - s.TickPad, baseline, tick.Label, style.WithAnchor(TextAnchor.End));
            }
        }
    }

    private void DrawLabels(SvgWriter svg)
    {
        var s = Style;
        var (left, _, _, bottom) = Margins(Frame.Width);
        if (Title is not null)
        {
            svg.Text(Frame.X + (Frame.Width / 2), Frame.Y - TitlePad - (s.Title.Size * TextMetrics.Descent), Title, s.Title.WithAnchor(TextAnchor.Middle));
        }

        if (XLabel is not null)
        {
            var baseline = Frame.Bottom + bottom - (s.AxisLabels.Size * (LineHeight - TextMetrics.CapHeight));
            svg.Text(Frame.X + (Frame.Width / 2), baseline, XLabel, s.AxisLabels.WithAnchor(TextAnchor.Middle));
        }

        if (YLabel is not null)
        {
            // Rotated a quarter turn: the baseline is vertical and the letters stand to its left.
            var baseline = Frame.X - left + (s.AxisLabels.Size * TextMetrics.CapHeight) + 2;
            svg.Text(baseline, Frame.Y + (Frame.Height / 2), YLabel, s.AxisLabels.WithAnchor(TextAnchor.Middle), -90);
        }
    }

    private void DrawLegend(SvgWriter svg, AxesGeometry at)
    {
        var entries = Elements.Where(e => e.Label is not null).ToList();
        if (entries.Count == 0)
        {
            return;
        }

        // matplotlib's geometry in font-size units: 2 em keys, 0.8 em between key and text, rows 1.5 em, 0.9 em from the frame.
        var style = Style.Legend;
        var em = style.Size;
        var rowHeight = em * 1.5;
        var keyWidth = 2 * em;
        var width = keyWidth + (0.8 * em) + entries.Max(e => TextMetrics.Width(e.Label!, style));
        var height = rowHeight * entries.Count;
        var box = BestLegendBox(at, width, height, 0.9 * em);
        var y = box.Y;
        foreach (var entry in entries)
        {
            var keyHeight = em * 0.7;
            entry.DrawLegendKey(svg, new Rect(box.X, y + ((rowHeight - keyHeight) / 2), keyWidth, keyHeight));
            var baseline = y + (rowHeight / 2) + (em * TextMetrics.CapHeight / 2);
            svg.Text(box.X + keyWidth + (0.8 * em), baseline, entry.Label!, style);
            y += rowHeight;
        }
    }

    /// <summary>
    /// matplotlib's <c>loc="best"</c>: of the candidate places (upper right first, in matplotlib's
    /// order), the one crossed by the fewest drawn line segments.
    /// </summary>
    private Rect BestLegendBox(AxesGeometry at, double width, double height, double inset)
    {
        double left = Frame.X + inset, right = Frame.Right - inset - width, centerX = Frame.X + ((Frame.Width - width) / 2);
        double top = Frame.Y + inset, bottom = Frame.Bottom - inset - height, centerY = Frame.Y + ((Frame.Height - height) / 2);
        (double X, double Y)[] corners =
        [
            (right, top), (left, top), (left, bottom), (right, bottom), (right, centerY), (left, centerY),
            (centerX, bottom), (centerX, top), (centerX, centerY),
        ];
        var outlines = Elements.SelectMany(e => e.Outlines(at)).ToList();
        var best = corners[0];
        var fewest = int.MaxValue;
        foreach (var corner in corners)
        {
            var box = new Rect(corner.X, corner.Y, width, height);
            var crossings = outlines.Sum(outline => Enumerable.Range(1, Math.Max(0, outline.Count - 1)).Count(i => Crosses(box, outline[i - 1], outline[i])));
            if (crossings < fewest)
            {
                (best, fewest) = (corner, crossings);
            }
        }

        return new Rect(best.X, best.Y, width, height);
    }

    /// <summary>Whether the segment a–b touches the box (Liang–Barsky clipping).</summary>
    private static bool Crosses(Rect box, (double X, double Y) a, (double X, double Y) b)
    {
        double t0 = 0, t1 = 1, dx = b.X - a.X, dy = b.Y - a.Y;
        foreach (var (p, q) in new[] { (-dx, a.X - box.X), (dx, box.Right - a.X), (-dy, a.Y - box.Y), (dy, box.Bottom - a.Y) })
        {
            if (p == 0)
            {
                if (q < 0)
                {
                    return false;
                }

                continue;
            }

            var t = q / p;
            if (p < 0)
            {
                t0 = Math.Max(t0, t);
            }
            else
            {
                t1 = Math.Min(t1, t);
            }

            if (t0 > t1)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The colours TraceLab's figures use (<c>artifacts/utils/style.py</c>).</summary>
public static class Palette
{
    public const string Text = "#172033";
    public const string MutedText = "#526070";
    public const string Grid = "#e6eaf0";
    public const string Axis = "#c9d2df";
    public const string Blue = "#2563eb";
    public const string Green = "#059669";
    public const string Orange = "#d97706";
    public const string Red = "#dc2626";

    /// <summary>The series colours, cycled in plotting order.</summary>
    public static IReadOnlyList<string> Series { get; } = [Blue, Green, Orange, Red, "#0891b2", "#7c3aed", "#64748b", "#be123c"];
}
