using System.CommandLine;
using System.Globalization;
using System.Text;
using Tracelens.Cli.Rendering;
using Tracelens.Figures.Png;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens figure list|extract</c>: what a PNG figure carries inside (TraceLab's sidecar
/// entries: README, CSVs, manifest), and unpacking it into files the way TraceLab's
/// <c>png_sidecar.py extract</c> lays them out, refusing any entry whose name would leave the folder.
/// </summary>
public static class FigureCommand
{
    public static Command Build(CliIo io)
    {
        var listFile = new Argument<string>("file") { Description = "A PNG figure (from `experiments run`, or TraceLab's)" };
        var json = new Option<bool>("--json") { Description = "Print as JSON: {file, entries[{key, file, bytes, chars, chunk, refused}]}" };
        var list = new Command("list", "List the entries embedded in a PNG figure: key, size in bytes, the file it extracts to") { listFile, json };
        list.SetAction(parse => List(io, parse.GetValue(listFile)!, parse.GetValue(json)));

        var extractFile = new Argument<string>("file") { Description = "A PNG figure" };
        var output = new Option<string?>("--output", "-o") { Description = "Folder to write the entries into (default: extracted_<figure name>)" };
        var extract = new Command("extract", "Write each embedded entry as a file: README.md, manifest.json, data/<file>, code/<file>") { extractFile, output };
        extract.SetAction(parse => Extract(io, parse.GetValue(extractFile)!, parse.GetValue(output)));

        return new Command("figure", "Read the README, data and manifest embedded in a PNG figure") { list, extract };
    }

    private static int List(CliIo io, string file, bool json)
    {
        if (Read(io, file, json) is not { } entries)
        {
            return ExitCodes.Failure;
        }

        var rows = entries.Select(e => (Entry: e, File: PngSidecar.ExtractPath(e.Key, out var refusal), Refusal: refusal, Bytes: Encoding.UTF8.GetByteCount(e.Text))).ToList();
        if (json)
        {
            JsonOutput.Write(io.Out, j =>
            {
                j.WriteStartObject();
                j.WriteString("file", file);
                j.WriteStartArray("entries");
                foreach (var row in rows)
                {
                    j.WriteStartObject();
                    j.WriteString("key", row.Entry.Key);
                    j.WriteString("file", row.File);
                    j.WriteNumber("bytes", row.Bytes);
                    j.WriteNumber("chars", PngSidecar.CodePoints(row.Entry.Text));
                    j.WriteString("chunk", row.Entry.ChunkType);
                    j.WriteString("refused", row.Refusal is null ? null : "its name has " + row.Refusal);
                    j.WriteEndObject();
                }

                j.WriteEndArray();
                j.WriteEndObject();
            });
            return ExitCodes.Ok;
        }

        if (rows.Count == 0)
        {
            io.Out.WriteLine($"{file} has no embedded sidecar entries.");
            return ExitCodes.Ok;
        }

        var inv = CultureInfo.InvariantCulture;
        var sizeWidth = Math.Max(5, rows.Max(r => r.Bytes.ToString("N0", inv).Length));
        var keyWidth = rows.Max(r => r.Entry.Key.Length);
        io.Out.WriteLine(string.Create(inv, $"{file}: {rows.Count} embedded entries"));
        io.Out.WriteLine($"  {"bytes".PadLeft(sizeWidth)}  {"key".PadRight(keyWidth)}  extracts to");
        foreach (var row in rows)
        {
            var target = row.File ?? $"(refused: its name has {row.Refusal})";
            io.Out.WriteLine($"  {row.Bytes.ToString("N0", inv).PadLeft(sizeWidth)}  {row.Entry.Key.PadRight(keyWidth)}  {target}");
        }

        return ExitCodes.Ok;
    }

    private static int Extract(CliIo io, string file, string? output)
    {
        if (Read(io, file, json: false) is not { } entries)
        {
            return ExitCodes.Failure;
        }

        if (entries.Count == 0)
        {
            io.Err.WriteLine($"tracelens figure: {file} has no embedded sidecar entries; nothing to extract");
            return ExitCodes.Failure;
        }

        var directory = output ?? "extracted_" + Path.GetFileNameWithoutExtension(file);
        SidecarExtraction result;
        try
        {
            result = PngSidecar.Extract(entries, directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            io.Err.WriteLine($"tracelens figure: cannot write {directory}: {e.Message}");
            return ExitCodes.OutputError;
        }

        var inv = CultureInfo.InvariantCulture;
        foreach (var (_, path, bytes) in result.Written)
        {
            io.Out.WriteLine(string.Create(inv, $"wrote {Path.Combine(directory, path)} ({bytes:N0} bytes)"));
        }

        io.Out.WriteLine(string.Create(inv, $"Extracted {result.Written.Count} of {entries.Count} entries from {file} into {directory}."));
        foreach (var (key, reason) in result.Refused)
        {
            io.Err.WriteLine($"tracelens figure: refused entry '{key}': its name has {reason}; not written");
        }

        return result.Refused.Count > 0 ? ExitCodes.Failure : ExitCodes.Ok;
    }

    /// <summary>The figure's sidecar entries, or null after reporting why the file cannot be read.</summary>
    private static IReadOnlyList<EmbeddedText>? Read(CliIo io, string file, bool json)
    {
        string? error;
        try
        {
            return PngSidecar.Read(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            error = $"{file}: no such file";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{file}: {e.Message}";
        }
        catch (InvalidDataException e)
        {
            error = $"{file}: {e.Message}";
        }

        if (json)
        {
            JsonOutput.WriteError(io.Out, "invalid-figure", error);
        }
        else
        {
            io.Err.WriteLine($"tracelens figure: {error}");
        }

        return null;
    }
}
