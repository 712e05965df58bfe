using Tracelens.Model;

namespace Tracelens.Ledger;

/// <summary>
/// Reads agent steps back out of the ledger, with their tools and events, in ingest order
/// (source first seen, then each file's own step order), which is the order a direct
/// <c>collect</c> of the same history writes.
/// </summary>
public sealed class LedgerReader(LedgerDatabase ledger)
{
    /// <param name="toolInputs">
    /// Read each tool call's input JSON (export needs it); without, <see cref="ToolCall.InputPythonJson"/>
    /// is empty and the largest column of the ledger is never read (experiments never look at it).
    /// </param>
    public IEnumerable<AgentStep> Steps(bool toolInputs = true)
    {
        // Read through the C API: a 357K-step ledger has 42 columns a step, and Microsoft.Data.Sqlite's
        // per-column handle checks, plus a new string for every per-session value on every step,
        // were most of the time. Per-session values (project, cwd, model, …) are shared strings.
        using var query = new SqliteStatement(ledger.Connection, """
            SELECT id, provider, project, session_id, session_file, round_index, round_id, turn_id, cwd, model,
                   input_tokens_total, prefix_tokens, newly_append_tokens, claude_uncached_input_tokens,
                   claude_cache_creation_input_tokens, claude_cache_read_input_tokens, output_tokens, reasoning_output_tokens,
                   current_input_event_count, current_user_message_count, current_tool_result_count, current_user_message_chars,
                   current_tool_result_chars, current_input_chars, first_input_event_type, home, user_name, store, trace_key,
                   request_id, stop_reason, cache_creation_5m_tokens, cache_creation_1h_tokens, started_at, is_sidechain,
                   parent_session_id, agent_id, subagent_type, parent_tool_call_id, first_line, tracelab_keys, timing_events_json
            FROM steps ORDER BY source_id, first_line, round_index, id;
            """);
        var h = query.Handle;
        var shared = new Utf8Strings();
        // Steps come in export order; their tools and events are fetched a batch at a time (one
        // query per table per batch, not per step: a 357K-step trace exports in seconds).
        var batch = new List<(long Id, AgentStep Step)>(BatchSize);
        while (query.Step())
        {
            var id = SqliteNative.sqlite3_column_int64(h, 0);
            var providerName = shared.Get(h, 1)!;
            if (!Providers.TryParse(providerName, out var provider))
            {
                throw new LedgerException($"{ledger.Path}: step {id} has an unknown provider '{providerName}'");
            }

            var step = new AgentStep
            {
                Provider = provider,
                Project = shared.Get(h, 2),
                SessionId = shared.Get(h, 3)!,
                SessionFile = shared.Get(h, 4),
                RoundIndex = (int)SqliteNative.sqlite3_column_int64(h, 5),
                RoundId = SqliteNative.StringOrNull(h, 6)!,
                TurnId = SqliteNative.StringOrNull(h, 7),
                Cwd = shared.Get(h, 8),
                Model = shared.Get(h, 9),
                InputTokensTotal = SqliteNative.sqlite3_column_int64(h, 10),
                PrefixTokens = SqliteNative.sqlite3_column_int64(h, 11),
                NewlyAppendTokens = SqliteNative.sqlite3_column_int64(h, 12),
                ClaudeUncachedInputTokens = SqliteNative.Int64OrNull(h, 13),
                ClaudeCacheCreationInputTokens = SqliteNative.Int64OrNull(h, 14),
                ClaudeCacheReadInputTokens = SqliteNative.Int64OrNull(h, 15),
                OutputTokens = SqliteNative.sqlite3_column_int64(h, 16),
                ReasoningOutputTokens = SqliteNative.Int64OrNull(h, 17),
                CurrentInputEventCount = (int)SqliteNative.sqlite3_column_int64(h, 18),
                CurrentUserMessageCount = (int)SqliteNative.sqlite3_column_int64(h, 19),
                CurrentToolResultCount = (int)SqliteNative.sqlite3_column_int64(h, 20),
                CurrentUserMessageChars = SqliteNative.sqlite3_column_int64(h, 21),
                CurrentToolResultChars = SqliteNative.sqlite3_column_int64(h, 22),
                CurrentInputChars = SqliteNative.sqlite3_column_int64(h, 23),
                FirstInputEventType = shared.Get(h, 24),
                Home = shared.Get(h, 25),
                User = shared.Get(h, 26),
                Store = shared.Get(h, 27),
                TraceKey = SqliteNative.StringOrNull(h, 28)!,
                RequestId = SqliteNative.StringOrNull(h, 29),
                StopReason = shared.Get(h, 30) is { } stop ? StopReasons.Parse(stop) : null,
                CacheCreation5mTokens = SqliteNative.sqlite3_column_int64(h, 31),
                CacheCreation1hTokens = SqliteNative.sqlite3_column_int64(h, 32),
                StartedAt = SqliteNative.StringOrNull(h, 33),
                IsSidechain = SqliteNative.sqlite3_column_int64(h, 34) != 0,
                ParentSessionId = shared.Get(h, 35),
                AgentId = shared.Get(h, 36),
                SubagentType = shared.Get(h, 37),
                ParentToolCallId = shared.Get(h, 38),
                FirstLine = SqliteNative.sqlite3_column_int64(h, 39),
                TraceLabKeys = SqliteNative.Int64OrNull(h, 40) is { } keys ? (Export.TraceLabRowKeys)keys : null,
            };
            step.TimingEvents = ParseEvents(SqliteNative.Text(h, 41), id);
            batch.Add((id, step));
            if (batch.Count == BatchSize)
            {
                foreach (var done in Complete(batch, toolInputs, shared))
                {
                    yield return done;
                }
            }
        }

        foreach (var done in Complete(batch, toolInputs, shared))
        {
            yield return done;
        }
    }

    private const int BatchSize = 2048;

    /// <summary>Attaches tools and events to a batch of steps, returns them in order and empties the batch.</summary>
    private List<AgentStep> Complete(List<(long Id, AgentStep Step)> batch, bool toolInputs, Utf8Strings shared)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        var byId = new Dictionary<long, AgentStep>(batch.Count);
        foreach (var (id, step) in batch)
        {
            byId[id] = step;
        }

        // Ids are integers read from the ledger, so inlining them is safe; SQLite caps bound parameters.
        var ids = string.Join(",", batch.Select(b => b.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using (var tools = new SqliteStatement(ledger.Connection, $"""
            SELECT step_id, tool_index, tool_name, tool_call_id, emitted_at, result_at, {(toolInputs ? "input_json" : "x''")}, input_chars, result_chars, output_bytes,
                   output_truncated, tool_wall_latency_ms, tool_internal_latency_ms, is_error, target, shell_verb, subagent_type, spawned_agent_id
            FROM tool_calls WHERE step_id IN ({ids}) ORDER BY step_id, tool_index;
            """))
        {
            var t = tools.Handle;
            while (tools.Step())
            {
                byId[SqliteNative.sqlite3_column_int64(t, 0)].Tools.Add(new ToolCall
                {
                    ToolIndex = (int)SqliteNative.sqlite3_column_int64(t, 1),
                    ToolName = shared.Get(t, 2),
                    ToolCallId = SqliteNative.StringOrNull(t, 3)!,
                    EmittedAt = SqliteNative.StringOrNull(t, 4),
                    ResultAt = SqliteNative.StringOrNull(t, 5),
                    InputPythonJson = SqliteNative.Blob(t, 6).ToArray(),
                    InputChars = (int)SqliteNative.sqlite3_column_int64(t, 7),
                    ResultChars = SqliteNative.Int64OrNull(t, 8) is { } chars ? (int)chars : null,
                    OutputBytes = SqliteNative.Int64OrNull(t, 9),
                    OutputTruncated = SqliteNative.Int64OrNull(t, 10) is { } truncated ? truncated != 0 : null,
                    ToolWallLatencyMs = SqliteNative.Int64OrNull(t, 11),
                    ToolInternalLatencyMs = SqliteNative.Int64OrNull(t, 12),
                    IsError = SqliteNative.Int64OrNull(t, 13) is { } error ? error != 0 : null,
                    Target = shared.Get(t, 14),
                    ShellVerb = shared.Get(t, 15),
                    SubagentType = shared.Get(t, 16),
                    SpawnedAgentId = SqliteNative.StringOrNull(t, 17),
                });
            }
        }

        var steps = batch.Select(b => b.Step).ToList();
        batch.Clear();
        return steps;
    }

    /// <summary>The ordered timing events of one step; null when the step does not exist.</summary>
    public List<TimingEvent>? TimingEvents(long stepId)
    {
        using var query = new SqliteStatement(ledger.Connection, "SELECT timing_events_json FROM steps WHERE id = ?1;");
        query.Bind(1, stepId);
        return query.Step() ? ParseEvents(SqliteNative.Text(query.Handle, 0), stepId) : null;
    }

    /// <summary>Decodes a stored <c>timing_events</c> array (UTF-8 text).</summary>
    private List<TimingEvent> ParseEvents(ReadOnlySpan<byte> json, long stepId)
    {
        var length = json.Length;
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(length, 2));
        try
        {
            json.CopyTo(bytes);
            var tape = Json.JsonTape.ForThread(1);
            if (tape.ParseInPlace(bytes, 0, length) && Export.TraceLabRowReader.MapTimingEvents(tape, out var error) is { } events)
            {
                return events;
            }

            throw new LedgerException($"{ledger.Path}: step {stepId} has unreadable timing events ({tape.Error ?? "not a timing_events array"})");
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
