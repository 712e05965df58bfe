using System.Globalization;
using System.Text;

namespace Tracelens.Figures;

/// <summary>
/// Writes SVG elements with deterministic text: coordinates rounded to 2 decimals in the
/// invariant culture (no exponent, no "-0"), attributes in a fixed order, no ids from counters
/// other than the caller's, no timestamps. Equal figures therefore give equal bytes on every
/// machine, which is what lets SVGs be golden files.
/// </summary>
internal sealed class SvgWriter
{
    /// <summary>Named first because every text width is measured from its metrics; the generic family is the fallback.</summary>
    public const string FontFamily = "DejaVu Sans, sans-serif";

    private readonly StringBuilder _svg = new();
    private int _depth;

    public SvgWriter(double width, double height)
    {
        // Units are points (1/72 in), as matplotlib's figure sizes and font sizes are.
        _svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        _svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").Append(Number(width)).Append("pt\" height=\"")
            .Append(Number(height)).Append("pt\" viewBox=\"0 0 ").Append(Number(width)).Append(' ').Append(Number(height))
            .Append("\" font-family=\"").Append(FontFamily).Append("\">\n");
        _depth = 1;
    }

    /// <summary>A coordinate or length: rounded half to even at 2 decimals, trailing zeros dropped.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "SVG coordinates must be finite");
        }

        var rounded = Math.Round(value, 2, MidpointRounding.ToEven);
        return rounded == 0 ? "0" : rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    public void Comment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // XML comments may not contain "--": break every run of dashes apart. Entities mean nothing there, so only control characters go.
        text = new string([.. text.Where(c => c >= ' ')]);
        while (text.Contains("--", StringComparison.Ordinal))
        {
            text = text.Replace("--", "- -", StringComparison.Ordinal);
        }

        Indent().Append("<!-- ").Append(text).Append(" -->\n");
    }

    public void DefineClip(string id, Rect rect)
    {
        Indent().Append("<defs><clipPath id=\"").Append(Escape(id)).Append("\"><rect x=\"").Append(Number(rect.X)).Append("\" y=\"")
            .Append(Number(rect.Y)).Append("\" width=\"").Append(Number(rect.Width)).Append("\" height=\"").Append(Number(rect.Height))
            .Append("\"/></clipPath></defs>\n");
    }

    public void BeginGroup(string? clipId = null, string? label = null)
    {
        Indent().Append("<g");
        if (label is not null)
        {
            Attr("class", label);
        }

        if (clipId is not null)
        {
            _svg.Append(" clip-path=\"url(#").Append(Escape(clipId)).Append(")\"");
        }

        _svg.Append(">\n");
        _depth++;
    }

    public void EndGroup()
    {
        _depth--;
        Indent().Append("</g>\n");
    }

    public void Rect(Rect rect, string fill, Stroke? stroke = null, double opacity = 1)
    {
        Indent().Append("<rect");
        Attr("x", rect.X).Attr("y", rect.Y).Attr("width", rect.Width).Attr("height", rect.Height);
        Paint(fill, stroke, opacity);
        _svg.Append("/>\n");
    }

    public void Line(double x1, double y1, double x2, double y2, Stroke stroke)
    {
        Indent().Append("<line");
        Attr("x1", x1).Attr("y1", y1).Attr("x2", x2).Attr("y2", y2);
        Paint("none", stroke, 1);
        _svg.Append("/>\n");
    }

    /// <summary>An open polyline through the points (consecutive duplicates dropped).</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, Stroke stroke)
    {
        Indent().Append("<polyline points=\"");
        AppendPoints(points);
        _svg.Append('"');
        Paint("none", stroke, 1);
        _svg.Append(" stroke-linejoin=\"miter\"/>\n");
    }

    /// <summary>A closed, filled polygon.</summary>
    public void Polygon(IReadOnlyList<(double X, double Y)> points, string fill, double opacity = 1)
    {
        Indent().Append("<polygon points=\"");
        AppendPoints(points);
        _svg.Append('"');
        Paint(fill, null, opacity);
        _svg.Append("/>\n");
    }

    public void Text(double x, double y, string text, TextStyle style, double rotateDegrees = 0)
    {
        Indent().Append("<text");
        if (rotateDegrees != 0)
        {
            _svg.Append(" transform=\"translate(").Append(Number(x)).Append(' ').Append(Number(y)).Append(") rotate(")
                .Append(Number(rotateDegrees)).Append(")\"");
        }
        else
        {
            Attr("x", x).Attr("y", y);
        }

        Attr("font-size", style.Size);
        if (style.Bold)
        {
            Attr("font-weight", "bold");
        }

        if (style.Anchor != TextAnchor.Start)
        {
            Attr("text-anchor", style.Anchor == TextAnchor.Middle ? "middle" : "end");
        }

        Attr("fill", style.Color);
        if (style.Opacity < 1)
        {
            Attr("fill-opacity", style.Opacity);
        }

        // Baselines are placed by the caller from the font's metrics (dominant-baseline is not honoured everywhere).
        _svg.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    public string Finish()
    {
        while (_depth > 1)
        {
            EndGroup();
        }

        _depth = 0;
        return _svg.Append("</svg>\n").ToString();
    }

    private void AppendPoints(IReadOnlyList<(double X, double Y)> points)
    {
        string? previous = null;
        var first = true;
        foreach (var (x, y) in points)
        {
            var point = Number(x) + "," + Number(y);
            if (point == previous)
            {
                continue;
            }

            if (!first)
            {
                _svg.Append(' ');
            }

            _svg.Append(point);
            previous = point;
            first = false;
        }
    }

    private void Paint(string fill, Stroke? stroke, double opacity)
    {
        Attr("fill", fill);
        if (opacity < 1)
        {
            Attr(fill == "none" ? "stroke-opacity" : "fill-opacity", opacity);
        }

        if (stroke is { } s)
        {
            Attr("stroke", s.Color).Attr("stroke-width", s.Width);
            if (s.Opacity < 1)
            {
                Attr("stroke-opacity", s.Opacity);
            }

            if (s.Dash is { Count: > 0 } dash)
            {
                Attr("stroke-dasharray", string.Join(' ', dash.Select(Number)));
            }

            if (s.Cap is { } cap)
            {
                Attr("stroke-linecap", cap);
            }
        }
    }

    private SvgWriter Attr(string name, double value) => Attr(name, Number(value));

    private SvgWriter Attr(string name, string value)
    {
        _svg.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
        return this;
    }

    private StringBuilder Indent() => _svg.Append(' ', _depth * 2);

    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                // XML 1.0 cannot carry most control characters at all: drop them rather than write an invalid file.
                case < ' ' when c is not '\t' and not '\n' and not '\r': break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }
}
