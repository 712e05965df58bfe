using System.Text;
using Tracelens.Json;
using static System.FormattableString;

namespace Tracelens.Synth;

/// <summary>
/// Identifiers and text for generated logs. Bulk payloads (file contents, command output,
/// signatures) are slices of corpora built once from a fixed seed and stored already JSON-escaped,
/// so writing them is a memory copy.
/// </summary>
internal static class SynthText
{
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string HexDigits = "0123456789abcdef";

    public static readonly string[] Nouns =
    [
        "order", "invoice", "customer", "session", "token", "cache", "parser", "report", "ledger", "config",
        "schema", "router", "handler", "worker", "queue", "payment", "account", "user", "profile", "metric",
        "export", "import", "index", "snapshot", "record", "client", "server", "request", "response", "model",
        "pipeline", "adapter", "widget", "layout", "theme", "event", "stream", "buffer", "batch", "job",
    ];

    public static readonly string[] Verbs =
    [
        "load", "save", "parse", "build", "render", "validate", "resolve", "fetch", "update", "delete",
        "create", "merge", "sort", "filter", "compute", "flush", "encode", "decode", "register", "refresh",
    ];

    public static readonly string[] Types = ["string", "int", "bool", "Order", "Result", "Options", "Entry", "Span", "Map", "List"];

    public static readonly string[] Dirs = ["src", "src/core", "src/api", "src/ui", "lib", "tests", "scripts", "internal", "pkg", "app"];

    public static readonly string[] Extensions = ["cs", "py", "ts", "tsx", "go", "rs", "md", "json", "yaml", "sql"];

    private static readonly string[] ProseWords =
    [
        "the", "a", "this", "that", "we", "it", "should", "now", "then", "first", "next", "also", "so", "because",
        "test", "tests", "failing", "function", "method", "class", "module", "file", "files", "change", "changes",
        "fix", "bug", "error", "issue", "value", "values", "result", "call", "calls", "check", "update", "look",
        "at", "in", "on", "for", "with", "from", "to", "and", "or", "not", "is", "are", "was", "will", "can",
        "let", "me", "I'll", "I", "see", "run", "read", "edit", "the", "build", "passes", "works", "correctly",
        "handle", "edge", "case", "null", "empty", "input", "output", "path", "config", "cache", "query", "index",
        "performance", "memory", "refactor", "simplify", "rename", "extract", "helper", "—", "→", "✓", "e.g.",
        "`Program.cs`", "`main.py`", "`index.ts`", "types", "API", "endpoint", "request", "response", "schema",
    ];

    private static readonly byte[] CodeBlob;
    private static readonly int[] CodeStarts;
    private static readonly byte[] LogBlob;
    private static readonly int[] LogStarts;
    private static readonly byte[] Base64Blob;

    static SynthText()
    {
        var rng = new SynthRandom(0x5EED_C0DE_2026UL);
        (CodeBlob, CodeStarts) = BuildBlob(rng, 8192, CodeLine);
        (LogBlob, LogStarts) = BuildBlob(rng, 8192, LogLine);
        const string b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        Base64Blob = new byte[1 << 16];
        for (var i = 0; i < Base64Blob.Length; i++)
        {
            Base64Blob[i] = (byte)b64[rng.Next(64)];
        }
    }

    public static int CodeLineCount => CodeStarts.Length - 1;

    public static int LogLineCount => LogStarts.Length - 1;

    /// <summary>Mean escaped bytes of one log line (with its newline).</summary>
    public static int AverageLogLineBytes => LogBlob.Length / LogLineCount;

    // ---- identifiers ----

    public static string Uuid4(SynthRandom rng)
    {
        var hi = rng.NextU64();
        var lo = rng.NextU64();
        hi = (hi & ~0xF000UL) | 0x4000UL;
        lo = (lo & 0x3FFFFFFFFFFFFFFFUL) | 0x8000000000000000UL;
        return FormatUuid(hi, lo);
    }

    /// <summary>A time-ordered UUIDv7 for the given millisecond.</summary>
    public static string Uuid7(long unixMs, SynthRandom rng)
    {
        var hi = ((ulong)unixMs << 16) | 0x7000UL | (rng.NextU64() & 0x0FFFUL);
        var lo = (rng.NextU64() & 0x3FFFFFFFFFFFFFFFUL) | 0x8000000000000000UL;
        return FormatUuid(hi, lo);
    }

    public static string Token(SynthRandom rng, string prefix, int length)
    {
        return string.Create(prefix.Length + length, (prefix, rng), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            for (var i = state.prefix.Length; i < span.Length; i++)
            {
                span[i] = Alnum[state.rng.Next(Alnum.Length)];
            }
        });
    }

    public static string Hex(SynthRandom rng, int length)
    {
        return string.Create(length, rng, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = HexDigits[r.Next(16)];
            }
        });
    }

    // ---- prose ----

    /// <summary>Roughly <paramref name="chars"/> characters of sentences, paragraphs split by blank lines.</summary>
    public static string Prose(SynthRandom rng, int chars)
    {
        var sb = new StringBuilder(chars + 16);
        var sentenceWords = 0;
        var sentences = 0;
        while (sb.Length < chars)
        {
            var w = ProseWords[rng.Next(ProseWords.Length)];
            if (sentenceWords == 0)
            {
                sb.Append(char.ToUpperInvariant(w[0])).Append(w, 1, w.Length - 1);
            }
            else
            {
                sb.Append(' ').Append(w);
            }

            sentenceWords++;
            if (sentenceWords >= 6 && rng.Next(8) == 0)
            {
                sb.Append(rng.Next(6) == 0 ? ':' : '.');
                sentenceWords = 0;
                sentences++;
                if (sentences % 4 == 0 && sb.Length < chars)
                {
                    sb.Append("\n\n");
                }
                else if (sb.Length < chars)
                {
                    sb.Append(' ');
                }
            }
        }

        if (sentenceWords > 0)
        {
            sb.Append('.');
        }

        return sb.ToString();
    }

    public static string FilePath(SynthRandom rng, string cwd)
    {
        var dir = Dirs[rng.Next(Dirs.Length)];
        var noun = Nouns[rng.Next(Nouns.Length)];
        var verb = Verbs[rng.Next(Verbs.Length)];
        var ext = Extensions[rng.Next(Extensions.Length)];
        return rng.Next(3) == 0 ? $"{cwd}/{dir}/{noun}.{ext}" : $"{cwd}/{dir}/{noun}_{verb}.{ext}";
    }

    // ---- prompts and titles ----

    public static string Prompt(SynthRandom rng)
    {
        var noun = Nouns[rng.Next(Nouns.Length)];
        var verb = Verbs[rng.Next(Verbs.Length)];
        var head = rng.Next(6) switch
        {
            0 => "Can you fix the failing test for the " + noun + " " + verb + " path?",
            1 => "Please refactor the " + noun + " module so that " + verb + " is easier to test.",
            2 => "Why does " + verb + "_" + noun + " return null when the input is empty?",
            3 => "Add a --" + noun + " option to the CLI and document it in the README.",
            4 => "Review the changes on this branch and tell me what could break.",
            _ => "continue",
        };
        return rng.Chance(0.35) ? head + " " + Prose(rng, (int)rng.Range(40, 1_200)) : head;
    }

    public static string Title(SynthRandom rng)
    {
        var noun = Nouns[rng.Next(Nouns.Length)];
        var verb = Verbs[rng.Next(Verbs.Length)];
        return Cap(verb) + " " + noun + " handling and tests";
    }

    // ---- bulk slices (already escaped) ----

    /// <summary>Writes <paramref name="lines"/> code lines starting at corpus line <paramref name="start"/>, each ending in an escaped newline.</summary>
    public static void WriteCode(JsonlSink sink, int start, int lines) => WriteSlice(sink, CodeBlob, CodeStarts, start, lines);

    public static void WriteLog(JsonlSink sink, int start, int lines) => WriteSlice(sink, LogBlob, LogStarts, start, lines);

    /// <summary>Escaped byte length of <see cref="WriteLog"/> for the same arguments.</summary>
    public static long LogBytes(int start, int lines) => SliceBytes(LogStarts, start, lines);

    /// <summary>Code lines prefixed with right-aligned line numbers and an arrow, as Claude Code's Read shows them.</summary>
    public static void WriteNumberedCode(JsonlSink sink, int start, int lines, int firstNumber)
    {
        var n = CodeStarts.Length - 1;
        Span<byte> num = stackalloc byte[12];
        for (var i = 0; i < lines; i++)
        {
            var k = (start + i) % n;
            var len = FormatLineNumber(firstNumber + i, num);
            sink.Raw(num[..len]);
            sink.Raw("→"u8);
            sink.Raw(CodeBlob.AsSpan(CodeStarts[k], CodeStarts[k + 1] - CodeStarts[k]));
        }
    }

    /// <summary>Random base64-looking characters (thinking signatures, encrypted reasoning).</summary>
    public static void WriteBase64(JsonlSink sink, SynthRandom rng, int length)
    {
        while (length > 0)
        {
            var offset = rng.Next(Base64Blob.Length - 1024);
            var take = Math.Min(length, Base64Blob.Length - offset);
            sink.Raw(Base64Blob.AsSpan(offset, take));
            length -= take;
        }
    }

    /// <summary>JSON-escapes a string into UTF-8 bytes, without the quotes.</summary>
    public static byte[] Escape(string s)
    {
        var literal = Quote(s);
        return Encoding.UTF8.GetBytes(literal, 1, literal.Length - 2);
    }

    /// <summary>A quoted JSON string literal.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        JsonStringCodec.AppendPythonLiteral(sb, s);
        return sb.ToString();
    }

    private static int FormatLineNumber(int number, Span<byte> dest)
    {
        // "     1" style: right-aligned in 6 columns (wider numbers just grow).
        Span<byte> digits = stackalloc byte[11];
        var d = 0;
        do
        {
            digits[d++] = (byte)('0' + number % 10);
            number /= 10;
        }
        while (number > 0);
        var pad = Math.Max(0, 6 - d);
        for (var i = 0; i < pad; i++)
        {
            dest[i] = (byte)' ';
        }

        for (var i = 0; i < d; i++)
        {
            dest[pad + i] = digits[d - 1 - i];
        }

        return pad + d;
    }

    private static void WriteSlice(JsonlSink sink, byte[] blob, int[] starts, int start, int lines)
    {
        var n = starts.Length - 1;
        start %= n;
        while (lines > 0)
        {
            var take = Math.Min(lines, n - start);
            sink.Raw(blob.AsSpan(starts[start], starts[start + take] - starts[start]));
            lines -= take;
            start = 0;
        }
    }

    private static long SliceBytes(int[] starts, int start, int lines)
    {
        var n = starts.Length - 1;
        start %= n;
        long total = 0;
        while (lines > 0)
        {
            var take = Math.Min(lines, n - start);
            total += starts[start + take] - starts[start];
            lines -= take;
            start = 0;
        }

        return total;
    }

    private static (byte[] Blob, int[] Starts) BuildBlob(SynthRandom rng, int count, Func<SynthRandom, string> line)
    {
        var parts = new List<byte[]>(count);
        var starts = new int[count + 1];
        var pos = 0;
        for (var i = 0; i < count; i++)
        {
            var bytes = Escape(line(rng) + "\n");
            parts.Add(bytes);
            starts[i] = pos;
            pos += bytes.Length;
        }

        starts[count] = pos;
        var blob = new byte[pos];
        var at = 0;
        foreach (var p in parts)
        {
            p.CopyTo(blob, at);
            at += p.Length;
        }

        return (blob, starts);
    }

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    private static string CodeLine(SynthRandom r)
    {
        var noun = Nouns[r.Next(Nouns.Length)];
        var noun2 = Nouns[r.Next(Nouns.Length)];
        var verb = Verbs[r.Next(Verbs.Length)];
        var type = Types[r.Next(Types.Length)];
        var n = r.Next(1000);
        return r.Next(22) switch
        {
            0 => Invariant($"    public async Task<{type}> {Cap(verb)}{Cap(noun)}Async({type} {noun}, CancellationToken ct)"),
            1 => Invariant($"        var {noun} = await _{noun2}Repository.{Cap(verb)}Async(id, ct).ConfigureAwait(false);"),
            2 => Invariant($"        if ({noun} is null) throw new InvalidOperationException(\"{noun} not found: \" + id);"),
            3 => Invariant($"def {verb}_{noun}(self, {noun2}: {type}) -> {type}:"),
            4 => Invariant($"    return self._{noun}s.get({noun2}.id)  # TODO: cache the {noun} lookup"),
            5 => Invariant($"export function {verb}{Cap(noun)}({noun}: {type}): Promise<{type}> {{"),
            6 => Invariant($"  const {noun}s = await fetch(`/api/{noun}s/${{id}}?limit={n}`);"),
            7 => "}",
            8 => string.Empty,
            9 => "    }",
            10 => Invariant($"import {{ {Cap(noun)}, {Cap(noun2)} }} from './{noun}';"),
            11 => Invariant($"using System.Text.{Cap(noun)};"),
            12 => Invariant($"        _logger.LogInformation(\"{Cap(verb)}d {{Count}} {noun}s in {{Elapsed}} ms\", count, sw.ElapsedMilliseconds);"),
            13 => Invariant($"\tif err := {verb}{Cap(noun)}(ctx, {noun2}); err != nil {{"),
            14 => Invariant($"\t\treturn fmt.Errorf(\"{verb} {noun}: %w\", err)"),
            15 => Invariant($"        assert result.{noun} == {n}, f\"unexpected {{result!r}}\""),
            16 => Invariant($"    // {Cap(verb)} the {noun} before the {noun2} is flushed (see #{n})."),
            17 => Invariant($"    let {noun}_{noun2} = {noun}.{verb}(&{noun2})?;"),
            18 => Invariant($"  {noun}: {{ type: \"{type}\", required: {(n % 2 == 0 ? "true" : "false")}, default: {n} }},"),
            19 => Invariant($"        for (var i = 0; i < {noun}s.Length; i++) {{ total += {noun}s[i].{Cap(noun2)}; }}"),
            20 => Invariant($"SELECT {noun}_id, COUNT(*) FROM {noun2}s WHERE created_at > now() - interval '{n % 30} days' GROUP BY 1;"),
            _ => Invariant($"    path = \"C:\\\\{noun}\\\\{noun2}.txt\"  # windows path kept for the {verb} test"),
        };
    }

    private static string LogLine(SynthRandom r)
    {
        var noun = Nouns[r.Next(Nouns.Length)];
        var noun2 = Nouns[r.Next(Nouns.Length)];
        var verb = Verbs[r.Next(Verbs.Length)];
        var n = r.Next(1000);
        var m = r.Next(100);
        return r.Next(16) switch
        {
            0 => Invariant($"PASS  src/{noun}/{noun2}.test.ts (0.{n:D3} s)"),
            1 => Invariant($"  ✓ {verb}s the {noun} correctly ({m} ms)"),
            2 => Invariant($"  ✗ {verb}s an empty {noun2} ({m} ms)"),
            3 => "error[E0308]: mismatched types",
            4 => Invariant($"   --> src/{noun}.rs:{n}:{m}"),
            5 => Invariant($"drwxr-xr-x  5 dev dev  4096 Jan {m % 28 + 1:D2} 09:{m % 60:D2} {noun}"),
            6 => Invariant($"-rw-r--r--  1 dev dev {n * 37} Mar {m % 28 + 1:D2} 10:{m % 60:D2} {noun}_{verb}.py"),
            7 => Invariant($"commit {n * 7919:x8}{m * 104729:x8}{n:x4}{m:x4}0000000000000000")[..47],
            8 => Invariant($"    {Cap(verb)} {noun} {noun2} handling (#{n})"),
            9 => Invariant($"npm WARN deprecated {noun}@1.{m}.0: use @{noun2}/{noun} instead"),
            10 => Invariant($"[INFO] Building {noun}-{noun2} ... done in {n} ms"),
            11 => Invariant($"  File \"/home/dev/app/{noun}.py\", line {n}, in {verb}_{noun2}"),
            12 => Invariant($"AssertionError: expected {n} {noun}s but got {m}"),
            13 => Invariant($"  Restored /home/dev/app/{Cap(noun)}.{Cap(noun2)}.csproj (in {m} ms)."),
            14 => Invariant($"{noun}_{verb}.go:{n}:{m}: undefined: {noun2}{Cap(verb)}"),
            _ => Invariant($"Test run for {Cap(noun)}.Tests.dll (.NETCoreApp,Version=v10.0): Passed: {n}, Failed: {m % 3}"),
        };
    }

    private static string FormatUuid(ulong hi, ulong lo)
    {
        return string.Create(36, (hi, lo), static (span, v) =>
        {
            var j = 0;
            for (var i = 0; i < 32; i++)
            {
                if (i is 8 or 12 or 16 or 20)
                {
                    span[j++] = '-';
                }

                var word = i < 16 ? v.hi : v.lo;
                var shift = 60 - 4 * (i % 16);
                span[j++] = HexDigits[(int)((word >> shift) & 0xF)];
            }
        });
    }
}
