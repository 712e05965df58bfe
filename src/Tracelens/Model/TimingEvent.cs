namespace Tracelens.Model;

/// <summary>Kinds of trace-observed events inside one step (tracelab-spec §3.3).</summary>
public enum TimingEventType
{
    UserMessage,
    ToolResult,
    Reasoning,
    Text,
    ToolCall,
    UsageReport,
}

/// <summary>
/// One ordered event of a step. Input events (user_message, tool_result) come first, then the
/// model's own output events, then (Codex) the usage report. Null attributes are not written.
/// </summary>
public sealed class TimingEvent
{
    public required TimingEventType EventType { get; init; }

    /// <summary>The record's raw ISO-8601 timestamp as logged (may be null).</summary>
    public string? Timestamp { get; init; }

    /// <summary>Where the event came from, e.g. <c>user.content.tool_result</c>.</summary>
    public required string Source { get; init; }

    public int? ContentChars { get; init; }
    public string? ToolCallId { get; set; }
    public string? ToolName { get; init; }
    public int? ToolIndex { get; init; }
    public int? ResultChars { get; init; }
    public bool? IsError { get; init; }

    public bool IsInputEvent => EventType is TimingEventType.UserMessage or TimingEventType.ToolResult;

    public static string WireName(TimingEventType type) => type switch
    {
        TimingEventType.UserMessage => "user_message",
        TimingEventType.ToolResult => "tool_result",
        TimingEventType.Reasoning => "reasoning",
        TimingEventType.Text => "text",
        TimingEventType.ToolCall => "tool_call",
        TimingEventType.UsageReport => "usage_report",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string? name, out TimingEventType type)
    {
        foreach (var t in Enum.GetValues<TimingEventType>())
        {
            if (WireName(t) == name)
            {
                type = t;
                return true;
            }
        }

        type = default;
        return false;
    }
}
