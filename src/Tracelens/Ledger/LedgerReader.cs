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
    public IEnumerable<AgentStep> Steps()
    {
        var c = ledger.Connection;
        using var stepsCommand = new SqliteCommand("""
            SELECT id, provider, project, session_id, session_file, round_index, round_id, turn_id, cwd, model,
                   input_tokens_total, prefix_tokens, newly_append_tokens, claude_uncached_input_tokens,
                   claude_cache_creation_input_tokens, claude_cache_read_input_tokens, output_tokens, reasoning_output_tokens,
                   current_input_event_count, current_user_message_count, current_tool_result_count, current_user_message_chars,
                   current_tool_result_chars, current_input_chars, first_input_event_type, home, user_name, store, trace_key,
                   request_id, stop_reason, cache_creation_5m_tokens, cache_creation_1h_tokens, started_at, is_sidechain,
                   parent_session_id, agent_id, subagent_type, parent_tool_call_id, first_line
            FROM steps ORDER BY source_id, round_index, id;
            """, c);
        using var toolsCommand = new SqliteCommand("""
            SELECT tool_index, tool_name, tool_call_id, emitted_at, result_at, input_json, input_chars, result_chars, output_bytes,
                   output_truncated, tool_wall_latency_ms, tool_internal_latency_ms, is_error, target, shell_verb, subagent_type, spawned_agent_id
            FROM tool_calls WHERE step_id = $id ORDER BY tool_index;
            """, c);
        toolsCommand.Parameters.Add(new SqliteParameter("$id", 0L));
        using var eventsCommand = new SqliteCommand(EventsSql, c);
        eventsCommand.Parameters.Add(new SqliteParameter("$id", 0L));

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
            };
            var id = r.GetInt64(0);
            toolsCommand.Parameters[0].Value = id;
            using (var t = toolsCommand.ExecuteReader())
            {
                while (t.Read())
                {
                    step.Tools.Add(new ToolCall
                    {
                        ToolIndex = t.GetInt32(0),
                        ToolName = Str(t, 1),
                        ToolCallId = t.GetString(2),
                        EmittedAt = Str(t, 3),
                        ResultAt = Str(t, 4),
                        InputPythonJson = (byte[])t.GetValue(5),
                        InputChars = t.GetInt32(6),
                        ResultChars = Int(t, 7),
                        OutputBytes = Long(t, 8),
                        OutputTruncated = Bool(t, 9),
                        ToolWallLatencyMs = Long(t, 10),
                        ToolInternalLatencyMs = Long(t, 11),
                        IsError = Bool(t, 12),
                        Target = Str(t, 13),
                        ShellVerb = Str(t, 14),
                        SubagentType = Str(t, 15),
                        SpawnedAgentId = Str(t, 16),
                    });
                }
            }

            eventsCommand.Parameters[0].Value = id;
            using (var e = eventsCommand.ExecuteReader())
            {
                ReadEvents(e, id, step.TimingEvents);
            }

            yield return step;
        }
    }

    /// <summary>The ordered timing events of one step.</summary>
    public List<TimingEvent> TimingEvents(long stepId)
    {
        using var command = new SqliteCommand(EventsSql, ledger.Connection);
        command.Parameters.AddWithValue("$id", stepId);
        using var reader = command.ExecuteReader();
        var events = new List<TimingEvent>();
        ReadEvents(reader, stepId, events);
        return events;
    }

    private const string EventsSql = """
        SELECT event_type, timestamp, source, content_chars, tool_call_id, tool_name, tool_index, result_chars, is_error
        FROM timing_events WHERE step_id = $id ORDER BY event_index;
        """;

    private void ReadEvents(SqliteDataReader e, long stepId, List<TimingEvent> into)
    {
        while (e.Read())
        {
            if (!TimingEvent.TryParse(e.GetString(0), out var type))
            {
                throw new LedgerException($"{ledger.Path}: step {stepId} has an unknown event type '{e.GetString(0)}'");
            }

            into.Add(new TimingEvent
            {
                EventType = type,
                Timestamp = Str(e, 1),
                Source = e.GetString(2),
                ContentChars = Int(e, 3),
                ToolCallId = Str(e, 4),
                ToolName = Str(e, 5),
                ToolIndex = Int(e, 6),
                ResultChars = Int(e, 7),
                IsError = Bool(e, 8),
            });
        }
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static int? Int(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static bool? Bool(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i) != 0;
}
