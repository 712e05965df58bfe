namespace Tracelens.Figures;

/// <summary>A rectangle in points, y growing downwards (SVG's convention).</summary>
public readonly record struct Rect(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;

    public double Bottom => Y + Height;

    /// <summary>This rectangle with each side moved inwards by the given amounts.</summary>
    public Rect Inset(double left, double top, double right, double bottom) =>
        new(X + left, Y + top, Math.Max(1, Width - left - right), Math.Max(1, Height - top - bottom));
}

/// <summary>How a line is drawn: colour, width in points, opacity, dash pattern (on, off, … in points), cap.</summary>
public sealed record Stroke(string Color, double Width, double Opacity = 1, IReadOnlyList<double>? Dash = null, string? Cap = null);

public enum TextAnchor
{
    Start,
    Middle,
    End,
}

/// <summary>Font size in points, weight, colour, horizontal anchor and opacity of a text.</summary>
public sealed record TextStyle(double Size, string Color, bool Bold = false, TextAnchor Anchor = TextAnchor.Start, double Opacity = 1)
{
    public TextStyle WithAnchor(TextAnchor anchor) => this with { Anchor = anchor };
}

/// <summary>One tick of an axis: its position in the axis's data space and its label.</summary>
public sealed record Tick(double Position, string Label);
