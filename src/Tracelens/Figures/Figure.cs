namespace Tracelens.Figures;

/// <summary>
/// A figure: a page of a given size in points holding one or more <see cref="Axes"/> and an
/// optional overall title. <see cref="ToSvg"/> gives its deterministic SVG; <see cref="Dpi"/>
/// is the resolution its PNG is rendered at (TraceLab's per-figure <c>savefig</c> dpi).
/// </summary>
public sealed class Figure(double widthInches, double heightInches)
{
    public const double PointsPerInch = 72;

    public double Width { get; } = widthInches * PointsPerInch;

    public double Height { get; } = heightInches * PointsPerInch;

    public double Dpi { get; init; } = 180;

    /// <summary>Page fill; null keeps the page transparent (the PNG then has an alpha channel that shows through).</summary>
    public string? Background { get; init; } = "white";

    public string? Title { get; init; }

    public TextStyle TitleStyle { get; init; } = new(14, Palette.Text, Bold: true, Anchor: TextAnchor.Middle);

    /// <summary>A description written as an SVG comment (what the figure shows, from which file); never a time or a path.</summary>
    public string? Description { get; init; }

    public List<Axes> Axes { get; } = [];

    /// <summary>Height of the band the title takes at the top of the page (0 without a title).</summary>
    public double TitleBand => Title is null ? 0 : (TitleStyle.Size * 1.2) + 12;

    public int PixelWidth => (int)Math.Round(Width / PointsPerInch * Dpi);

    public int PixelHeight => (int)Math.Round(Height / PointsPerInch * Dpi);

    public string ToSvg()
    {
        var svg = new SvgWriter(Width, Height);
        if (Description is not null)
        {
            svg.Comment(Description);
        }

        if (Background is { } background)
        {
            svg.Rect(new Rect(0, 0, Width, Height), background);
        }

        if (Title is not null)
        {
            svg.Text(Width / 2, 8 + (TitleStyle.Size * TextMetrics.CapHeight), Title, TitleStyle);
        }

        for (var i = 0; i < Axes.Count; i++)
        {
            svg.BeginGroup(label: "axes");
            Axes[i].Draw(svg, $"frame{i}");
            svg.EndGroup();
        }

        return svg.Finish();
    }
}

/// <summary>
/// Places axes on a page: a grid of equal panels whose frames line up (each column as wide as its
/// widest needs on the left and right, each row as its tallest above and below), like
/// matplotlib's constrained layout for shared axes.
/// </summary>
public static class FigureLayout
{
    /// <summary>Lays out <paramref name="panels"/> (row-major, <paramref name="columns"/> per row) inside <paramref name="area"/>.</summary>
    public static void Grid(Rect area, IReadOnlyList<Axes> panels, int columns, double horizontalGap = 10, double verticalGap = 10)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var rows = (panels.Count + columns - 1) / columns;
        var roughWidth = area.Width / columns;
        var margins = panels.Select(p => p.Margins(roughWidth)).ToArray();
        var left = new double[columns];
        var right = new double[columns];
        var top = new double[rows];
        var bottom = new double[rows];
        for (var i = 0; i < panels.Count; i++)
        {
            int row = i / columns, column = i % columns;
            left[column] = Math.Max(left[column], margins[i].Left);
            right[column] = Math.Max(right[column], margins[i].Right);
            top[row] = Math.Max(top[row], margins[i].Top);
            bottom[row] = Math.Max(bottom[row], margins[i].Bottom);
        }

        var panelWidth = (area.Width - left.Sum() - right.Sum() - (horizontalGap * (columns - 1))) / columns;
        var panelHeight = (area.Height - top.Sum() - bottom.Sum() - (verticalGap * (rows - 1))) / rows;
        for (var i = 0; i < panels.Count; i++)
        {
            int row = i / columns, column = i % columns;
            var x = area.X + left.Take(column + 1).Sum() + right.Take(column).Sum() + (horizontalGap * column) + (panelWidth * column);
            var y = area.Y + top.Take(row + 1).Sum() + bottom.Take(row).Sum() + (verticalGap * row) + (panelHeight * row);
            panels[i].Frame = new Rect(x, y, Math.Max(1, panelWidth), Math.Max(1, panelHeight));
        }
    }

    /// <summary>One axes filling <paramref name="area"/> minus the margins its labels need.</summary>
    public static void Single(Rect area, Axes axes) => Grid(area, [axes], 1);
}
