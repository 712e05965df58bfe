using System.Text;
using System.Text.Unicode;
using Tracelens.Json;
using Xunit;

namespace Tracelens.Tests;

/// <summary>
/// The tape's string scanner classifies 64 bytes at a time and finds which bytes runs of
/// backslashes escape by carry arithmetic over bit masks. This test holds it to a byte-at-a-time
/// reference of the same rules (Python's json module: strict control characters, the eight escapes
/// and \uXXXX) on strings whose escapes, backslash runs, quotes and multi-byte characters fall on
/// every position of a block and across block boundaries, with the line alone in its array (the
/// last block is copied) and followed by more bytes (the last block is loaded in place, and the
/// bytes after the line must not count).
/// </summary>
public class JsonTapeStringTests
{
    private static readonly string[] Pieces =
    [
        "a", "xyz", "    ", "\\n", "\\\\", "\\\"", "\\/", "\\t", "\\u00e9", "\\u2028", "\\uABCD", "é", "日本", "😀",
        "0123456789abcdefghijklmnopqrstuvwxyz", "\\\\\\\\", "\\\\\\\"", "\\b", "\\f", "\\r\\n",
        "0123456789012345678901234567890123456789012345678901234567890",
    ];

    /// <summary>Rare bytes that make a string invalid: control, bad escapes, invalid UTF-8, a cut-off end.</summary>
    private static readonly byte[][] Faults =
    [
        [0x01], [(byte)'\t'], [(byte)'\\', (byte)'x'], [(byte)'\\', (byte)'u', (byte)'1', (byte)'2', (byte)'g', (byte)'4'],
        [0xff], [0x80], [0xe6, 0x97], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [(byte)'\\'], [(byte)'\\', (byte)'\n'],
        [(byte)'\\', (byte)'\\', (byte)'\\'], [(byte)'\\', (byte)'u', (byte)'0'], [(byte)'\\', (byte)'u', (byte)'0', (byte)'0', (byte)'e'],
    ];

    /// <summary>Bytes placed after the line in the larger array: each would change the result if read as part of it.</summary>
    private static readonly byte[] AfterLine = [(byte)'"', (byte)'\\', (byte)' ', 0x01, (byte)'n', (byte)'u'];

    private static byte[] RandomContent(Random rng, bool withFault)
    {
        var bytes = new List<byte>();
        var n = rng.Next(0, rng.Next(4) == 0 ? 60 : 24);
        for (var k = 0; k < n; k++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(Pieces[rng.Next(Pieces.Length)]));
        }

        if (withFault)
        {
            bytes.InsertRange(rng.Next(bytes.Count + 1), Faults[rng.Next(Faults.Length)]);
        }

        return [.. bytes];
    }

    [Fact]
    public void Strings_parse_exactly_as_a_byte_at_a_time_scan_would_at_every_block_position()
    {
        var rng = new Random(20261202);
        var tape = new JsonTape();
        var checkedFaults = 0;
        var fastMeasures = 0;
        for (var iteration = 0; iteration < 40_000; iteration++)
        {
            // ["first", "second"] after 0–63 spaces, so both strings start at every offset of a 32-byte block.
            var first = RandomContent(rng, withFault: rng.Next(8) == 0);
            var second = RandomContent(rng, withFault: rng.Next(8) == 0);
            var line = new List<byte>();
            line.AddRange(Enumerable.Repeat((byte)' ', rng.Next(64)));
            line.Add((byte)'[');
            var firstQuote = line.Count;
            line.Add((byte)'"');
            line.AddRange(first);
            var firstClose = line.Count;
            line.Add((byte)'"');
            line.Add((byte)',');
            var secondQuote = line.Count;
            line.Add((byte)'"');
            line.AddRange(second);
            var secondClose = line.Count;
            var cut = rng.Next(20) == 0; // the line ends inside the second string
            if (!cut)
            {
                line.AddRange("\"]"u8.ToArray());
            }

            var bytes = line.ToArray();
            var expected = Reference(bytes, firstQuote);
            if (expected.Error is null && expected.End == firstClose)
            {
                expected = Reference(bytes, secondQuote);
                if (expected.Error is null && expected.End != secondClose)
                {
                    continue; // a lone-backslash fault turned the next escaped quote into the closing one
                }
            }
            else if (expected.Error is null)
            {
                continue;
            }

            // Alone in its array, and inside a larger one after bytes that must not count either.
            var embedded = new byte[7 + bytes.Length + rng.Next(140)];
            rng.NextBytes(embedded);
            for (var b = 0; b < embedded.Length; b++)
            {
                embedded[b] = AfterLine[embedded[b] % AfterLine.Length];
            }

            bytes.CopyTo(embedded, 7);
            foreach (var (array, offset) in new[] { (bytes, 0), (embedded, 7) })
            {
                var parsed = tape.ParseInPlace(array, offset, bytes.Length);
                var context = $"iteration {iteration} at {offset}: {Convert.ToHexString(bytes)}";
                if (expected.Error is not null)
                {
                    checkedFaults++;
                    Assert.False(parsed, context);
                    Assert.Equal(expected.Error, tape.Error);
                    continue;
                }

                Assert.True(parsed, $"{context}: {tape.Error}");
                var a = JsonTape.FirstChild(JsonTape.Root);
                if (Utf8.IsValid(first) && Utf8.IsValid(second)) // (the tape does not validate UTF-8; the line reader does)
                {
                    Assert.Equal(Decode(first), tape.GetString(a));
                    Assert.Equal(Decode(second), tape.GetString(tape.NextOf(a)));
                    // Sizes from the escapes the parse counted equal the walk over the raw bytes, and
                    // the decoded text's own.
                    foreach (var (index, content) in new[] { (a, first), (tape.NextOf(a), second) })
                    {
                        var measure = tape.MeasureString(index);
                        Assert.Equal(JsonStringCodec.MeasureRaw(content, content.Contains((byte)'\\')), measure);
                        Assert.Equal(Decode(content).EnumerateRunes().Count(), measure.DecodedCodePoints);
                        Assert.Equal(Encoding.UTF8.GetByteCount(Decode(content)), measure.DecodedBytes);
                    }

                    fastMeasures += new[] { first, second }.Select(c => Encoding.UTF8.GetString(c))
                        .Count(text => text.Contains('\\', StringComparison.Ordinal) && !text.Contains("\\u", StringComparison.Ordinal) && !text.Contains("\\/", StringComparison.Ordinal));
                }
            }
        }

        Assert.True(checkedFaults > 4000, $"only {checkedFaults} faulty lines were generated");
        Assert.True(fastMeasures > 4000, $"only {fastMeasures} strings had one-byte escapes alone");
    }

    /// <summary>What the scan must report for the string whose opening quote is at <paramref name="quote"/>.</summary>
    private static (string? Error, int End) Reference(byte[] s, int quote)
    {
        var p = quote + 1;
        while (true)
        {
            if (p >= s.Length)
            {
                return ("unterminated string", -1);
            }

            var b = s[p];
            if (b == (byte)'"')
            {
                return (null, p);
            }

            if (b < 0x20)
            {
                return ($"invalid control character at {p}", -1);
            }

            if (b == (byte)'\\')
            {
                if (p + 1 >= s.Length)
                {
                    return ("unterminated string", -1);
                }

                var c = s[p + 1];
                if (c == (byte)'u')
                {
                    if (p + 5 >= s.Length || !s.AsSpan(p + 2, 4).ToArray().All(h => Uri.IsHexDigit((char)h)))
                    {
                        return ($"invalid \\u escape at {p}", -1);
                    }

                    p += 6;
                }
                else if ("\"\\/bfnrt"u8.Contains(c))
                {
                    p += 2;
                }
                else
                {
                    return ($"invalid escape at {p}", -1);
                }

                continue;
            }

            p++;
        }
    }

    private static string Decode(byte[] content) =>
        System.Text.Json.JsonSerializer.Deserialize<string>([(byte)'"', .. content, (byte)'"'])!;
}
