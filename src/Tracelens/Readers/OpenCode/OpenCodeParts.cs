using System.Buffers.Text;
using System.Globalization;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Readers.OpenCode;

/// <summary>OpenCode token counters (a message's or a step-finish part's <c>tokens</c>).</summary>
internal readonly record struct Tokens(long Input, long Output, long Reasoning, long CacheRead, long CacheWrite)
{
    public static Tokens operator +(Tokens a, Tokens b) =>
        new(a.Input + b.Input, a.Output + b.Output, a.Reasoning + b.Reasoning, a.CacheRead + b.CacheRead, a.CacheWrite + b.CacheWrite);
}

internal enum PartKind
{
    Other,
    Text,
    Reasoning,
    Tool,
    StepFinish,
    Compaction,
}

/// <summary>What the reader keeps of one part file (the tape is reused for the next file).</summary>
internal sealed class PartInfo
{
    public required string Id;
    public required string File;
    public PartKind Kind;

    /// <summary>Text and reasoning parts: code points of <c>text</c>.</summary>
    public int Chars;

    /// <summary>Text parts flagged <c>ignored</c> are not sent to the model.</summary>
    public bool Ignored;

    /// <summary><c>time.start</c> (text, reasoning) or <c>state.time.start</c> (tool), in ms.</summary>
    public long? StartMs;

    public ToolCall? Tool;

    /// <summary>Tool parts with a result: the source of its tool_result event.</summary>
    public string? ResultSource;

    public string? Reason;
    public Tokens? Tokens;
}

/// <summary>Field picking for OpenCode part files, plus the ms-timestamp helpers.</summary>
internal static class OpenCodeParts
{
    // DateTimeOffset's range in Unix milliseconds.
    private const long MinMs = -62_135_596_800_000;
    private const long MaxMs = 253_402_300_799_999;

    /// <summary>Unix milliseconds as ISO-8601 UTC with milliseconds and <c>Z</c>.</summary>
    public static string Iso(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A JSON number of milliseconds within the calendar's range (fractions are dropped).</summary>
    public static bool TryMs(JsonTape t, int index, out long ms)
    {
        ms = 0;
        if (!TryNumber(t, index, out var value) || value < MinMs || value > MaxMs)
        {
            return false;
        }

        ms = (long)Math.Floor(value);
        return true;
    }

    private static long? Ms(JsonTape t, int index) => TryMs(t, index, out var ms) ? ms : null;

    /// <summary>An integer or float literal as a double (booleans and strings are not numbers here).</summary>
    private static bool TryNumber(JsonTape t, int index, out double value)
    {
        value = 0;
        if (index < 0 || t.KindOf(index) is not (JsonKind.Integer or JsonKind.Float))
        {
            return false;
        }

        value = PythonFloat.ParseLiteral(t.RawSpan(index));
        return double.IsFinite(value);
    }

    /// <summary>A token counter: a non-negative integer (integral floats too); anything else counts 0.</summary>
    private static long Counter(JsonTape t, int index)
    {
        if (index >= 0 && t.KindOf(index) == JsonKind.Integer)
        {
            return Utf8Parser.TryParse(t.RawSpan(index), out long v, out var used) && used == t.RawSpan(index).Length && v > 0 ? v : 0;
        }

        return TryNumber(t, index, out var d) && d > 0 && d < long.MaxValue ? (long)d : 0;
    }

    /// <summary><c>{input, output, reasoning, cache{read, write}}</c>; null when the value is not an object.</summary>
    public static Tokens? ReadTokens(JsonTape t, int tokens)
    {
        if (tokens < 0 || t.KindOf(tokens) != JsonKind.Object)
        {
            return null;
        }

        var cache = t.Get(tokens, "cache"u8);
        return new Tokens(
            Counter(t, t.Get(tokens, "input"u8)),
            Counter(t, t.Get(tokens, "output"u8)),
            Counter(t, t.Get(tokens, "reasoning"u8)),
            Counter(t, t.Get(cache, "read"u8)),
            Counter(t, t.Get(cache, "write"u8)));
    }

    /// <summary>
    /// The part on the tape, or null: unknown part types are null without a problem; a part without
    /// a <c>type</c>, or a tool part without <c>callID</c>/<c>tool</c>, is null with a problem.
    /// </summary>
    public static PartInfo? Read(JsonTape t, string file, out string? problem)
    {
        problem = null;
        var root = JsonTape.Root;
        var type = t.GetStringOrNull(t.Get(root, "type"u8));
        if (type is null)
        {
            problem = "type missing or not a string";
            return null;
        }

        var part = new PartInfo
        {
            Id = t.GetStringOrNull(t.Get(root, "id"u8)) ?? Path.GetFileNameWithoutExtension(file),
            File = file,
        };
        switch (type)
        {
            case "text":
            case "reasoning":
                part.Kind = type == "text" ? PartKind.Text : PartKind.Reasoning;
                part.Chars = PythonJson.ContentChars(t, t.Get(root, "text"u8));
                part.Ignored = t.Get(root, "ignored"u8) is var ignored && ignored >= 0 && t.KindOf(ignored) == JsonKind.True;
                part.StartMs = Ms(t, t.Get(t.Get(root, "time"u8), "start"u8));
                return part;
            case "step-finish":
                part.Kind = PartKind.StepFinish;
                part.Reason = t.GetStringOrNull(t.Get(root, "reason"u8));
                part.Tokens = ReadTokens(t, t.Get(root, "tokens"u8));
                return part;
            case "compaction":
                part.Kind = PartKind.Compaction;
                return part;
            case "tool":
                return ReadTool(t, part, out problem);
            default:
                return part; // step-start, file, patch, snapshot, agent, subtask, retry: no event
        }
    }

    private static PartInfo? ReadTool(JsonTape t, PartInfo part, out string? problem)
    {
        problem = null;
        var root = JsonTape.Root;
        var callId = t.GetStringOrNull(t.Get(root, "callID"u8));
        var name = t.GetStringOrNull(t.Get(root, "tool"u8));
        if (string.IsNullOrEmpty(callId) || name is null)
        {
            problem = "tool part without a callID or tool name";
            return null;
        }

        var state = t.Get(root, "state"u8);
        var input = t.Get(state, "input"u8);
        var status = t.GetStringOrNull(t.Get(state, "status"u8));
        var time = t.Get(state, "time"u8);
        var metadata = t.Get(state, "metadata"u8);
        var start = Ms(t, t.Get(time, "start"u8));
        var end = Ms(t, t.Get(time, "end"u8));

        var tool = new ToolCall
        {
            ToolName = name,
            ToolCallId = callId,
            EmittedAt = start is { } s ? Iso(s) : null,
            InputPythonJson = input < 0 ? "null"u8.ToArray() : PythonJson.SerializeUtf8(t, input),
            InputChars = PythonJson.ContentChars(t, input),
            Target = ToolTargets.FromInput(name, t, input),
            SubagentType = ToolTargets.SubagentType(name, t, input),
        };
        var canonical = ToolTargets.CanonicalName(name);
        if (ToolTargets.IsShell(canonical))
        {
            tool.ShellVerb = ShellVerb.Of(tool.Target);
        }

        if (canonical == "Task")
        {
            // The task tool records the child session it ran in: the link to that sidechain's AgentId.
            tool.SpawnedAgentId = t.GetStringOrNull(t.Get(metadata, "sessionId"u8));
        }

        part.Kind = PartKind.Tool;
        part.Tool = tool;
        part.StartMs = start;

        // A completed call shows the model its output; a failed one its error text.
        var output = t.Get(state, "output"u8);
        var hasOutput = output >= 0 && t.KindOf(output) != JsonKind.Null;
        var failed = status == "error";
        if (!hasOutput && !failed && status != "completed")
        {
            return part; // pending or running: no result yet
        }

        var error = t.Get(state, "error"u8);
        var payload = hasOutput ? output : failed && error >= 0 && t.KindOf(error) == JsonKind.String ? error : -1;
        part.ResultSource = hasOutput ? "tool.output" : "tool.error";
        tool.ResultAt = end is { } e ? Iso(e) : null;
        tool.ToolWallLatencyMs = start is not null && end is not null ? end - start : null;
        tool.ResultChars = PythonJson.ContentChars(t, payload);
        tool.OutputBytes = ToolOutput.Bytes(t, payload);
        tool.OutputTruncated = ToolOutput.Truncated(t, payload);
        var truncated = t.Get(metadata, "truncated"u8);
        if (truncated >= 0 && t.KindOf(truncated) == JsonKind.True)
        {
            tool.OutputTruncated = true; // OpenCode cut the output itself and says so
        }

        var exit = t.Get(metadata, "exit"u8);
        tool.IsError = failed || (TryNumber(t, exit, out var code) && code != 0);
        return part;
    }
}
