using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracelens.Collect;
using Tracelens.Export;
using Tracelens.Ledger;
using Tracelens.Sanitize;

namespace Tracelens.Upload;

/// <summary>How much an upload may hold (TraceLab's drag-and-drop caps, spec §10.3, scaled to a local server).</summary>
public sealed record UploadLimits
{
    /// <summary>The uploaded bytes as sent (compressed or not).</summary>
    public long MaxUploadBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>All trace files after decompression and unpacking, together.</summary>
    public long MaxUnpackedBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Trace files taken from one archive.</summary>
    public int MaxMembers { get; init; } = 20_000;
}

/// <summary>The upload is not something Tracelens analyzes, or breaks a limit; the message says which and why.</summary>
public sealed class UploadRefusedException(string message, bool tooLarge = false) : Exception(message)
{
    /// <summary>A size limit was hit (HTTP 413) rather than the content refused (400).</summary>
    public bool TooLarge { get; } = tooLarge;
}

/// <summary>What an analyzed upload held.</summary>
public sealed record UploadAnalysis(
    string Kind,
    IReadOnlyList<string> Providers,
    long Files,
    long Sessions,
    long Steps,
    IReadOnlyList<string> Warnings,
    string LedgerPath);

/// <summary>
/// Analyzes an uploaded trace into its own scratch ledger, never the user's: raw Claude Code or
/// Codex session logs, or TraceLab rows (normalized or sanitized), each plain, gzip, zip, tar or
/// tar.gz. Containers are recognised by their magic bytes; archive members are written under
/// generated names (an entry's own path is never used, so a <c>../</c> or absolute name cannot
/// escape the scratch folder; such entries are skipped and named); sizes and member counts are
/// capped while reading, so a decompression bomb stops at the cap.
/// </summary>
public static class TraceUpload
{
    private static readonly string[] TraceExtensions = [".jsonl", ".json", ".ndjson"];
    private static readonly HashSet<string> CodexTypes = new(StringComparer.Ordinal) { "session_meta", "turn_context", "response_item", "event_msg" };

    private enum FileKind { Unrecognized, ClaudeRaw, CodexRaw, Rows }

    /// <summary>
    /// Unpacks <paramref name="upload"/> (its bytes as sent) into <paramref name="scratch"/> and builds
    /// the scratch ledger there. Throws <see cref="UploadRefusedException"/> when nothing in it is a trace
    /// or a limit is broken.
    /// </summary>
    public static UploadAnalysis Analyze(Stream upload, string scratch, UploadLimits limits)
    {
        Directory.CreateDirectory(scratch);
        var home = Path.Combine(scratch, "home");
        var rowsDir = Path.Combine(scratch, "rows");
        var received = Path.Combine(scratch, "upload.bin");
        using (var file = File.Create(received))
        {
            CopyCapped(upload, file, limits.MaxUploadBytes, $"the upload is larger than {Mb(limits.MaxUploadBytes)}");
        }

        var warnings = new List<string>();
        var budget = new UnpackBudget(limits);
        var members = new List<(string Name, string Path)>();
        Unpack(received, scratch, budget, members, warnings);
        File.Delete(received);
        if (members.Count == 0)
        {
            throw new UploadRefusedException("not a trace: the upload holds no .jsonl, .json or .ndjson file" + (warnings.Count > 0 ? $" ({string.Join("; ", warnings)})" : string.Empty));
        }

        var kinds = new Dictionary<FileKind, int>();
        var number = 0;
        foreach (var (name, path) in members.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var kind = Classify(path);
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            var target = kind switch
            {
                FileKind.ClaudeRaw => Path.Combine(home, ".claude", "projects", "upload", $"upload-{++number:D5}.jsonl"),
                FileKind.CodexRaw => Path.Combine(home, ".codex", "sessions", $"rollout-upload-{++number:D5}.jsonl"),
                FileKind.Rows => Path.Combine(rowsDir, $"rows-{++number:D5}.jsonl"),
                _ => null,
            };
            if (target is null)
            {
                warnings.Add($"{name}: not a Claude Code or Codex session log nor TraceLab rows; skipped");
                File.Delete(path);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(path, target);
        }

        if (kinds.GetValueOrDefault(FileKind.Unrecognized) == members.Count)
        {
            throw new UploadRefusedException($"not a trace: none of the {members.Count} file(s) is a Claude Code or Codex session log or TraceLab rows ({string.Join("; ", warnings.Take(5))})");
        }

        var ledgerPath = Path.Combine(scratch, "ledger.db");
        using (var ledger = LedgerDatabase.Open(ledgerPath))
        {
            if (Directory.Exists(home))
            {
                var discovery = new DiscoveryOptions { Home = home };
                new Ingestor(ledger).Run(discovery, Ingestor.StartDiscovery(discovery));
            }

            if (Directory.Exists(rowsDir))
            {
                foreach (var rows in Directory.EnumerateFiles(rowsDir).Order(StringComparer.Ordinal))
                {
                    var report = new TraceImporter(ledger).Import(rows);
                    if (report.Diagnostics.TotalSkipped > 0)
                    {
                        warnings.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"{report.Diagnostics.TotalSkipped:N0} bad row(s) skipped ({string.Join(", ", report.Diagnostics.CountsByReason.Keys)})"));
                    }
                }
            }

            var kind = kinds.ContainsKey(FileKind.ClaudeRaw) || kinds.ContainsKey(FileKind.CodexRaw) ? "raw" : "rows";
            var providers = new List<string>();
            using (var command = ledger.Connection.CreateCommand())
            {
                command.CommandText = "SELECT DISTINCT provider FROM steps ORDER BY provider";
                using var r = command.ExecuteReader();
                while (r.Read())
                {
                    providers.Add(r.GetString(0));
                }
            }

            long Count(string sql) => Convert.ToInt64(LedgerDatabase.Scalar(ledger.Connection, sql), System.Globalization.CultureInfo.InvariantCulture);
            return new UploadAnalysis(kind, providers, members.Count - kinds.GetValueOrDefault(FileKind.Unrecognized),
                Count("SELECT count(DISTINCT session_id) FROM counted_steps"), Count("SELECT count(*) FROM counted_steps"), warnings, ledgerPath);
        }
    }

    /// <summary>
    /// Writes the scratch ledger's steps as TraceLab rows through the sanitizer and its leak gate
    /// (keyed pseudonyms under a secret made for this upload alone), gzip-compressed, to <paramref name="outputPath"/>.
    /// </summary>
    public static SanitizeReport WriteSanitized(string ledgerPath, string outputPath)
    {
        var rows = outputPath + ".rows.tmp";
        var plain = outputPath + ".plain.tmp";
        try
        {
            using (var ledger = LedgerDatabase.Open(ledgerPath))
            using (var stream = TraceLabRowWriter.OpenOutput(rows, gzip: false))
            {
                TraceLabRowWriter.WriteAll(stream, new LedgerReader(ledger).Steps());
            }

            var report = Sanitizer.RunFile(rows, plain, new SanitizeOptions { Secret = RandomNumberGenerator.GetBytes(32), InputName = "upload" });
            if (report.Succeeded)
            {
                using var input = File.OpenRead(plain);
                using var output = File.Create(outputPath);
                using var gzip = new GZipStream(output, CompressionLevel.Optimal);
                input.CopyTo(gzip);
            }

            return report;
        }
        finally
        {
            File.Delete(rows);
            File.Delete(plain);
        }
    }

    private sealed class UnpackBudget(UploadLimits limits)
    {
        public long Remaining { get; set; } = limits.MaxUnpackedBytes;
        public int Members { get; set; }
        public UploadLimits Limits => limits;
    }

    private static void Unpack(string path, string scratch, UnpackBudget budget, List<(string, string)> members, List<string> warnings)
    {
        Span<byte> head = stackalloc byte[262];
        int read;
        using (var probe = File.OpenRead(path))
        {
            read = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        head = head[..read];
        if (read >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            var inner = Path.Combine(scratch, "inner.bin");
            using (var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
            using (var output = File.Create(inner))
            {
                CopyCapped(gzip, output, budget.Remaining, $"the upload unpacks to more than {Mb(budget.Limits.MaxUnpackedBytes)}");
            }

            if (IsTar(inner))
            {
                UnpackTar(inner, scratch, budget, members, warnings);
                File.Delete(inner);
            }
            else
            {
                AddMember("upload.jsonl", inner, budget, members);
            }

            return;
        }

        if (read >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K')
        {
            UnpackZip(path, scratch, budget, members, warnings);
            return;
        }

        if (IsTar(path))
        {
            UnpackTar(path, scratch, budget, members, warnings);
            return;
        }

        var copy = Path.Combine(scratch, "single.jsonl");
        File.Copy(path, copy);
        AddMember("upload.jsonl", copy, budget, members);
    }

    private static bool IsTar(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[262];
        return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head[257..262].SequenceEqual("ustar"u8);
    }

    private static void UnpackZip(string path, string scratch, UnpackBudget budget, List<(string, string)> members, List<string> warnings)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new UploadRefusedException($"not a readable zip archive: {e.Message}");
        }

        using (zip)
        {
            foreach (var entry in zip.Entries)
            {
                if (Accept(entry.FullName, warnings))
                {
                    var target = MemberPath(scratch, budget);
                    using (var input = entry.Open())
                    using (var output = File.Create(target))
                    {
                        CopyCapped(input, output, budget.Remaining, $"the upload unpacks to more than {Mb(budget.Limits.MaxUnpackedBytes)}");
                    }

                    AddMember(entry.FullName, target, budget, members);
                }
            }
        }
    }

    private static void UnpackTar(string path, string scratch, UnpackBudget budget, List<(string, string)> members, List<string> warnings)
    {
        using var file = File.OpenRead(path);
        using var tar = new TarReader(file);
        try
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue; // folders, links and devices are never followed
                }

                if (Accept(entry.Name, warnings))
                {
                    var target = MemberPath(scratch, budget);
                    using (var output = File.Create(target))
                    {
                        CopyCapped(entry.DataStream, output, budget.Remaining, $"the upload unpacks to more than {Mb(budget.Limits.MaxUnpackedBytes)}");
                    }

                    AddMember(entry.Name, target, budget, members);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new UploadRefusedException($"not a readable tar archive: {e.Message}");
        }
    }

    /// <summary>A trace-named member with a safe relative name; anything else is skipped (and named when it tries to escape).</summary>
    private static bool Accept(string name, List<string> warnings)
    {
        var normalized = name.Replace('\\', '/');
        if (normalized.StartsWith('/') || normalized.Split('/').Contains("..") || (normalized.Length > 1 && normalized[1] == ':'))
        {
            warnings.Add($"{name}: an absolute or '..' path; skipped");
            return false;
        }

        return TraceExtensions.Any(e => normalized.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    private static string MemberPath(string scratch, UnpackBudget budget)
    {
        if (budget.Members >= budget.Limits.MaxMembers)
        {
            throw new UploadRefusedException($"the upload holds more than {budget.Limits.MaxMembers:N0} trace files", tooLarge: true);
        }

        var dir = Path.Combine(scratch, "members");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"member-{budget.Members:D6}.jsonl");
    }

    private static void AddMember(string name, string path, UnpackBudget budget, List<(string, string)> members)
    {
        budget.Members++;
        budget.Remaining -= new FileInfo(path).Length;
        members.Add((name, path));
    }

    private static void CopyCapped(Stream input, Stream output, long cap, string message)
    {
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            total += n;
            if (total > cap)
            {
                throw new UploadRefusedException(message, tooLarge: true);
            }

            output.Write(buffer, 0, n);
        }
    }

    /// <summary>TraceLab's rule: rows carry provider, session_id, round_index and input_tokens_total; Codex raw wins over Claude raw.</summary>
    private static FileKind Classify(string path)
    {
        bool rows = false, codex = false, claude = false;
        using var reader = new StreamReader(path, Encoding.UTF8);
        for (var i = 0; i < 200 && reader.ReadLine() is { } line; i++)
        {
            if (line.Length == 0 || line[0] != '{')
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                var o = doc.RootElement;
                bool Has(string key) => o.TryGetProperty(key, out _);
                var type = o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                rows |= Has("provider") && Has("session_id") && Has("round_index") && Has("input_tokens_total");
                codex |= o.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object && type is not null && CodexTypes.Contains(type);
                claude |= (o.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object && type is "assistant" or "user")
                          || (o.TryGetProperty("uuid", out var u) && u.ValueKind == JsonValueKind.String);
            }
            catch (JsonException)
            {
                // a bad line does not decide the file's kind
            }
        }

        return rows ? FileKind.Rows : codex ? FileKind.CodexRaw : claude ? FileKind.ClaudeRaw : FileKind.Unrecognized;
    }

    private static string Mb(long bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1_000_000.0:0.#} MB");
}
