using Microsoft.Data.Sqlite;
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
        var c = ledger.Connection;
        using var stepsCommand = new SqliteCommand("""
            SELECT id, provider, project, session_id, session_file, round_index, round_id, turn_id, cwd, model,
                   input_tokens_total, prefix_tokens, newly_append_tokens, claude_uncached_input_tokens,
                   claude_cache_creation_input_tokens, claude_cache_read_input_tokens, output_tokens, reasoning_output_tokens,
                   current_input_event_count, current_user_message_count, current_tool_result_count, current_user_message_chars,
                   current_tool_result_chars, current_input_chars, first_input_event_type, home, user_name, store, trace_key,
                   request_id, stop_reason, cache_creation_5m_tokens, cache_creation_1h_tokens, started_at, is_sidechain,
                   parent_session_id, agent_id, subagent_type, parent_tool_call_id, first_line, tracelab_keys, timing_events_json
            FROM steps ORDER BY source_id, first_line, round_index, id;
            """, c);
        // Steps come in export order; their tools and events are fetched a batch at a time (one
        // query per table per batch, not per step: a 357K-step trace exports in seconds).
        var batch = new List<(long Id, AgentStep Step)>(BatchSize);
        using var r = stepsCommand.ExecuteReader();
        while (r.Read())
        {
            if (!Providers.TryParse(r.GetString(1), out var provider))
            {
                throw new LedgerException($"{ledger.Path}: step {r.GetInt64(0)} has an unknown provider '{r.GetString(1)}'");
            }

            var step = new AgentStep
            {
                Provider = provider,
                Project = Str(r, 2),
                SessionId = r.GetString(3),
                SessionFile = Str(r, 4),
                RoundIndex = r.GetInt32(5),
                RoundId = r.GetString(6),
                TurnId = Str(r, 7),
                Cwd = Str(r, 8),
                Model = Str(r, 9),
                InputTokensTotal = r.GetInt64(10),
                PrefixTokens = r.GetInt64(11),
                NewlyAppendTokens = r.GetInt64(12),
                ClaudeUncachedInputTokens = Long(r, 13),
                ClaudeCacheCreationInputTokens = Long(r, 14),
                ClaudeCacheReadInputTokens = Long(r, 15),
                OutputTokens = r.GetInt64(16),
                ReasoningOutputTokens = Long(r, 17),
                CurrentInputEventCount = r.GetInt32(18),
                CurrentUserMessageCount = r.GetInt32(19),
                CurrentToolResultCount = r.GetInt32(20),
                CurrentUserMessageChars = r.GetInt64(21),
                CurrentToolResultChars = r.GetInt64(22),
                CurrentInputChars = r.GetInt64(23),
                FirstInputEventType = Str(r, 24),
                Home = Str(r, 25),
                User = Str(r, 26),
                Store = Str(r, 27),
                TraceKey = r.GetString(28),
                RequestId = Str(r, 29),
                StopReason = r.IsDBNull(30) ? null : StopReasons.Parse(r.GetString(30)),
                CacheCreation5mTokens = r.GetInt64(31),
                CacheCreation1hTokens = r.GetInt64(32),
                StartedAt = Str(r, 33),
                IsSidechain = r.GetInt64(34) != 0,
                ParentSessionId = Str(r, 35),
                AgentId = Str(r, 36),
                SubagentType = Str(r, 37),
                ParentToolCallId = Str(r, 38),
                FirstLine = r.GetInt64(39),
                TraceLabKeys = r.IsDBNull(40) ? null : (Export.TraceLabRowKeys)r.GetInt64(40),
            };
            step.TimingEvents = ParseEvents(r, 41, r.GetInt64(0));
            batch.Add((r.GetInt64(0), step));
            if (batch.Count == BatchSize)
            {
                foreach (var done in Complete(batch, toolInputs))
                {
                    yield return done;
                }
            }
        }

        foreach (var done in Complete(batch, toolInputs))
        {
            yield return done;
        }
    }

    private const int BatchSize = 2048;

    /// <summary>Attaches tools and events to a batch of steps, returns them in order and empties the batch.</summary>
    private List<AgentStep> Complete(List<(long Id, AgentStep Step)> batch, bool toolInputs)
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
        using (var tools = new SqliteCommand($"""
            SELECT step_id, tool_index, tool_name, tool_call_id, emitted_at, result_at, {(toolInputs ? "input_json" : "x''")}, input_chars, result_chars, output_bytes,
                   output_truncated, tool_wall_latency_ms, tool_internal_latency_ms, is_error, target, shell_verb, subagent_type, spawned_agent_id
            FROM tool_calls WHERE step_id IN ({ids}) ORDER BY step_id, tool_index;
            """, ledger.Connection))
        using (var t = tools.ExecuteReader())
        {
            while (t.Read())
            {
                byId[t.GetInt64(0)].Tools.Add(new ToolCall
                {
                    ToolIndex = t.GetInt32(1),
                    ToolName = Str(t, 2),
                    ToolCallId = t.GetString(3),
                    EmittedAt = Str(t, 4),
                    ResultAt = Str(t, 5),
                    InputPythonJson = (byte[])t.GetValue(6),
                    InputChars = t.GetInt32(7),
                    ResultChars = Int(t, 8),
                    OutputBytes = Long(t, 9),
                    OutputTruncated = Bool(t, 10),
                    ToolWallLatencyMs = Long(t, 11),
                    ToolInternalLatencyMs = Long(t, 12),
                    IsError = Bool(t, 13),
                    Target = Str(t, 14),
                    ShellVerb = Str(t, 15),
                    SubagentType = Str(t, 16),
                    SpawnedAgentId = Str(t, 17),
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
        using var command = new SqliteCommand("SELECT timing_events_json FROM steps WHERE id = $id;", ledger.Connection);
        command.Parameters.AddWithValue("$id", stepId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ParseEvents(reader, 0, stepId) : null;
    }

    /// <summary>Decodes a stored <c>timing_events</c> array (UTF-8 text) read at column <paramref name="column"/>.</summary>
    private List<TimingEvent> ParseEvents(SqliteDataReader r, int column, long stepId)
    {
        var length = (int)r.GetBytes(column, 0, null, 0, 0);
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(length, 2));
        try
        {
            r.GetBytes(column, 0, bytes, 0, length);
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

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static int? Int(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static bool? Bool(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i) != 0;
}
