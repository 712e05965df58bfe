using System.Text;
using Tracelens.Figures;

namespace Tracelens.Experiments.Output;

/// <summary>
/// An experiment's output directory. Every file goes through here so its data-row count reaches
/// the manifest; text is written as UTF-8 without BOM, byte for byte as given.
/// </summary>
public sealed class OutputFolder
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly List<ExperimentOutput> _files = [];
    private readonly List<FigureFile> _figures = [];

    public OutputFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    /// <summary>The files written so far, in write order.</summary>
    public IReadOnlyList<ExperimentOutput> Files => _files;

    /// <summary>The figures written so far, in write order (the runner renders their PNGs).</summary>
    public IReadOnlyList<FigureFile> Figures => _figures;

    /// <summary>
    /// Writes <paramref name="figure"/> as <c>&lt;stem&gt;.svg</c> and records it; <paramref name="series"/>
    /// (the groups, spindles or panels drawn) is its row count in the manifest.
    /// </summary>
    public ExperimentOutput WriteFigure(string stem, Figure figure, long series)
    {
        ArgumentException.ThrowIfNullOrEmpty(stem);
        ArgumentNullException.ThrowIfNull(figure);
        var svg = figure.ToSvg();
        var output = WriteText(stem + ".svg", svg, series);
        _figures.Add(new FigureFile(stem, figure, svg, series));
        return output;
    }

    /// <summary>Writes a CSV (header + rows, Python csv module format) and records its row count.</summary>
    public ExperimentOutput WriteCsv(string fileName, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder();
        PythonCsv.AppendRow(sb, header);
        long count = 0;
        foreach (var row in rows)
        {
            if (row.Count != header.Count)
            {
                throw new ArgumentException($"{fileName}: a row has {row.Count} fields, the header {header.Count}", nameof(rows));
            }

            PythonCsv.AppendRow(sb, row);
            count++;
        }

        return WriteText(fileName, sb.ToString(), count);
    }

    /// <summary>Writes a text file as given and records <paramref name="rows"/> as its data-row count.</summary>
    public ExperimentOutput WriteText(string fileName, string text, long rows)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(text);
        File.WriteAllText(Path.Combine(Directory, fileName), text, Utf8NoBom);
        var output = new ExperimentOutput(fileName, rows);
        _files.Add(output);
        return output;
    }
}

/// <summary>A figure an experiment wrote: its file stem (<c>&lt;stem&gt;.svg</c>, <c>&lt;stem&gt;.png</c>), the figure, its SVG text and its series count.</summary>
public sealed record FigureFile(string Stem, Figure Figure, string Svg, long Series);
