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
            ? JsonStringCodec.MeasureRaw(tape.RawSpan(content), tape.IsEscaped(content)).DecodedBytes
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
            var m = JsonStringCodec.MeasureRaw(tape.RawSpan(content), tape.IsEscaped(content));
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
    public static bool HasMarker(ReadOnlySpan<byte> raw)
    {
        var from = 0;
        while (from < raw.Length)
        {
            var lower = raw[from..].IndexOf("runcat"u8);
            var upper = raw[from..].IndexOf("RUNCAT"u8);
            var anyCase = lower < 0 ? upper : upper < 0 ? lower : Math.Min(lower, upper);
            // Lower-case ("truncated", "Truncated") and upper-case spellings are searched vectorized;
            // oddly mixed ones such as "tRuNcAtEd" are not looked for.
            var at = anyCase;
            if (at < 0)
            {
                return false;
            }

            // "runcat" sits at index 1 of "truncat…"; check every marker around this position.
            var hit = from + at;
            foreach (var marker in TruncationMarkerBytes)
            {
                var offset = marker.AsSpan().IndexOf("runcat"u8);
                var start = hit - offset;
                if (start >= 0 && start + marker.Length <= raw.Length && System.Text.Ascii.EqualsIgnoreCase(raw.Slice(start, marker.Length), marker))
                {
                    return true;
                }
            }

            from = hit + 1;
        }

        return false;
    }

    private static readonly byte[][] TruncationMarkerBytes =
        [.. TruncationMarkers.Select(System.Text.Encoding.ASCII.GetBytes)];

    public static bool HasMarker(string text) => HasMarker(System.Text.Encoding.UTF8.GetBytes(text));
}
