using System.Globalization;
using System.Text;
using Tracelens.Json;
using Xunit;

namespace Tracelens.Tests;

/// <summary>
/// <see cref="JsonStringCodec.Unescape"/> against a plain decoder: each run of bytes between escapes
/// decoded on its own (an invalid sequence becomes U+FFFD inside its run), each escape by its meaning.
/// </summary>
public sealed class JsonStringCodecTests
{
    private static readonly byte[][] Pieces =
    [
        "plain"u8.ToArray(), " "u8.ToArray(), "é"u8.ToArray(), "日本"u8.ToArray(), "😀"u8.ToArray(),
        "\\n"u8.ToArray(), "\\\""u8.ToArray(), "\\\\"u8.ToArray(), "\\/"u8.ToArray(), "\\b"u8.ToArray(), "\\f"u8.ToArray(),
        "\\r"u8.ToArray(), "\\t"u8.ToArray(), "\\u00e9"u8.ToArray(), "\\u00E9"u8.ToArray(), "\\ud83d\\ude00"u8.ToArray(),
        "\\ud83d"u8.ToArray(), "\\u0000"u8.ToArray(), "\\uFFFF"u8.ToArray(),
        [0xFF], [0xC3], [0xE6, 0x97], [0xF0, 0x9F, 0x98], [0x80],
    ];

    private static string Reference(byte[] raw)
    {
        var text = new StringBuilder();
        var i = 0;
        while (i < raw.Length)
        {
            var k = Array.IndexOf(raw, (byte)'\\', i);
            var end = k < 0 ? raw.Length : k;
            text.Append(Encoding.UTF8.GetString(raw, i, end - i));
            if (k < 0)
            {
                break;
            }

            var c = (char)raw[k + 1];
            if (c == 'u')
            {
                text.Append((char)int.Parse(Encoding.ASCII.GetString(raw, k + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i = k + 6;
                continue;
            }

            text.Append(c switch { 'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t', _ => c });
            i = k + 2;
        }

        return text.ToString();
    }

    [Fact]
    public void Unescape_equals_decoding_each_run_and_escape_on_its_own()
    {
        var rng = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var raw = new List<byte>();
            var count = rng.Next(0, 12);
            for (var k = 0; k < count; k++)
            {
                raw.AddRange(rng.Next(30) == 0 ? Encoding.ASCII.GetBytes(new string('x', rng.Next(200, 900))) : Pieces[rng.Next(Pieces.Length)]);
            }

            var bytes = raw.ToArray();
            Assert.Equal(Reference(bytes), JsonStringCodec.Unescape(bytes));
        }
    }
}
