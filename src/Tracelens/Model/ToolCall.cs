namespace Tracelens.Model;

/// <summary>
/// One tool call emitted by a step, with its observed result (tracelab-spec §3.2) and what burn
/// adds: output bytes, truncation, the call's target. Tool calls are shared objects: a result
/// that arrives later in the file updates the step that emitted the call.
/// </summary>
public sealed class ToolCall
{
    public int ToolIndex { get; set; }
    public string? ToolName { get; set; }
    public required string ToolCallId { get; set; }
    public string? EmittedAt { get; set; }
    public string? ResultAt { get; set; }

    /// <summary>The raw tool input as Python compact JSON, UTF-8 (local only; never exported sanitized).</summary>
    public byte[] InputPythonJson { get; set; } = "null"u8.ToArray();

    /// <summary><see cref="InputPythonJson"/> as text.</summary>
    public string InputJson
    {
        get => System.Text.Encoding.UTF8.GetString(InputPythonJson);
        set => InputPythonJson = System.Text.Encoding.UTF8.GetBytes(value);
    }

    public int InputChars { get; set; }
    public int? ResultChars { get; set; }
    public long? ToolWallLatencyMs { get; set; }
    public long? ToolInternalLatencyMs { get; set; }
    public bool? IsError { get; set; }

    // ---- Beyond TraceLab (never in the TraceLab export) ----

    /// <summary>UTF-8 byte count of the result payload the model was shown (burn's outputBytes).</summary>
    public long? OutputBytes { get; set; }

    /// <summary>Whether the result carried a truncation marker (burn-spec §3.2.8); null without content.</summary>
    public bool? OutputTruncated { get; set; }

    /// <summary>What the call acted on: a file path for file tools, the command for shell tools (local only).</summary>
    public string? Target { get; set; }

    /// <summary>For shell tools, the command's verb (<c>git status</c>, <c>npm test</c>, <c>ls</c>).</summary>
    public string? ShellVerb { get; set; }

    /// <summary>For Agent/Task calls: the subagent type requested.</summary>
    public string? SubagentType { get; set; }

    /// <summary>Agent id reported by the result of a subagent-spawning call (links the sidecar transcript).</summary>
    public string? SpawnedAgentId { get; set; }
}
