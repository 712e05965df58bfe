namespace Tracelens.Model;

/// <summary>
/// One LLM call ("agent step", TraceLab's "round"): token accounting, ordered timing events and
/// the tool calls it emitted. Carries every field of TraceLab's normalized row (tracelab-spec §3)
/// plus what burn needs; the extra fields are optional and never part of the TraceLab export.
/// </summary>
public sealed class AgentStep
{
    public required Provider Provider { get; init; }

    /// <summary>Claude project directory name (encoded cwd); null for Codex.</summary>
    public string? Project { get; set; }

    /// <summary><c>claude:&lt;session key&gt;</c> or <c>codex:&lt;session id&gt;</c>.</summary>
    public required string SessionId { get; set; }

    public string? SessionFile { get; set; }
    public int RoundIndex { get; set; }
    public required string RoundId { get; set; }

    /// <summary>Codex turn id (written for Codex rows only).</summary>
    public string? TurnId { get; set; }

    /// <summary>Working directory (written for Codex rows only; local only).</summary>
    public string? Cwd { get; set; }

    public string? Model { get; set; }
    public long InputTokensTotal { get; set; }
    public long PrefixTokens { get; set; }
    public long NewlyAppendTokens { get; set; }
    public long? ClaudeUncachedInputTokens { get; set; }
    public long? ClaudeCacheCreationInputTokens { get; set; }
    public long? ClaudeCacheReadInputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long? ReasoningOutputTokens { get; set; }
    public List<TimingEvent> TimingEvents { get; set; } = [];
    public List<ToolCall> Tools { get; set; } = [];

    public int CurrentInputEventCount { get; set; }
    public int CurrentUserMessageCount { get; set; }
    public int CurrentToolResultCount { get; set; }
    public long CurrentUserMessageChars { get; set; }
    public long CurrentToolResultChars { get; set; }
    public long CurrentInputChars { get; set; }
    public string? FirstInputEventType { get; set; }

    /// <summary>Scanned home directory (collector rows only; local only).</summary>
    public string? Home { get; set; }

    /// <summary>Home directory name (collector rows only).</summary>
    public string? User { get; set; }

    /// <summary><c>.claude</c>, <c>.claude.back</c>, <c>.codex</c> (collector rows only).</summary>
    public string? Store { get; set; }

    public string? TraceKey { get; set; }

    // ---- Beyond TraceLab (never in the TraceLab export) ----

    /// <summary>API request id (Claude <c>requestId</c> envelope field).</summary>
    public string? RequestId { get; set; }

    /// <summary>Normalized stop reason; null when the harness records none (Codex).</summary>
    public StopReason? StopReason { get; set; }

    /// <summary>Cache-write tokens billed at the 5-minute TTL rate (Claude).</summary>
    public long CacheCreation5mTokens { get; set; }

    /// <summary>Cache-write tokens billed at the 1-hour TTL rate (Claude).</summary>
    public long CacheCreation1hTokens { get; set; }

    /// <summary>Timestamp of the first record of this call.</summary>
    public string? StartedAt { get; set; }

    /// <summary>True when any record of the call was marked <c>isSidechain</c>.</summary>
    public bool IsSidechain { get; set; }

    /// <summary>For subagent transcripts: the parent session id (same form as <see cref="SessionId"/>).</summary>
    public string? ParentSessionId { get; set; }

    /// <summary>For subagent transcripts: the agent id (<c>agent-&lt;id&gt;.jsonl</c>).</summary>
    public string? AgentId { get; set; }

    /// <summary>For subagent transcripts: the parent's tool call that spawned the agent, when known.</summary>
    public string? ParentToolCallId { get; set; }

    /// <summary>For subagent transcripts: the agent type (from the sidecar meta file).</summary>
    public string? SubagentType { get; set; }

    /// <summary>
    /// For a step imported from a TraceLab trace: which of the optional keys its row had, so the
    /// row is written back byte for byte (a sanitized row has no <c>session_file</c>, <c>home</c>,
    /// tool <c>input</c>…). Null for steps read from session logs: the collector's key set.
    /// </summary>
    public Export.TraceLabRowKeys? TraceLabKeys { get; set; }

    /// <summary>1-based line of the call's first record in its file.</summary>
    public long FirstLine { get; set; }

    /// <summary>
    /// Input tokens neither read from nor written to the cache: Claude's <c>input_tokens</c>;
    /// elsewhere the appended tokens minus cache writes.
    /// </summary>
    public long FreshInputTokens => ClaudeUncachedInputTokens ?? Math.Max(0, NewlyAppendTokens - CacheCreation5mTokens - CacheCreation1hTokens);

    /// <summary>Stamps <see cref="TraceKey"/> as the collector does: provider:session_id:round_id.</summary>
    public void StampTraceKey() => TraceKey = $"{Provider.WireName()}:{SessionId}:{RoundId}";

    /// <summary>Recomputes the current_* input-event summary from <see cref="TimingEvents"/> (tracelab-spec §2.2).</summary>
    public void RecomputeInputSummary()
    {
        int users = 0, results = 0;
        long userChars = 0, resultChars = 0;
        string? first = null;
        foreach (var e in TimingEvents)
        {
            if (e.EventType == TimingEventType.UserMessage)
            {
                users++;
                userChars += e.ContentChars ?? 0;
                first ??= "user_message";
            }
            else if (e.EventType == TimingEventType.ToolResult)
            {
                results++;
                resultChars += e.ResultChars ?? 0;
                first ??= "tool_result";
            }
        }

        CurrentUserMessageCount = users;
        CurrentToolResultCount = results;
        CurrentInputEventCount = users + results;
        CurrentUserMessageChars = userChars;
        CurrentToolResultChars = resultChars;
        CurrentInputChars = userChars + resultChars;
        FirstInputEventType = first;
    }
}
