using System.Runtime.CompilerServices;
using System.Text;

namespace Tracelens.Json;

/// <summary>
/// Python <c>json.dumps(v, ensure_ascii=False, separators=(",", ":"))</c> of values on a
/// <see cref="JsonTape"/>: the serialization TraceLab measures (<c>content_chars</c>,
/// <c>input_chars</c>) and writes (tool inputs). Keys keep first-occurrence order with the last
/// duplicate's value; integers print exactly (<c>-0</c> as <c>0</c>); floats as <c>repr</c>.
/// </summary>
public static class PythonJson
{
    /// <summary>TraceLab's <c>content_chars</c>: a string's code points, else the compact JSON's code points; null is 0.</summary>
    public static int ContentChars(JsonTape tape, int index)
    {
        if (index < 0)
        {
            return 0;
        }

        return tape.KindOf(index) switch
        {
            JsonKind.Null => 0,
            JsonKind.String => tape.MeasureString(index).DecodedCodePoints,
            _ => (int)SerializedSize(tape, index, utf8Bytes: false),
        };
    }

    /// <summary>Code points of the compact Python serialization of a value.</summary>
    public static int SerializedLength(JsonTape tape, int index) => (int)SerializedSize(tape, index, utf8Bytes: false);

    /// <summary>
    /// Size of the compact Python serialization of a value, in code points or in UTF-8 bytes,
    /// measured on the tape without building the text.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long SerializedSize(JsonTape tape, int index, bool utf8Bytes)
    {
        switch (tape.KindOf(index))
        {
            case JsonKind.String:
            {
                var m = tape.MeasureString(index);
                return 2 + (utf8Bytes ? m.EscapedBytes : m.EscapedCodePoints);
            }

            case JsonKind.Integer:
            {
                var raw = tape.RawSpan(index);
                return raw.SequenceEqual("-0"u8) ? 1 : raw.Length;
            }

            case JsonKind.Float:
                return PythonFloat.Repr(PythonFloat.ParseLiteral(tape.RawSpan(index))).Length;
            case JsonKind.True:
            case JsonKind.Null:
                return 4;
            case JsonKind.False:
                return 5;
            case JsonKind.Array:
            {
                var n = tape.ChildCount(index);
                long len = 2 + Math.Max(0, n - 1);
                var child = JsonTape.FirstChild(index);
                for (var i = 0; i < n; i++)
                {
                    len += SerializedSize(tape, child, utf8Bytes);
                    child = tape.NextOf(child);
                }

                return len;
            }

            case JsonKind.Object:
            {
                if (HasDuplicateKeys(tape, index))
                {
                    var members = Members(tape, index);
                    long dedupedLength = 2 + Math.Max(0, members.Count - 1);
                    foreach (var (memberKey, memberValue) in members)
                    {
                        dedupedLength += SerializedSize(tape, memberKey, utf8Bytes) + 1 + SerializedSize(tape, memberValue, utf8Bytes);
                    }

                    return dedupedLength;
                }

                var n = tape.ChildCount(index);
                long len = 2 + Math.Max(0, n - 1);
                var key = JsonTape.FirstChild(index);
                for (var i = 0; i < n; i++)
                {
                    var value = key + 1;
                    len += SerializedSize(tape, key, utf8Bytes) + 1 + SerializedSize(tape, value, utf8Bytes);
                    key = tape.NextOf(value);
                }

                return len;
            }

            default:
                throw new InvalidOperationException("unknown JSON kind");
        }
    }

    /// <summary>Whether an object repeats a key (rare; then Python keeps one entry per key).</summary>
    internal static bool HasDuplicateKeys(JsonTape tape, int objectIndex)
    {
        var n = tape.ChildCount(objectIndex);
        if (n < 2)
        {
            return false;
        }

        Span<int> keys = n <= 64 ? stackalloc int[n] : new int[n];
        var key = JsonTape.FirstChild(objectIndex);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (KeysEqual(tape, keys[j], key))
                {
                    return true;
                }
            }

            keys[i] = key;
            key = tape.NextOf(key + 1);
        }

        return false;
    }

    /// <summary>
    /// Appends the compact Python serialization of a value as UTF-8, copying raw string bytes as
    /// they are and rewriting only escape sequences (no UTF-16 round trip).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteUtf8(Utf8Buffer output, JsonTape tape, int index)
    {
        switch (tape.KindOf(index))
        {
            case JsonKind.String:
                output.Append((byte)'"');
                if (tape.IsEscaped(index))
                {
                    RewriteEscapes(output, tape.RawSpan(index));
                }
                else
                {
                    // An unescaped raw JSON string is already what Python writes.
                    output.Append(tape.RawSpan(index));
                }

                output.Append((byte)'"');
                break;
            case JsonKind.Integer:
            {
                var raw = tape.RawSpan(index);
                output.Append(raw.SequenceEqual("-0"u8) ? "0"u8 : raw);
                break;
            }

            case JsonKind.Float:
                output.Append(PythonFloat.Repr(PythonFloat.ParseLiteral(tape.RawSpan(index))));
                break;
            case JsonKind.True:
                output.Append("true"u8);
                break;
            case JsonKind.False:
                output.Append("false"u8);
                break;
            case JsonKind.Null:
                output.Append("null"u8);
                break;
            case JsonKind.Array:
            {
                output.Append((byte)'[');
                var n = tape.ChildCount(index);
                var child = JsonTape.FirstChild(index);
                for (var i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        output.Append((byte)',');
                    }

                    WriteUtf8(output, tape, child);
                    child = tape.NextOf(child);
                }

                output.Append((byte)']');
                break;
            }

            case JsonKind.Object:
            {
                output.Append((byte)'{');
                if (HasDuplicateKeys(tape, index))
                {
                    var first = true;
                    foreach (var (key, value) in Members(tape, index))
                    {
                        if (!first)
                        {
                            output.Append((byte)',');
                        }

                        first = false;
                        WriteUtf8(output, tape, key);
                        output.Append((byte)':');
                        WriteUtf8(output, tape, value);
                    }
                }
                else
                {
                    var n = tape.ChildCount(index);
                    var key = JsonTape.FirstChild(index);
                    for (var i = 0; i < n; i++)
                    {
                        if (i > 0)
                        {
                            output.Append((byte)',');
                        }

                        WriteUtf8(output, tape, key);
                        output.Append((byte)':');
                        WriteUtf8(output, tape, key + 1);
                        key = tape.NextOf(key + 1);
                    }
                }

                output.Append((byte)'}');
                break;
            }
        }
    }

    /// <summary>Rewrites a raw JSON string body's escapes into Python's form, byte for byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RewriteEscapes(Utf8Buffer output, ReadOnlySpan<byte> raw)
    {
        Span<char> pair = stackalloc char[2];
        while (true)
        {
            var k = raw.IndexOf((byte)'\\');
            if (k < 0)
            {
                output.Append(raw);
                return;
            }

            output.Append(raw[..k]);
            var c = raw[k + 1];
            if (c != (byte)'u')
            {
                // \" \\ \b \f \n \r \t are written as they are; \/ becomes a plain '/'.
                if (c == (byte)'/')
                {
                    output.Append((byte)'/');
                }
                else
                {
                    output.Append(raw.Slice(k, 2));
                }

                raw = raw[(k + 2)..];
                continue;
            }

            var unit = (char)JsonStringCodec.ParseHex4(raw.Slice(k + 2, 4));
            if (char.IsHighSurrogate(unit) && raw.Length >= k + 12 && raw[k + 6] == (byte)'\\' && raw[k + 7] == (byte)'u'
                && char.IsLowSurrogate((char)JsonStringCodec.ParseHex4(raw.Slice(k + 8, 4))))
            {
                pair[0] = unit;
                pair[1] = (char)JsonStringCodec.ParseHex4(raw.Slice(k + 8, 4));
                output.Append(pair);
                raw = raw[(k + 12)..];
                continue;
            }

            if (JsonStringCodec.EscapedLength(unit) > 1)
            {
                output.AppendEscape(unit);
            }
            else
            {
                pair[0] = unit;
                output.Append(pair[..1]);
            }

            raw = raw[(k + 6)..];
        }
    }

    /// <summary>Compact Python serialization as UTF-8 bytes.</summary>
    public static byte[] SerializeUtf8(JsonTape tape, int index)
    {
        var buffer = Utf8Buffer.ForThread(0);
        WriteUtf8(buffer, tape, index);
        return buffer.ToArray();
    }

    /// <summary>Compact Python serialization as a string (lone surrogates become U+FFFD).</summary>
    public static string Serialize(JsonTape tape, int index) => Encoding.UTF8.GetString(SerializeUtf8(tape, index));

    /// <summary>Python's <c>str(int(literal))</c> for a JSON integer literal.</summary>
    public static string IntegerLiteral(ReadOnlySpan<byte> raw) =>
        raw.SequenceEqual("-0"u8) ? "0" : Encoding.ASCII.GetString(raw);

    /// <summary>
    /// An object's members as a Python dict sees them: first-occurrence order, last value.
    /// </summary>
    public static List<(int Key, int Value)> Members(JsonTape tape, int objectIndex)
    {
        var n = tape.ChildCount(objectIndex);
        var list = new List<(int Key, int Value)>(n);
        var key = JsonTape.FirstChild(objectIndex);
        for (var i = 0; i < n; i++)
        {
            var value = key + 1;
            var dup = -1;
            for (var j = 0; j < list.Count; j++)
            {
                if (KeysEqual(tape, list[j].Key, key))
                {
                    dup = j;
                    break;
                }
            }

            if (dup >= 0)
            {
                list[dup] = (list[dup].Key, value);
            }
            else
            {
                list.Add((key, value));
            }

            key = tape.NextOf(value);
        }

        return list;
    }

    private static bool KeysEqual(JsonTape tape, int a, int b)
    {
        if (!tape.IsEscaped(a) && !tape.IsEscaped(b))
        {
            return tape.RawSpan(a).SequenceEqual(tape.RawSpan(b));
        }

        return string.Equals(tape.GetString(a), tape.GetString(b), StringComparison.Ordinal);
    }
}
