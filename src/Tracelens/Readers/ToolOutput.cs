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

    /// <summary>Whether the lower-cased payload contains a truncation marker; null without content.</summary>
    public static bool? Truncated(JsonTape tape, int content)
    {
        if (content < 0 || tape.KindOf(content) == JsonKind.Null)
        {
            return null;
        }

        // Every marker contains "runcat": a vectorized search rules out almost every payload.
        var raw = tape.RawValueSpan(content);
        if (raw.IndexOf("runcat"u8) < 0 && raw.IndexOf("RUNCAT"u8) < 0)
        {
            return false;
        }

        var text = tape.KindOf(content) == JsonKind.String ? tape.GetString(content) : PythonJson.Serialize(tape, content);
        return HasMarker(text);
    }

    public static bool HasMarker(string text)
    {
        // Markers are ASCII: an ordinal case-insensitive search equals searching the lower-cased text.
        foreach (var marker in TruncationMarkers)
        {
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
