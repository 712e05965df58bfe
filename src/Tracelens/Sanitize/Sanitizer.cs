using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using Tracelens.Export;
using Tracelens.Json;
using Tracelens.Readers;

namespace Tracelens.Sanitize;

/// <summary>How pseudonyms are made.</summary>
public enum SanitizeMode
{
    /// <summary>Default: HMAC-SHA256 with the installation secret; stable across runs and row order.</summary>
    Keyed,

    /// <summary>TraceLab's current sanitizer, byte for byte (seeded, order-dependent; <c>user</c> pseudonymized).</summary>
    TraceLab,

    /// <summary>TraceLab's older sanitizer, byte for byte: like <see cref="TraceLab"/> but <c>user</c> keys are dropped.</summary>
    TraceLabLegacy,
}

/// <summary>Settings of one sanitize run.</summary>
public sealed record SanitizeOptions
{
    public SanitizeMode Mode { get; init; } = SanitizeMode.Keyed;

    /// <summary>Keyed mode: the secret to use. Null: load (or create) it from <see cref="SecretHome"/>.</summary>
    public byte[]? Secret { get; init; }

    /// <summary>Keyed mode: the folder holding the secret file. Null: <see cref="SanitizeSecret.DefaultHome"/>.</summary>
    public string? SecretHome { get; init; }

    /// <summary>TraceLab modes: the <c>--seed</c> string.</summary>
    public string Seed { get; init; } = TraceLabCompatSanitizer.DefaultSeed;

    /// <summary>What the leak gate checks beyond its generic rules. Null: the current user (<see cref="LeakGateOptions.ForCurrentUser"/>).</summary>
    public LeakGateOptions? Gate { get; init; }

    /// <summary>How messages name the input (<c>&lt;name&gt;:&lt;line&gt;: …</c>). Null: the path, or <c>&lt;input&gt;</c> for a stream.</summary>
    public string? InputName { get; init; }
}

/// <summary>A row the leak gate kept out of the output.</summary>
public sealed record RefusedRow(long Line, IReadOnlyList<LeakFinding> Leaks)
{
    public override string ToString() => $"line {Line}: refused, still holds {string.Join(", ", Leaks)}";
}

/// <summary>What a run did. When <see cref="Error"/> is set the output is incomplete and must be discarded.</summary>
public sealed class SanitizeReport
{
    /// <summary>Rows written.</summary>
    public int Rows { get; init; }

    /// <summary>Tool calls in the rows written.</summary>
    public int Tools { get; init; }

    /// <summary>Rows not written because the sanitized row still leaked, in input order.</summary>
    public IReadOnlyList<RefusedRow> Refused { get; init; } = [];

    /// <summary>Why the run stopped, e.g. <c>in.jsonl:7: invalid JSONL row: …</c>; null on success.</summary>
    public string? Error { get; init; }

    /// <summary>The input line of <see cref="Error"/>, when it concerns one.</summary>
    public long? ErrorLine { get; init; }

    public bool Succeeded => Error is null;
}

/// <summary>
/// Sanitizes normalized round rows (JSONL) for sharing: every row is pseudonymized by the chosen
/// mode, checked by the <see cref="LeakGate"/>, and written only when clean.
/// </summary>
public static class Sanitizer
{
    private const string DefaultStreamName = "<input>";
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The row sanitizer a set of options asks for (keyed mode may read or create the secret).</summary>
    /// <exception cref="IOException">The secret cannot be read or created.</exception>
    /// <exception cref="InvalidDataException">The secret file is malformed.</exception>
    public static RowSanitizer CreateRowSanitizer(SanitizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Mode switch
        {
            SanitizeMode.TraceLab => new TraceLabCompatSanitizer(options.Seed),
            SanitizeMode.TraceLabLegacy => new TraceLabCompatSanitizer(options.Seed, legacyDropUser: true),
            _ => new KeyedSanitizer(options.Secret ?? SanitizeSecret.LoadOrCreate(options.SecretHome)),
        };
    }

    /// <summary>
    /// Reads JSONL rows from <paramref name="input"/> (already decompressed, see <see cref="OpenInput(Stream)"/>)
    /// and writes sanitized rows to <paramref name="output"/>, one compact JSON object per line.
    /// Blank lines are skipped; invalid UTF-8 is replaced with U+FFFD, as TraceLab reads. An invalid
    /// or non-object line stops the run with an error naming it; the output is then incomplete, so
    /// write to a temporary place (as <see cref="RunFile"/> does). Does not throw for bad input or
    /// I/O failures: they are reported in <see cref="SanitizeReport.Error"/>.
    /// </summary>
    public static SanitizeReport Run(Stream input, Stream output, SanitizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var name = options.InputName ?? DefaultStreamName;
        RowSanitizer sanitizer;
        try
        {
            sanitizer = CreateRowSanitizer(options);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new SanitizeReport { Error = $"cannot load the sanitize secret: {e.Message}" };
        }

        using var disposeSanitizer = sanitizer as IDisposable;
        var gate = new LeakGate(options.Gate ?? LeakGateOptions.ForCurrentUser());
        using var reader = new JsonlLineReader(input, ownsStream: false, bufferSize: 64 * 1024);
        var tape = new JsonTape();
        var sb = new StringBuilder();
        var refused = new List<RefusedRow>();
        var rows = 0;
        var tools = 0;
        try
        {
            using var writer = new StreamWriter(output, Utf8NoBom, 64 * 1024, leaveOpen: true);
            while (reader.TryReadLine(out var line))
            {
                if (!Utf8.IsValid(line))
                {
                    line = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line));
                }

                if (JsonlLineReader.IsBlank(line) || IsUnicodeBlank(line))
                {
                    continue;
                }

                var lineNo = reader.LineNumber;
                if (!tape.Parse(line))
                {
                    return Failed($"{name}:{lineNo}: invalid JSONL row: {tape.Error}", lineNo);
                }

                if (tape.KindOf(JsonTape.Root) != JsonKind.Object)
                {
                    return Failed($"{name}:{lineNo}: expected JSON object row", lineNo);
                }

                var clean = sanitizer.Sanitize((PyObject)PyValue.FromTape(tape, JsonTape.Root));
                var leaks = gate.Find(clean);
                if (leaks.Count > 0)
                {
                    refused.Add(new RefusedRow(lineNo, leaks));
                    continue;
                }

                rows++;
                tools += clean.Get("tools") is PyArray list ? list.Count : 0;
                sb.Clear();
                clean.WriteJson(sb);
                sb.Append('\n');
                writer.Write(sb);
            }

            writer.Flush();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return Failed($"{name}: {e.Message}", null);
        }

        return new SanitizeReport { Rows = rows, Tools = tools, Refused = refused };

        SanitizeReport Failed(string message, long? line) =>
            new() { Rows = rows, Tools = tools, Refused = refused, Error = message, ErrorLine = line };
    }

    /// <summary>
    /// Sanitizes the file <paramref name="inputPath"/> (plain or gzip, detected by its magic bytes)
    /// into <paramref name="outputPath"/>. The output is written to a temporary file beside it and
    /// renamed into place only when the run succeeds, so a failed run never leaves a partial file
    /// (nor touches an existing one). Does not throw for bad input or I/O failures.
    /// </summary>
    public static SanitizeReport RunFile(string inputPath, string outputPath, SanitizeOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { InputName = options.InputName ?? inputPath };
        string? temp = null;
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
            Directory.CreateDirectory(dir);
            temp = Path.Combine(dir, $".{Path.GetFileName(outputPath)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
            SanitizeReport report;
            using (var input = OpenInput(inputPath))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                report = Run(input, output, options);
            }

            if (report.Succeeded)
            {
                File.Move(temp, outputPath, overwrite: true);
                temp = null;
            }

            return report;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SanitizeReport { Error = $"{options.InputName}: {e.Message}" };
        }
        finally
        {
            if (temp is not null)
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>Opens a file for reading, decompressing it when it starts with the gzip magic bytes.</summary>
    public static Stream OpenInput(string path) => TraceFile.OpenRead(path);

    /// <summary>Decompresses <paramref name="raw"/> when it starts with the gzip magic bytes (see <see cref="TraceFile.OpenRead(Stream)"/>).</summary>
    public static Stream OpenInput(Stream raw) => TraceFile.OpenRead(raw);

    // Python's `not line.strip()` also strips non-ASCII whitespace (U+00A0, U+2028, U+3000, …),
    // which the reader's ASCII check leaves to us. Such a line is skipped, not an invalid row.
    private static bool IsUnicodeBlank(ReadOnlySpan<byte> line)
    {
        if (Ascii.IsValid(line))
        {
            return false;
        }

        foreach (var c in Encoding.UTF8.GetString(line))
        {
            if (!char.IsWhiteSpace(c) && c is not (>= '\x1c' and <= '\x1f'))
            {
                return false;
            }
        }

        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover hidden .tmp file is harmless and holds only sanitized rows.
        }
    }
}
