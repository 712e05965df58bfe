using System.Text;

namespace Tracelens.Experiments.Output;

/// <summary>
/// An experiment's output directory. Every file goes through here so its data-row count reaches
/// the manifest; text is written as UTF-8 without BOM, byte for byte as given.
/// </summary>
public sealed class OutputFolder
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly List<ExperimentOutput> _files = [];

    public OutputFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    /// <summary>The files written so far, in write order.</summary>
    public IReadOnlyList<ExperimentOutput> Files => _files;

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
