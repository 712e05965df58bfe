using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Tracelens.Json;

namespace Tracelens.Figures.Png;

/// <summary>One text to embed in a PNG under a <c>sidecar:</c> key.</summary>
public sealed record SidecarEntry(string Key, string Text);

/// <summary>One text chunk read back from a PNG: its key, its text, and the chunk type that carried it.</summary>
public sealed record EmbeddedText(string Key, string Text, string ChunkType);

/// <summary>What <see cref="PngSidecar.Extract"/> did: files written (relative paths) and entries refused, with the reason.</summary>
public sealed record SidecarExtraction(IReadOnlyList<(string Key, string RelativePath, long Bytes)> Written, IReadOnlyList<(string Key, string Reason)> Refused);

/// <summary>
/// TraceLab's self-contained figures (tracelab-spec §8, <c>artifacts/utils/png_sidecar.py</c>):
/// an experiment's README, CSVs and other files travel inside each PNG as compressed text chunks
/// under Latin-1 keywords <c>sidecar:readme</c>, <c>sidecar:code/&lt;file&gt;</c>,
/// <c>sidecar:data/&lt;file&gt;</c>, extras, and last <c>sidecar:manifest</c>, a JSON index of the
/// others. A text that is all Latin-1 goes in a <c>zTXt</c> chunk, any other in a compressed
/// <c>iTXt</c> chunk (Pillow's <c>add_text(zip=True)</c>), right after IHDR. TraceLab's extractor
/// (Pillow) reads them back; so does <see cref="Read"/>.
/// </summary>
public static class PngSidecar
{
    public const string Prefix = "sidecar:";
    public const string ReadmeKey = Prefix + "readme";
    public const string ManifestKey = Prefix + "manifest";

    /// <summary>
    /// Pillow refuses to load a PNG with a text chunk that inflates past 1 MiB (its
    /// <c>MAX_TEXT_CHUNK</c>), so larger entries would make the whole figure unreadable to TraceLab.
    /// </summary>
    public const int MaxTraceLabEntryBytes = 1024 * 1024;

    /// <summary>A text chunk inflating past this is refused when reading (a decompression bomb, not a figure).</summary>
    public const int MaxReadEntryBytes = 64 * 1024 * 1024;

    private const int MaxKeyword = 79;

    /// <summary>
    /// TraceLab's entry list: <paramref name="readme"/> as <c>sidecar:readme</c>, each data file
    /// as <c>sidecar:data/&lt;name&gt;</c> (sorted by name), the extras, then the manifest
    /// <c>{"entries": [{"key", "chars"}…]}</c> (code-point counts) listing all of them.
    /// </summary>
    public static IReadOnlyList<SidecarEntry> Entries(string? readme, IEnumerable<(string FileName, string Text)> dataFiles, IEnumerable<SidecarEntry>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(dataFiles);
        var entries = new List<SidecarEntry>();
        if (readme is not null)
        {
            entries.Add(new SidecarEntry(ReadmeKey, readme));
        }

        entries.AddRange(dataFiles.OrderBy(f => f.FileName, StringComparer.Ordinal).Select(f => new SidecarEntry(Prefix + "data/" + f.FileName, f.Text)));
        entries.AddRange((extras ?? []).Select(e => e.Key.StartsWith(Prefix, StringComparison.Ordinal) ? e : e with { Key = Prefix + e.Key }));
        entries.Add(new SidecarEntry(ManifestKey, ManifestJson(entries)));
        return entries;
    }

    /// <summary><c>json.dumps({"entries": [...]}, indent=2)</c> as Python writes it (ASCII-escaped, no final newline).</summary>
    public static string ManifestJson(IEnumerable<SidecarEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = new PyArray();
        foreach (var entry in entries)
        {
            var item = new PyObject();
            item["key"] = new PyString(entry.Key);
            item["chars"] = PyNumber.FromInteger(CodePoints(entry.Text));
            list.Add(item);
        }

        var manifest = new PyObject();
        manifest["entries"] = list;
        return PythonJsonIndented.Serialize(manifest);
    }

    /// <summary>Python's <c>len(str)</c>: code points, a surrogate pair counting once.</summary>
    public static int CodePoints(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            count++;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
        }

        return count;
    }

    /// <summary>
    /// The PNG with <paramref name="entries"/> inserted as text chunks right after IHDR (an entry
    /// whose key is already present replaces it), and a pHYs chunk for <paramref name="dpi"/>
    /// when the image has none.
    /// </summary>
    public static byte[] Embed(ReadOnlySpan<byte> png, IReadOnlyList<SidecarEntry> entries, double? dpi = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var chunks = PngChunks.Read(png);
        if (chunks[0].Type != "IHDR")
        {
            throw new InvalidDataException("damaged PNG: the first chunk is not IHDR");
        }

        var keywords = entries.Select(e => Keyword(e.Key)).ToHashSet(StringComparer.Ordinal);
        var kept = chunks.Skip(1).Where(c => !IsText(c.Type) || !keywords.Contains(KeywordOf(c.Data))).ToList();
        var result = new List<PngChunk> { chunks[0] };
        if (dpi is { } resolution && !chunks.Any(c => c.Type == "pHYs"))
        {
            result.Add(PhysicalSize(resolution));
        }

        result.AddRange(entries.Select(TextChunk));
        result.AddRange(kept);
        return PngChunks.Write(result);
    }

    /// <summary>Every text chunk (tEXt, zTXt, iTXt) of a PNG, decoded, in file order.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid PNG, or a text chunk cannot be decoded.</exception>
    public static IReadOnlyList<EmbeddedText> ReadAllText(ReadOnlySpan<byte> png)
    {
        var texts = new List<EmbeddedText>();
        foreach (var chunk in PngChunks.Read(png).Where(c => IsText(c.Type)))
        {
            texts.Add(Decode(chunk));
        }

        return texts;
    }

    /// <summary>
    /// The <c>sidecar:</c> entries of a PNG as TraceLab's extractor sees them: a key seen twice
    /// keeps its first position and its last text (a Python dict filled in chunk order).
    /// </summary>
    public static IReadOnlyList<EmbeddedText> Read(ReadOnlySpan<byte> png)
    {
        var entries = new List<EmbeddedText>();
        foreach (var text in ReadAllText(png).Where(t => t.Key.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var existing = entries.FindIndex(e => e.Key == text.Key);
            if (existing >= 0)
            {
                entries[existing] = text;
            }
            else
            {
                entries.Add(text);
            }
        }

        return entries;
    }

    /// <summary>
    /// Where TraceLab's <c>extract</c> writes an entry, relative to the output folder:
    /// <c>readme</c> → <c>README.md</c>, <c>manifest</c> → <c>manifest.json</c>, otherwise the key
    /// without <c>sidecar:</c>. Only a plain file name, or one inside TraceLab's <c>code/</c> or
    /// <c>data/</c> folder, is accepted: any other separator, <c>..</c>, an absolute or empty name
    /// could write outside the folder (the zip-slip attack), so it gives null and the reason.
    /// </summary>
    public static string? ExtractPath(string key, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(key);
        refusal = null;
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            refusal = "not a sidecar: entry";
            return null;
        }

        var relative = key[Prefix.Length..];
        switch (relative)
        {
            case "readme":
                return "README.md";
            case "manifest":
                return "manifest.json";
        }

        var segments = relative.Split('/', '\\');
        var slash = relative.IndexOf('/', StringComparison.Ordinal);
        var folder = slash < 0 ? null : relative[..slash];
        var name = slash < 0 ? relative : relative[(slash + 1)..];
        refusal = relative switch
        {
            _ when segments.Any(s => s is ".." or ".") => "'..' or '.', which climbs out of the output folder",
            _ when relative.StartsWith('/') || relative.StartsWith('\\') => "an absolute path",
            _ when relative.Contains('\\', StringComparison.Ordinal) => "a backslash (a path separator on Windows)",
            _ when folder is not null && (folder is not "code" and not "data" || name.Contains('/', StringComparison.Ordinal)) =>
                "a path separator outside TraceLab's code/ and data/ folders",
            _ when name.Length == 0 => "an empty file name",
            _ when name.Contains(':', StringComparison.Ordinal) => "a ':' (a drive or stream name on Windows)",
            _ when name.Any(char.IsControl) => "a control character",
            _ => null,
        };
        return refusal is null ? (folder is null ? name : folder + "/" + name) : null;
    }

    /// <summary>Writes each entry to its <see cref="ExtractPath"/> under <paramref name="directory"/> (UTF-8, as TraceLab does); refused entries are not written.</summary>
    public static SidecarExtraction Extract(IReadOnlyList<EmbeddedText> entries, string directory)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        var written = new List<(string, string, long)>();
        var refused = new List<(string, string)>();
        var utf8 = new UTF8Encoding(false);
        foreach (var entry in entries)
        {
            var relative = ExtractPath(entry.Key, out var refusal);
            var target = relative is null ? null : Path.GetFullPath(Path.Combine(root, relative));
            // Belt and braces: whatever the name check missed, nothing lands outside the folder.
            if (target is null || !target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                refused.Add((entry.Key, refusal ?? "it resolves outside the output folder"));
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var bytes = utf8.GetBytes(entry.Text);
            File.WriteAllBytes(target, bytes);
            written.Add((entry.Key, relative!, bytes.LongLength));
        }

        return new SidecarExtraction(written, refused);
    }

    /// <summary>A PNG keyword: Latin-1, at most 79 characters; longer keys become their first 78 characters and <c>~</c> (TraceLab's rule).</summary>
    public static string Keyword(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var keyword = key.Length <= MaxKeyword ? key : key[..(MaxKeyword - 1)] + "~";
        if (keyword.Length == 0 || keyword.Any(c => c > 0xFF || c < ' ' || c is > '~' and < '\u00A1'))
        {
            throw new ArgumentException($"'{key}' cannot be a PNG keyword (printable Latin-1 only)", nameof(key));
        }

        return keyword;
    }

    private static bool IsText(string type) => type is "tEXt" or "zTXt" or "iTXt";

    private static bool IsLatin1(string text) => text.All(c => c <= 0xFF);

    private static PngChunk TextChunk(SidecarEntry entry)
    {
        using var data = new MemoryStream();
        data.Write(Encoding.Latin1.GetBytes(Keyword(entry.Key)));
        if (IsLatin1(entry.Text))
        {
            data.Write([0, 0]); // keyword terminator, compression method 0 (zlib)
            data.Write(Compress(Encoding.Latin1.GetBytes(entry.Text)));
            return new PngChunk("zTXt", data.ToArray());
        }

        data.Write([0, 1, 0, 0, 0]); // terminator, compressed, method 0, empty language tag, empty translated keyword
        data.Write(Compress(Encoding.UTF8.GetBytes(entry.Text)));
        return new PngChunk("iTXt", data.ToArray());
    }

    private static PngChunk PhysicalSize(double dpi)
    {
        var data = new byte[9];
        var perMetre = (uint)Math.Round(dpi / 0.0254);
        BinaryPrimitives.WriteUInt32BigEndian(data, perMetre);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), perMetre);
        data[8] = 1; // unit: metre
        return new PngChunk("pHYs", data);
    }

    private static byte[] Compress(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        return output.ToArray();
    }

    private static byte[] Inflate(ReadOnlySpan<byte> compressed, string key)
    {
        using var input = new MemoryStream(compressed.ToArray());
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxReadEntryBytes)
                {
                    throw new InvalidDataException($"text chunk '{key}' inflates past {MaxReadEntryBytes / (1024 * 1024)} MiB; refused");
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("text chunk", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"text chunk '{key}' is not a valid zlib stream: {e.Message}", e);
        }

        return output.ToArray();
    }

    private static string KeywordOf(byte[] data)
    {
        var end = Array.IndexOf(data, (byte)0);
        return Encoding.Latin1.GetString(data, 0, end < 0 ? data.Length : end);
    }

    private static EmbeddedText Decode(PngChunk chunk)
    {
        var data = chunk.Data;
        var end = Array.IndexOf(data, (byte)0);
        if (end <= 0)
        {
            throw new InvalidDataException($"damaged {chunk.Type} chunk: no keyword");
        }

        var key = Encoding.Latin1.GetString(data, 0, end);
        var rest = data.AsSpan(end + 1);
        switch (chunk.Type)
        {
            case "tEXt":
                return new EmbeddedText(key, Encoding.Latin1.GetString(rest), chunk.Type);
            case "zTXt":
                if (rest.Length == 0 || rest[0] != 0)
                {
                    throw new InvalidDataException($"zTXt chunk '{key}': unknown compression method");
                }

                return new EmbeddedText(key, Encoding.Latin1.GetString(Inflate(rest[1..], key)), chunk.Type);
            default:
                if (rest.Length < 2)
                {
                    throw new InvalidDataException($"damaged iTXt chunk '{key}'");
                }

                var (compressed, method) = (rest[0], rest[1]);
                rest = rest[2..];
                var language = rest.IndexOf((byte)0);
                var translated = language < 0 ? -1 : rest[(language + 1)..].IndexOf((byte)0);
                if (translated < 0)
                {
                    throw new InvalidDataException($"damaged iTXt chunk '{key}'");
                }

                var text = rest[(language + 1 + translated + 1)..];
                if (compressed != 0 && method != 0)
                {
                    throw new InvalidDataException($"iTXt chunk '{key}': unknown compression method");
                }

                var bytes = compressed != 0 ? Inflate(text, key) : text.ToArray();
                try
                {
                    return new EmbeddedText(key, new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes), chunk.Type);
                }
                catch (DecoderFallbackException)
                {
                    throw new InvalidDataException($"iTXt chunk '{key}' is not valid UTF-8");
                }
        }
    }
}
