using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using Tracelens.Json;

namespace Tracelens.Readers;

/// <summary>Size and truncation of a tool result payload (burn-spec §3.2.8).</summary>
public static class ToolOutput
{
    private static readonly string[] TruncationMarkers =
        ["<system-truncated>", "[truncated]", "output truncated", "result truncated", "response truncated", "truncated to "];

    /// <summary>
    /// UTF-8 bytes of the payload the model was shown: a string's decoded bytes, otherwise the
    /// compact JSON serialization's bytes; null when there is no content.
    /// </summary>
    public static long? Bytes(JsonTape tape, int content)
    {
        if (content < 0 || tape.KindOf(content) == JsonKind.Null)
        {
            return null;
        }

        return tape.KindOf(content) == JsonKind.String
            ? tape.MeasureString(content).DecodedBytes
            : PythonJson.SerializedSize(tape, content, utf8Bytes: true);
    }

    /// <summary>
    /// TraceLab's <c>result_chars</c> (code points) and burn's output bytes of a payload in one pass
    /// for strings; bytes are null when there is no content.
    /// </summary>
    public static (int Chars, long? Bytes) Measure(JsonTape tape, int content)
    {
        if (content < 0 || tape.KindOf(content) == JsonKind.Null)
        {
            return (0, null);
        }

        if (tape.KindOf(content) == JsonKind.String)
        {
            var m = tape.MeasureString(content);
            return (m.DecodedCodePoints, m.DecodedBytes);
        }

        return (PythonJson.SerializedLength(tape, content), PythonJson.SerializedSize(tape, content, utf8Bytes: true));
    }

    /// <summary>Whether the lower-cased payload contains a truncation marker; null without content.</summary>
    public static bool? Truncated(JsonTape tape, int content)
    {
        if (content < 0 || tape.KindOf(content) == JsonKind.Null)
        {
            return null;
        }

        var raw = tape.RawValueSpan(content);
        return HasMarker(raw);
    }

    /// <summary>
    /// Marker search on raw UTF-8 with ASCII case folding. The markers are ASCII letters, spaces and
    /// brackets, which JSON never escapes, and no non-ASCII character lower-cases onto them, so this
    /// equals searching the decoded, lower-cased text.
    /// </summary>
    /// <remarks>
    /// Every marker contains "runcat"; one pass over the payload finds each place where
    /// an 'r' and a 't' five bytes on stand (in either case: OR-ing 0x20 maps only 'R' and 'r' onto
    /// 'r', and only 'T' and 't' onto 't'), and only those are compared with the markers. Tool output
    /// is most of a log's bytes, so this is one vectorized scan instead of one per letter case.
    /// </remarks>
    public static bool HasMarker(ReadOnlySpan<byte> raw)
    {
        ref var start = ref MemoryMarshal.GetReference(raw);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var fold = Vector256.Create((byte)0x20);
            var r = Vector256.Create((byte)'r');
            var t = Vector256.Create((byte)'t');
            for (; i + 5 + 32 <= raw.Length; i += 32)
            {
                var first = Vector256.LoadUnsafe(ref start, (nuint)i) | fold;
                var last = Vector256.LoadUnsafe(ref start, (nuint)(i + 5)) | fold;
                var bits = (Vector256.Equals(first, r) & Vector256.Equals(last, t)).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    if (MarkerAround(raw, i + BitOperations.TrailingZeroCount(bits)))
                    {
                        return true;
                    }

                    bits &= bits - 1;
                }
            }
        }

        for (; i + 6 <= raw.Length; i++)
        {
            if ((raw[i] | 0x20) == 'r' && (raw[i + 5] | 0x20) == 't' && MarkerAround(raw, i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a marker's "runcat" stands at <paramref name="at"/> (any case).</summary>
    private static bool MarkerAround(ReadOnlySpan<byte> raw, int at)
    {
        if (!System.Text.Ascii.EqualsIgnoreCase(raw.Slice(at, 6), "runcat"u8))
        {
            return false;
        }

        foreach (var marker in TruncationMarkerBytes)
        {
            var offset = marker.AsSpan().IndexOf("runcat"u8);
            var from = at - offset;
            if (from >= 0 && from + marker.Length <= raw.Length && System.Text.Ascii.EqualsIgnoreCase(raw.Slice(from, marker.Length), marker))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly byte[][] TruncationMarkerBytes =
        [.. TruncationMarkers.Select(System.Text.Encoding.ASCII.GetBytes)];

    public static bool HasMarker(string text) => HasMarker(System.Text.Encoding.UTF8.GetBytes(text));
}
