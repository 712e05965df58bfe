using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Tracelens.Json;

/// <summary>
/// String helpers with Python semantics: decoding JSON escapes, counting code points, and the
/// escaping <c>json.dumps(ensure_ascii=False)</c> applies.
/// </summary>
public static class JsonStringCodec
{
    /// <summary>Decodes the raw bytes between a JSON string's quotes (escapes included).</summary>
    /// <remarks>
    /// Into one char buffer, not a builder fed a string per plain run: tool output has an escape
    /// about every 40 bytes. The text never has more chars than the raw bytes (a UTF-8 byte gives at
    /// most one char, an escape one char for two or six bytes). Each plain run is decoded on its own,
    /// so an invalid byte sequence becomes U+FFFD within its run, as before.
    /// </remarks>
    public static string Unescape(ReadOnlySpan<byte> raw)
    {
        var first = raw.IndexOf((byte)'\\');
        if (first < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        char[]? rented = null;
        var chars = raw.Length <= 512 ? stackalloc char[raw.Length] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            var n = 0;
            var i = 0;
            while (i < raw.Length)
            {
                var k = i == 0 ? first : raw[i..].IndexOf((byte)'\\');
                var plainEnd = k < 0 ? raw.Length : i + k;
                if (plainEnd > i)
                {
                    n += Encoding.UTF8.GetChars(raw[i..plainEnd], chars[n..]);
                }

                if (k < 0)
                {
                    break;
                }

                i = plainEnd;
                var c = raw[i + 1];
                if (c == (byte)'u')
                {
                    chars[n++] = (char)((Hex(raw[i + 2]) << 12) | (Hex(raw[i + 3]) << 8) | (Hex(raw[i + 4]) << 4) | Hex(raw[i + 5]));
                    i += 6;
                    continue;
                }

                chars[n++] = c switch
                {
                    (byte)'b' => '\b',
                    (byte)'f' => '\f',
                    (byte)'n' => '\n',
                    (byte)'r' => '\r',
                    (byte)'t' => '\t',
                    _ => (char)c,
                };
                i += 2;
            }

            return new string(chars[..n]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The value of one hex digit of a <c>\u</c> escape (the parse has checked it is one).</summary>
    private static int Hex(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => throw new FormatException($"'{(char)digit}' is not a hex digit in a \\u escape"),
    };

    /// <summary>Number of Unicode code points in valid UTF-8 (continuation bytes do not count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountCodePoints(ReadOnlySpan<byte> utf8)
    {
        var count = utf8.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create((byte)0xC0);
            var cont = Vector256.Create((byte)0x80);
            for (; i + 32 <= utf8.Length; i += 32)
            {
                var v = Vector256.Create(utf8.Slice(i, 32));
                var bits = Vector256.Equals(v & mask, cont).ExtractMostSignificantBits();
                count -= BitOperations.PopCount(bits);
            }
        }

        for (; i < utf8.Length; i++)
        {
            if ((utf8[i] & 0xC0) == 0x80)
            {
                count--;
            }
        }

        return count;
    }

    /// <summary>Code points of a decoded .NET string (surrogate pairs count once, lone ones once).</summary>
    public static int CountCodePoints(string s)
    {
        var n = s.Length;
        for (var i = 0; i + 1 < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]))
            {
                n--;
                i++;
            }
        }

        return n;
    }

    /// <summary>Sizes of a JSON string: decoded, and written back by Python's json.dumps (without quotes).</summary>
    public readonly record struct StringMeasure(int DecodedCodePoints, int EscapedCodePoints, long DecodedBytes, long EscapedBytes);

    /// <summary>
    /// Code points and UTF-8 bytes of the decoded value of a raw JSON string body, and of its
    /// Python-escaped form, computed without decoding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StringMeasure MeasureRaw(ReadOnlySpan<byte> raw, bool hasEscapes)
    {
        if (!hasEscapes)
        {
            // Raw JSON strings cannot hold quotes, backslashes or control bytes, so nothing needs escaping.
            var n = CountCodePoints(raw);
            return new StringMeasure(n, n, raw.Length, raw.Length);
        }

        // One vectorized pass counts code points as if escapes were plain text; then each escape
        // sequence (pure ASCII, found by jumping between backslashes) corrects the counts.
        var rawCodePoints = CountCodePoints(raw);
        int decoded = rawCodePoints, escaped = rawCodePoints;
        long decodedBytes = raw.Length, escapedBytes = raw.Length;
        var i = raw.IndexOf((byte)'\\');
        while (i >= 0 && i < raw.Length)
        {
            var c = raw[i + 1];
            int consumed;
            if (c != (byte)'u')
            {
                // \" \\ \b \f \n \r \t: one character, written back as two; \/ is written as '/'.
                consumed = 2;
                decoded -= 1;
                decodedBytes -= 1;
                if (c == (byte)'/')
                {
                    escaped -= 1;
                    escapedBytes -= 1;
                }
            }
            else
            {
                var unit = ParseHex4(raw.Slice(i + 2, 4));
                if (char.IsHighSurrogate((char)unit) && i + 12 <= raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u'
                    && char.IsLowSurrogate((char)ParseHex4(raw.Slice(i + 8, 4))))
                {
                    // Python joins an escaped surrogate pair into one code point (4 UTF-8 bytes).
                    consumed = 12;
                    decoded -= 11;
                    escaped -= 11;
                    decodedBytes -= 8;
                    escapedBytes -= 8;
                }
                else
                {
                    var ch = (char)unit;
                    var utf8 = ch < 0x80 ? 1 : ch < 0x800 ? 2 : 3;
                    var written = EscapedLength(ch);
                    consumed = 6;
                    decoded -= 5;
                    escaped -= 6 - written;
                    decodedBytes -= 6 - utf8;
                    escapedBytes -= 6 - (written == 1 ? utf8 : written);
                }
            }

            var next = raw[(i + consumed)..].IndexOf((byte)'\\');
            i = next < 0 ? -1 : i + consumed + next;
        }

        return new StringMeasure(decoded, escaped, decodedBytes, escapedBytes);
    }

    internal static int ParseHex4(ReadOnlySpan<byte> hex)
    {
        var v = 0;
        foreach (var b in hex)
        {
            v = (v << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }

        return v;
    }

    /// <summary>Length json.dumps(ensure_ascii=False) gives one BMP character.</summary>
    public static int EscapedLength(char c) => c switch
    {
        '"' or '\\' or '\n' or '\r' or '\t' or '\b' or '\f' => 2,
        < ' ' => 6,
        _ => 1,
    };

    internal static readonly System.Buffers.SearchValues<char> CharsNeedingEscape = System.Buffers.SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    /// <summary>Characters json.dumps(ensure_ascii=True) writes as they are: printable ASCII except quote and backslash.</summary>
    private static readonly System.Buffers.SearchValues<char> AsciiPassThrough = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).Where(c => c is not ('"' or '\\'))));

    /// <summary>
    /// Appends <paramref name="s"/> as a Python json.dumps string literal: with
    /// <paramref name="ensureAscii"/> false (TraceLab's rows) non-ASCII stays raw; with it true
    /// (json.dumps' default, e.g. summary.json) everything outside printable ASCII is \uXXXX.
    /// </summary>
    public static void AppendPythonLiteral(StringBuilder sb, string s, bool ensureAscii = false)
    {
        sb.Append('"');
        var rest = s.AsSpan();
        while (true)
        {
            // Copy runs that need no escaping in one go.
            var k = ensureAscii ? rest.IndexOfAnyExcept(AsciiPassThrough) : rest.IndexOfAny(CharsNeedingEscape);
            if (k < 0)
            {
                sb.Append(rest);
                break;
            }

            sb.Append(rest[..k]);
            var c = rest[k];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default: sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
            }

            rest = rest[(k + 1)..];
        }

        sb.Append('"');
    }
}
