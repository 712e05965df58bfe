using System.Globalization;
using System.Text;

namespace Tracelens.Cli.Rendering;

/// <summary>One column of a <see cref="TextTable"/>: its header, alignment and whether long cells may wrap.</summary>
public sealed class TextColumn(string header)
{
    public string Header => header;

    public bool RightAligned { get; private set; }

    public bool Wraps { get; private set; } = true;

    public TextColumn AlignRight()
    {
        RightAligned = true;
        return this;
    }

    public TextColumn NoWrap()
    {
        Wraps = false;
        return this;
    }
}

/// <summary>
/// The report tables: a plain-text grid with a blank line above, a rule under the header and a
/// blank line below (the layout of Spectre.Console's "simple" border, which the reports used
/// first). Cells are plain text (nothing is markup), may hold several lines, and a column that
/// wraps is narrowed, widest first, when the table is wider than the output.
/// </summary>
/// <remarks>
/// Written here rather than drawn by Spectre.Console: the first Spectre table of a process cost
/// 15–30 ms of generic code that ReadyToRun cannot precompile, a quarter of a report's budget
/// (measured on <c>summary</c> and <c>hotspots --since 24h</c>, issue #4).
/// </remarks>
public sealed class TextTable
{
    private readonly List<TextColumn> _columns = [];
    private readonly List<string[]> _rows = [];

    public IReadOnlyList<TextColumn> Columns => _columns;

    public TextTable AddColumn(TextColumn column)
    {
        _columns.Add(column);
        return this;
    }

    public TextTable AddColumn(string header) => AddColumn(new TextColumn(header));

    /// <summary>Adds a row; missing cells are empty and a null cell is empty.</summary>
    public TextTable AddRow(params string?[] cells)
    {
        if (cells.Length > _columns.Count)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {_columns.Count} columns", nameof(cells));
        }

        var row = new string[_columns.Count];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = i < cells.Length ? cells[i] ?? string.Empty : string.Empty;
        }

        _rows.Add(row);
        return this;
    }

    /// <summary>Writes the table to <paramref name="io"/>'s output, as wide as its terminal (160 columns when redirected).</summary>
    public void Write(CliIo io) => Write(io.Out, io.OutWidth);

    public void Write(TextWriter output, int maxWidth)
    {
        var widths = ColumnWidths(maxWidth);
        var total = TotalWidth(widths);
        var sb = new StringBuilder();
        sb.Append(' ', total).Append('\n');
        AppendRow(sb, [.. _columns.Select(c => c.Header)], widths);
        sb.Append('─', total).Append('\n');
        foreach (var row in _rows)
        {
            AppendRow(sb, row, widths);
        }

        sb.Append(' ', total).Append('\n');
        output.Write(sb.ToString());
    }

    /// <summary>A border column on each side, one space of padding on each side of a cell, one between cells.</summary>
    private static int TotalWidth(int[] widths) => widths.Sum() + (3 * widths.Length) + 1;

    private int[] ColumnWidths(int maxWidth)
    {
        var widths = new int[_columns.Count];
        var floors = new int[_columns.Count];
        for (var c = 0; c < widths.Length; c++)
        {
            widths[c] = LinesOf(_columns[c].Header).Max(CellWidth);
            floors[c] = _columns[c].Wraps ? LinesOf(_columns[c].Header).SelectMany(Words).Select(CellWidth).DefaultIfEmpty(1).Max() : widths[c];
            foreach (var row in _rows)
            {
                foreach (var line in LinesOf(row[c]))
                {
                    widths[c] = Math.Max(widths[c], CellWidth(line));
                    if (_columns[c].Wraps)
                    {
                        // A wrapping column keeps room for its longest word, up to a third of the output.
                        floors[c] = Math.Max(floors[c], Math.Min(Words(line).Select(CellWidth).DefaultIfEmpty(1).Max(), Math.Max(maxWidth / 3, 1)));
                    }
                }
            }
        }

        // Too wide: narrow the widest column that may still wrap, one character at a time.
        while (TotalWidth(widths) > maxWidth)
        {
            var widest = -1;
            for (var c = 0; c < widths.Length; c++)
            {
                if (_columns[c].Wraps && widths[c] > floors[c] && (widest < 0 || widths[c] > widths[widest]))
                {
                    widest = c;
                }
            }

            if (widest < 0)
            {
                break; // nothing left to narrow: the lines run long
            }

            widths[widest]--;
        }

        return widths;
    }

    private void AppendRow(StringBuilder sb, string[] cells, int[] widths)
    {
        var lines = new List<string>[cells.Length];
        var height = 1;
        for (var c = 0; c < cells.Length; c++)
        {
            lines[c] = [.. LinesOf(cells[c]).SelectMany(line => Wrap(line, widths[c]))];
            height = Math.Max(height, lines[c].Count);
        }

        for (var l = 0; l < height; l++)
        {
            sb.Append(' ');
            for (var c = 0; c < cells.Length; c++)
            {
                var text = l < lines[c].Count ? lines[c][l] : string.Empty;
                var pad = Math.Max(0, widths[c] - CellWidth(text));
                sb.Append(' ');
                if (_columns[c].RightAligned)
                {
                    sb.Append(' ', pad).Append(text);
                }
                else
                {
                    sb.Append(text).Append(' ', pad);
                }

                sb.Append(' ');
                if (c < cells.Length - 1)
                {
                    sb.Append(' ');
                }
            }

            sb.Append(" \n");
        }
    }

    private static string[] LinesOf(string cell) => cell.Split('\n');

    private static IEnumerable<string> Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Breaks <paramref name="line"/> at spaces into pieces of at most <paramref name="width"/> columns; a longer word is cut.</summary>
    public static IEnumerable<string> Wrap(string line, int width)
    {
        if (CellWidth(line) <= width || width < 1)
        {
            yield return line;
            yield break;
        }

        var current = new StringBuilder();
        var currentWidth = 0;
        foreach (var word in Words(line))
        {
            var rest = word;
            while (rest.Length > 0)
            {
                var wordWidth = CellWidth(rest);
                var needed = currentWidth == 0 ? wordWidth : currentWidth + 1 + wordWidth;
                if (needed <= width)
                {
                    if (currentWidth > 0)
                    {
                        current.Append(' ');
                    }

                    current.Append(rest);
                    currentWidth = needed;
                    rest = string.Empty;
                }
                else if (currentWidth > 0)
                {
                    yield return current.ToString();
                    current.Clear();
                    currentWidth = 0;
                }
                else
                {
                    var cut = Prefix(rest, width);
                    yield return rest[..cut];
                    rest = rest[cut..];
                }
            }
        }

        if (currentWidth > 0)
        {
            yield return current.ToString();
        }
    }

    /// <summary>How many UTF-16 units of <paramref name="text"/> fill at most <paramref name="width"/> columns (at least one character).</summary>
    private static int Prefix(string text, int width)
    {
        var used = 0;
        var e = StringInfo.GetTextElementEnumerator(text);
        var end = 0;
        while (e.MoveNext())
        {
            var w = CellWidth((string)e.Current);
            if (used + w > width && end > 0)
            {
                break;
            }

            used += w;
            end = e.ElementIndex + ((string)e.Current).Length;
        }

        return end;
    }

    /// <summary>
    /// Terminal columns <paramref name="text"/> takes: two for East Asian wide and full-width
    /// characters and most emoji, none for combining marks and zero-width characters, one otherwise.
    /// </summary>
    public static int CellWidth(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += RuneWidth(rune.Value);
        }

        return width;
    }

    private static int RuneWidth(int c) => c switch
    {
        < 0x20 or (>= 0x7F and < 0xA0) => 0,
        < 0x300 => 1,
        <= 0x36F or (>= 0x200B and <= 0x200F) or 0xFEFF or (>= 0xFE00 and <= 0xFE0F) => 0,
        (>= 0x1100 and <= 0x115F) or (>= 0x2E80 and <= 0x303E) or (>= 0x3041 and <= 0x33FF) or (>= 0x3400 and <= 0x4DBF)
            or (>= 0x4E00 and <= 0x9FFF) or (>= 0xA000 and <= 0xA4CF) or (>= 0xAC00 and <= 0xD7A3) or (>= 0xF900 and <= 0xFAFF)
            or (>= 0xFE30 and <= 0xFE4F) or (>= 0xFF00 and <= 0xFF60) or (>= 0xFFE0 and <= 0xFFE6)
            or (>= 0x1F300 and <= 0x1F64F) or (>= 0x1F680 and <= 0x1F6FF) or (>= 0x1F900 and <= 0x1F9FF) or (>= 0x20000 and <= 0x3FFFD) => 2,
        _ => 1,
    };
}
