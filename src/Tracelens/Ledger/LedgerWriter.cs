using Microsoft.Data.Sqlite;
using Tracelens.Model;

namespace Tracelens.Ledger;

/// <summary>
/// Writes agent steps into the ledger with prepared statements. Callers own the transaction: a
/// file's rows and its source fingerprint are always committed together.
/// </summary>
public sealed class LedgerWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertStep;
    private readonly SqliteCommand _insertTool;
    private readonly SqliteCommand _insertEvent;

    private static readonly string[] StepColumns =
    [
        "trace_key", "source_id", "provider", "session_id", "round_index", "round_id", "turn_id", "request_id", "model",
        "started_at", "first_line", "input_tokens_total", "prefix_tokens", "newly_append_tokens", "claude_uncached_input_tokens",
        "claude_cache_creation_input_tokens", "claude_cache_read_input_tokens", "cache_creation_5m_tokens", "cache_creation_1h_tokens",
        "output_tokens", "reasoning_output_tokens", "stop_reason", "is_sidechain", "parent_session_id", "agent_id", "subagent_type",
        "parent_tool_call_id", "current_input_event_count",
        "current_user_message_count", "current_tool_result_count", "current_user_message_chars", "current_tool_result_chars",
        "current_input_chars", "first_input_event_type", "project", "cwd", "session_file", "home", "user_name", "store",
    ];

    private static readonly string[] ToolColumns =
    [
        "step_id", "tool_index", "tool_name", "tool_call_id", "emitted_at", "result_at", "input_json", "input_chars", "result_chars",
        "output_bytes", "output_truncated", "tool_wall_latency_ms", "tool_internal_latency_ms", "is_error", "target", "shell_verb",
        "subagent_type", "spawned_agent_id",
    ];

    private static readonly string[] EventColumns =
    [
        "step_id", "event_index", "event_type", "timestamp", "source", "content_chars", "tool_call_id", "tool_name", "tool_index",
        "result_chars", "is_error",
    ];

    public LedgerWriter(SqliteConnection connection)
    {
        _connection = connection;
        // A trace_key already in the ledger (another file's copy of the same call) is kept: first wins.
        _insertStep = Prepare("INSERT OR IGNORE INTO steps", StepColumns, " RETURNING id");
        _insertTool = Prepare("INSERT INTO tool_calls", ToolColumns, string.Empty);
        _insertEvent = Prepare("INSERT INTO timing_events", EventColumns, string.Empty);
    }

    private SqliteCommand Prepare(string head, string[] columns, string tail)
    {
        var command = _connection.CreateCommand();
        command.CommandText = $"{head} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))}){tail};";
        foreach (var c in columns)
        {
            command.Parameters.Add(new SqliteParameter("$" + c, null));
        }

        return command;
    }

    /// <summary>Inserts a step with its tools and events; false when its trace_key was already stored.</summary>
    public bool Insert(AgentStep s, long sourceId)
    {
        var p = _insertStep.Parameters;
        object?[] values =
        [
            s.TraceKey ?? $"{s.Provider.WireName()}:{s.SessionId}:{s.RoundId}", sourceId, s.Provider.WireName(), s.SessionId, s.RoundIndex,
            s.RoundId, s.TurnId, s.RequestId, s.Model, s.StartedAt, s.FirstLine, s.InputTokensTotal, s.PrefixTokens, s.NewlyAppendTokens,
            s.ClaudeUncachedInputTokens, s.ClaudeCacheCreationInputTokens, s.ClaudeCacheReadInputTokens, s.CacheCreation5mTokens,
            s.CacheCreation1hTokens, s.OutputTokens, s.ReasoningOutputTokens, s.StopReason is null ? null : StopReasons.WireName(s.StopReason),
            s.IsSidechain ? 1 : 0, s.ParentSessionId, s.AgentId, s.SubagentType, s.ParentToolCallId, s.CurrentInputEventCount, s.CurrentUserMessageCount, s.CurrentToolResultCount,
            s.CurrentUserMessageChars, s.CurrentToolResultChars, s.CurrentInputChars, s.FirstInputEventType, s.Project, s.Cwd,
            s.SessionFile, s.Home, s.User, s.Store,
        ];
        Bind(p, values);
        var id = _insertStep.ExecuteScalar();
        if (id is null)
        {
            return false;
        }

        var stepId = (long)id;
        foreach (var t in s.Tools)
        {
            Bind(_insertTool.Parameters,
            [
                stepId, t.ToolIndex, t.ToolName, t.ToolCallId, t.EmittedAt, t.ResultAt, t.InputPythonJson, t.InputChars, t.ResultChars,
                t.OutputBytes, Flag(t.OutputTruncated), t.ToolWallLatencyMs, t.ToolInternalLatencyMs, Flag(t.IsError), t.Target,
                t.ShellVerb, t.SubagentType, t.SpawnedAgentId,
            ]);
            _insertTool.ExecuteNonQuery();
        }

        for (var i = 0; i < s.TimingEvents.Count; i++)
        {
            var e = s.TimingEvents[i];
            Bind(_insertEvent.Parameters,
            [
                stepId, i, TimingEvent.WireName(e.EventType), e.Timestamp, e.Source, e.ContentChars, e.ToolCallId, e.ToolName,
                e.ToolIndex, e.ResultChars, Flag(e.IsError),
            ]);
            _insertEvent.ExecuteNonQuery();
        }

        return true;
    }

    private static int? Flag(bool? value) => value is null ? null : value.Value ? 1 : 0;

    private static void Bind(SqliteParameterCollection parameters, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    public void Dispose()
    {
        _insertStep.Dispose();
        _insertTool.Dispose();
        _insertEvent.Dispose();
    }
}
