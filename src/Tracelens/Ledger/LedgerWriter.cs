using Microsoft.Data.Sqlite;
using Tracelens.Model;

namespace Tracelens.Ledger;

/// <summary>
/// Writes agent steps into the ledger with prepared statements. Callers own the transaction: a
/// file's rows and its source fingerprint are always committed together.
/// </summary>
public sealed class LedgerWriter : IDisposable
{
    private readonly SqliteStatement _insertStep;
    private readonly SqliteStatement _insertTool;

    private static readonly string[] StepColumns =
    [
        "trace_key", "source_id", "provider", "session_id", "round_index", "round_id", "turn_id", "request_id", "model",
        "started_at", "first_line", "input_tokens_total", "prefix_tokens", "newly_append_tokens", "claude_uncached_input_tokens",
        "claude_cache_creation_input_tokens", "claude_cache_read_input_tokens", "cache_creation_5m_tokens", "cache_creation_1h_tokens",
        "output_tokens", "reasoning_output_tokens", "stop_reason", "is_sidechain", "parent_session_id", "agent_id", "subagent_type",
        "parent_tool_call_id", "current_input_event_count",
        "current_user_message_count", "current_tool_result_count", "current_user_message_chars", "current_tool_result_chars",
        "current_input_chars", "first_input_event_type", "project", "cwd", "session_file", "home", "user_name", "store", "lineage_key",
        "tracelab_keys", "timing_events_json",
    ];

    private static readonly string[] ToolColumns =
    [
        "step_id", "tool_index", "tool_name", "tool_call_id", "emitted_at", "result_at", "input_json", "input_chars", "result_chars",
        "output_bytes", "output_truncated", "tool_wall_latency_ms", "tool_internal_latency_ms", "is_error", "target", "shell_verb",
        "subagent_type", "spawned_agent_id",
    ];

    public LedgerWriter(SqliteConnection connection)
    {
        // A trace_key already in the ledger (another file's copy of the same call) is kept: first wins.
        _insertStep = Prepare(connection, "INSERT OR IGNORE INTO steps", StepColumns);
        _insertTool = Prepare(connection, "INSERT INTO tool_calls", ToolColumns);
    }

    private static SqliteStatement Prepare(SqliteConnection connection, string head, string[] columns) =>
        new(connection, $"{head} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(_ => "?"))});");

    /// <summary>
    /// Inserts a step with its tools and events; false when its trace_key was already stored.
    /// <paramref name="timingEventsJson"/> is the step's events array when the caller serialized it
    /// already (on a worker thread); otherwise it is serialized here.
    /// </summary>
    public bool Insert(AgentStep s, long sourceId, byte[]? timingEventsJson = null)
    {
        // Positions follow StepColumns.
        var p = _insertStep;
        p.Bind(1, s.TraceKey ?? $"{s.Provider.WireName()}:{s.SessionId}:{s.RoundId}");
        p.Bind(2, sourceId);
        p.Bind(3, s.Provider.WireName());
        p.Bind(4, s.SessionId);
        p.Bind(5, s.RoundIndex);
        p.Bind(6, s.RoundId);
        p.Bind(7, s.TurnId);
        p.Bind(8, s.RequestId);
        p.Bind(9, s.Model);
        p.Bind(10, s.StartedAt);
        p.Bind(11, s.FirstLine);
        p.Bind(12, s.InputTokensTotal);
        p.Bind(13, s.PrefixTokens);
        p.Bind(14, s.NewlyAppendTokens);
        p.Bind(15, s.ClaudeUncachedInputTokens);
        p.Bind(16, s.ClaudeCacheCreationInputTokens);
        p.Bind(17, s.ClaudeCacheReadInputTokens);
        p.Bind(18, s.CacheCreation5mTokens);
        p.Bind(19, s.CacheCreation1hTokens);
        p.Bind(20, s.OutputTokens);
        p.Bind(21, s.ReasoningOutputTokens);
        p.Bind(22, s.StopReason is null ? null : StopReasons.WireName(s.StopReason));
        p.Bind(23, s.IsSidechain ? 1 : 0);
        p.Bind(24, s.ParentSessionId);
        p.Bind(25, s.AgentId);
        p.Bind(26, s.SubagentType);
        p.Bind(27, s.ParentToolCallId);
        p.Bind(28, s.CurrentInputEventCount);
        p.Bind(29, s.CurrentUserMessageCount);
        p.Bind(30, s.CurrentToolResultCount);
        p.Bind(31, s.CurrentUserMessageChars);
        p.Bind(32, s.CurrentToolResultChars);
        p.Bind(33, s.CurrentInputChars);
        p.Bind(34, s.FirstInputEventType);
        p.Bind(35, s.Project);
        p.Bind(36, s.Cwd);
        p.Bind(37, s.SessionFile);
        p.Bind(38, s.Home);
        p.Bind(39, s.User);
        p.Bind(40, s.Store);
        LastLineageKey = LineageKey(s);
        p.Bind(41, LastLineageKey);
        p.Bind(42, (long?)s.TraceLabKeys);
        p.BindText(43, timingEventsJson ?? Export.TraceLabRowWriter.TimingEventsUtf8(s.TimingEvents));
        if (p.Execute() == 0)
        {
            return false;
        }

        var stepId = p.LastInsertRowId;
        var t = _insertTool;
        foreach (var tool in s.Tools)
        {
            t.Bind(1, stepId);
            t.Bind(2, tool.ToolIndex);
            t.Bind(3, tool.ToolName);
            t.Bind(4, tool.ToolCallId);
            t.Bind(5, tool.EmittedAt);
            t.Bind(6, tool.ResultAt);
            t.BindBlob(7, tool.InputPythonJson);
            t.Bind(8, tool.InputChars);
            t.Bind(9, tool.ResultChars);
            t.Bind(10, tool.OutputBytes);
            t.Bind(11, tool.OutputTruncated);
            t.Bind(12, tool.ToolWallLatencyMs);
            t.Bind(13, tool.ToolInternalLatencyMs);
            t.Bind(14, tool.IsError);
            t.Bind(15, tool.Target);
            t.Bind(16, tool.ShellVerb);
            t.Bind(17, tool.SubagentType);
            t.Bind(18, tool.SpawnedAgentId);
            t.Execute();
        }

        return true;
    }

    /// <summary>The lineage key of the step last passed to <see cref="Insert"/> (built once per step).</summary>
    public string? LastLineageKey { get; private set; }

    /// <summary>
    /// The identity of the API response behind a step, shared by every copy of it (a resumed or
    /// forked session replays earlier messages under a new session id): provider, message id and
    /// request id, as ccusage keys its dedupe. Null when the log gives no such id (Codex).
    /// </summary>
    public static string? LineageKey(AgentStep s) =>
        s.Provider == Provider.Claude && s.RequestId is not null ? $"claude:{s.RoundId}:{s.RequestId}" : null;

    public void Dispose()
    {
        _insertStep.Dispose();
        _insertTool.Dispose();
    }
}
