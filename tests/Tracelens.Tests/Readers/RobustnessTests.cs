using System.Text;
using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Readers;
using Tracelens.Readers.Claude;
using Tracelens.Readers.Codex;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Readers;

/// <summary>
/// Feeds thousands of corrupted variants of the real fixtures to both readers: truncated files,
/// flipped bytes, swapped JSON types, binary garbage, invalid UTF-8 and multi-megabyte lines.
/// Readers must never throw, and corruption must never cost a row it did not touch.
/// </summary>
public class RobustnessTests
{
    private sealed record Fixture(Provider Provider, string Name, byte[][] Lines);

    private static List<Fixture> Fixtures()
    {
        var list = new List<Fixture>();
        void Add(Provider p, string path)
        {
            var bytes = File.ReadAllBytes(path);
            var lines = SplitLines(bytes);
            list.Add(new Fixture(p, $"{Path.GetFileName(Path.GetDirectoryName(path))}/{Path.GetFileName(path)}", lines));
        }

        foreach (var f in Directory.GetFiles(TestPaths.Shared("conformance", "burn", "claude"), "*.jsonl").Order(StringComparer.Ordinal))
        {
            Add(Provider.Claude, f);
        }

        foreach (var f in Directory.GetFiles(TestPaths.Shared("conformance", "burn", "codex"), "*.jsonl").Order(StringComparer.Ordinal))
        {
            Add(Provider.Codex, f);
        }

        foreach (var f in Directory.GetFiles(TestPaths.Shared("conformance", "tracelab", "raw"), "*.jsonl").Order(StringComparer.Ordinal))
        {
            Add(f.Contains("rollout", StringComparison.Ordinal) ? Provider.Codex : Provider.Claude, f);
        }

        return list;
    }

    private static byte[][] SplitLines(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        if (start < bytes.Length)
        {
            lines.Add(bytes[start..]);
        }

        return [.. lines];
    }

    private static byte[] Join(IEnumerable<byte[]> lines)
    {
        using var ms = new MemoryStream();
        foreach (var l in lines)
        {
            ms.Write(l);
            ms.WriteByte((byte)'\n');
        }

        return ms.ToArray();
    }

    private static (List<AgentStep> Steps, ReadDiagnostics Diagnostics) Read(Provider provider, byte[] content)
    {
        var diagnostics = new ReadDiagnostics(maxExamples: 5);
        using var lines = new JsonlLineReader(new MemoryStream(content), bufferSize: 16 << 10);
        var steps = provider == Provider.Claude
            ? new ClaudeSessionReader(diagnostics).Read(new ClaudeSessionSource("mem.jsonl", "p", "s"), lines)
            : new CodexSessionReader(diagnostics).Read(new CodexSessionSource("mem.jsonl"), lines);
        return (steps, diagnostics);
    }

    private static string Rows(List<AgentStep> steps) => string.Join('\n', steps.Select(TraceLabRowWriter.Serialize));

    /// <summary>Lines that must be ignored wherever they are inserted.</summary>
    private static byte[] JunkLine(Random rng, Provider provider)
    {
        // Multi-megabyte lines (kinds 5 and 6) are costly: about one insertion in twenty gets one.
        var kind = rng.Next(40);
        kind = kind < 9 ? kind : new[] { 0, 1, 2, 3, 4, 7, 8 }[kind % 7];
        switch (kind)
        {
            case 0:
                return "{\"type\":\"assistant\",\"message\":{\"role\":\"assistant\",\"id\":"u8.ToArray(); // cut off
            case 1:
            {
                var b = new byte[rng.Next(1, 400)];
                rng.NextBytes(b);
                for (var i = 0; i < b.Length; i++)
                {
                    if (b[i] is (byte)'\n' or (byte)'\r')
                    {
                        b[i] = 0;
                    }
                }

                b[0] = 0xFF; // never valid UTF-8 JSON
                return b;
            }

            case 2:
                return Encoding.UTF8.GetBytes("[1,2,3]");
            case 3:
                return provider == Provider.Claude
                    ? "{\"type\":\"assistant\",\"message\":\"not an object\"}"u8.ToArray()
                    : "{\"type\":\"event_msg\",\"payload\":\"not an object\"}"u8.ToArray();
            case 4:
                return provider == Provider.Claude
                    ? "{\"type\":\"assistant\",\"message\":{\"role\":\"assistant\",\"id\":42,\"content\":[]}}"u8.ToArray()
                    : "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":null}}"u8.ToArray();
            case 5:
            {
                // A multi-megabyte line of junk: memory grows with the line, the row stream does not change.
                var huge = new byte[rng.Next(1 << 20, 3 << 20)];
                huge.AsSpan().Fill((byte)'x');
                huge[0] = (byte)'{';
                return huge;
            }

            case 6:
            {
                // A huge but valid record of a type the readers ignore.
                var payload = new string('y', rng.Next(1 << 20, 2 << 20));
                return Encoding.UTF8.GetBytes(provider == Provider.Claude
                    ? $"{{\"type\":\"file-history-snapshot\",\"blob\":\"{payload}\"}}"
                    : $"{{\"type\":\"compacted\",\"payload\":{{\"message\":\"{payload}\"}}}}");
            }

            case 7:
                return [0xC3, 0x28, (byte)'{', (byte)'}']; // invalid UTF-8 sequence
            default:
                return "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"x\"},}"u8.ToArray(); // trailing comma
        }
    }

    /// <summary>Swaps one JSON value's type on a line (number → string, object → array, …), textually.</summary>
    private static byte[] SwapType(Random rng, byte[] line)
    {
        var text = Encoding.UTF8.GetString(line);
        var candidates = new[] { ":{", ":[", ":\"", ":0", ":1", ":2", ":3", ":4", ":5", ":6", ":7", ":8", ":9", ":true", ":false", ":null" };
        var positions = new List<int>();
        foreach (var c in candidates)
        {
            for (var i = text.IndexOf(c, StringComparison.Ordinal); i >= 0; i = text.IndexOf(c, i + 1, StringComparison.Ordinal))
            {
                positions.Add(i);
            }
        }

        if (positions.Count == 0)
        {
            return line;
        }

        var at = positions[rng.Next(positions.Count)] + 1;
        var replacement = rng.Next(5) switch { 0 => "\"swapped\"", 1 => "[]", 2 => "{}", 3 => "12.5", _ => "null" };
        // Replace the value's first token; the rest may become invalid JSON, which is fine too.
        var end = at;
        if (text[at] == '"')
        {
            end = text.IndexOf('"', at + 1);
            end = end < 0 ? text.Length : end + 1;
        }
        else if (char.IsAsciiDigit(text[at]) || text[at] == '-')
        {
            while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '-' or '.'))
            {
                end++;
            }
        }
        else if (text[at] is 't' or 'f' or 'n')
        {
            while (end < text.Length && char.IsAsciiLetter(text[end]))
            {
                end++;
            }
        }
        else
        {
            end = at + 1; // a bracket: breaks the structure
        }

        return Encoding.UTF8.GetBytes(text[..at] + replacement + text[end..]);
    }

    [SharedFact]
    public void Ten_thousand_corrupted_variants_never_throw_and_never_lose_an_intact_row()
    {
        var rng = new Random(20261121);
        var fixtures = Fixtures();
        var variants = 0;
        var baselines = fixtures.ToDictionary(f => f.Name, f => Read(f.Provider, Join(f.Lines)).Steps);
        while (variants < 10_200)
        {
            foreach (var fixture in fixtures)
            {
                var original = baselines[fixture.Name];
                var kind = variants % 4;
                if (kind == 0)
                {
                    // Inserted junk must change nothing at all.
                    var lines = fixture.Lines.ToList();
                    lines.Insert(rng.Next(lines.Count + 1), JunkLine(rng, fixture.Provider));
                    var (steps, diagnostics) = Read(fixture.Provider, Join(lines));
                    Assert.True(Rows(original) == Rows(steps), $"{fixture.Name}: inserted junk changed the rows");
                    Assert.True(diagnostics.TotalSkipped >= 1 || lines.Any(l => l.Length > 0 && l[0] == (byte)'{'), fixture.Name);
                }
                else if (kind == 1)
                {
                    // The file cut at any byte keeps every row its complete lines hold.
                    var bytes = Join(fixture.Lines);
                    var cut = rng.Next(bytes.Length + 1);
                    var lastBreak = Array.LastIndexOf(bytes, (byte)'\n', Math.Max(0, cut - 1));
                    var (whole, _) = Read(fixture.Provider, bytes[..(lastBreak + 1)]);
                    var (steps, _) = Read(fixture.Provider, bytes[..cut]);
                    AssertKept(fixture, whole, steps, damagedLine: null);
                }
                else
                {
                    // One line damaged in place (byte flips or a swapped type): only rows that line feeds may change.
                    var lines = fixture.Lines.Select(l => l.ToArray()).ToArray();
                    var index = rng.Next(lines.Length);
                    if (kind == 2)
                    {
                        for (var f = rng.Next(1, 4); f > 0 && lines[index].Length > 0; f--)
                        {
                            lines[index][rng.Next(lines[index].Length)] ^= (byte)(1 << rng.Next(8));
                        }
                    }
                    else
                    {
                        lines[index] = SwapType(rng, lines[index]);
                    }

                    var (steps, _) = Read(fixture.Provider, Join(lines.Select(l =>
                    {
                        l.AsSpan().Replace((byte)'\n', (byte)' ');
                        return l;
                    })));
                    AssertKept(fixture, original, steps, damagedLine: fixture.Lines[index]);
                }

                variants++;
            }
        }

        Assert.True(variants >= 10_000);
    }

    /// <summary>Every expected row whose id is not on the damaged line is still there.</summary>
    private static void AssertKept(Fixture fixture, List<AgentStep> expected, List<AgentStep> actual, byte[]? damagedLine)
    {
        if (fixture.Provider == Provider.Codex)
        {
            // A damaged usage report can merge or split calls; no more than one row may go.
            Assert.True(actual.Count >= expected.Count - (damagedLine is null ? 0 : 1), $"{fixture.Name}: {expected.Count} → {actual.Count} rows");
            return;
        }

        var damaged = damagedLine is null ? string.Empty : Encoding.UTF8.GetString(damagedLine);
        var ids = actual.Select(s => s.RoundId).ToHashSet(StringComparer.Ordinal);
        foreach (var step in expected)
        {
            if (damaged.Contains(step.RoundId, StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(ids.Contains(step.RoundId), $"{fixture.Name}: intact row {step.RoundId} was lost");
        }
    }
}
