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

        if (tape.KindOf(content) == JsonKind.String)
        {
            return tape.IsEscaped(content) ? Encoding.UTF8.GetByteCount(tape.GetString(content)) : tape.RawSpan(content).Length;
        }

        return Encoding.UTF8.GetByteCount(PythonJson.Serialize(tape, content));
    }

    /// <summary>Whether the lower-cased payload contains a truncation marker; null without content.</summary>
    public static bool? Truncated(JsonTape tape, int content)
    {
        if (content < 0 || tape.KindOf(content) == JsonKind.Null)
        {
            return null;
        }

        // Every marker contains "truncat": a cheap byte scan rules out almost all payloads.
        var raw = tape.RawValueSpan(content);
        if (!ContainsAsciiIgnoreCase(raw, "truncat"u8))
        {
            return false;
        }

        var text = tape.KindOf(content) == JsonKind.String ? tape.GetString(content) : PythonJson.Serialize(tape, content);
        return HasMarker(text);
    }

    public static bool HasMarker(string text)
    {
        var lower = text.ToLowerInvariant();
        foreach (var marker in TruncationMarkers)
        {
            if (lower.Contains(marker, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsAsciiIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
    {
        var first = lowerNeedle[0];
        var upper = (byte)(first - 32);
        while (true)
        {
            var k = haystack.IndexOfAny(first, upper);
            if (k < 0 || haystack.Length - k < lowerNeedle.Length)
            {
                return false;
            }

            if (System.Text.Ascii.EqualsIgnoreCase(haystack.Slice(k, lowerNeedle.Length), lowerNeedle))
            {
                return true;
            }

            haystack = haystack[(k + 1)..];
        }
    }
}
