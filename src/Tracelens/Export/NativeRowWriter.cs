using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tracelens.Model;

namespace Tracelens.Export;

/// <summary>
/// Tracelens's own JSON form of a step: every TraceLab field plus everything burn needs (stop
/// reason, request id, TTL cache writes, output bytes, truncation, targets, subagent links).
/// Local-only: it holds paths, commands and tool inputs, so it is never a sanitized export.
/// </summary>
public static class NativeRowWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(AgentStep s)
    {
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer, Options))
        {
            Write(j, s);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(Utf8JsonWriter j, AgentStep s)
    {
        j.WriteStartObject();
        j.WriteString("provider", s.Provider.WireName());
        j.WriteString("session_id", s.SessionId);
        Str(j, "project", s.Project);
        Str(j, "session_file", s.SessionFile);
        j.WriteNumber("round_index", s.RoundIndex);
        j.WriteString("round_id", s.RoundId);
        Str(j, "turn_id", s.TurnId);
        Str(j, "request_id", s.RequestId);
        Str(j, "model", s.Model);
        Str(j, "started_at", s.StartedAt);
        j.WriteNumber("first_line", s.FirstLine);
        Str(j, "cwd", s.Cwd);
        j.WriteString("stop_reason", StopReasons.WireName(s.StopReason));
        j.WriteStartObject("tokens");
        j.WriteNumber("input_total", s.InputTokensTotal);
        j.WriteNumber("prefix", s.PrefixTokens);
        j.WriteNumber("newly_append", s.NewlyAppendTokens);
        Num(j, "claude_uncached", s.ClaudeUncachedInputTokens);
        Num(j, "claude_cache_creation", s.ClaudeCacheCreationInputTokens);
        Num(j, "claude_cache_read", s.ClaudeCacheReadInputTokens);
        j.WriteNumber("cache_creation_5m", s.CacheCreation5mTokens);
        j.WriteNumber("cache_creation_1h", s.CacheCreation1hTokens);
        j.WriteNumber("output", s.OutputTokens);
        Num(j, "reasoning", s.ReasoningOutputTokens);
        j.WriteEndObject();
        j.WriteBoolean("is_sidechain", s.IsSidechain);
        Str(j, "parent_session_id", s.ParentSessionId);
        Str(j, "agent_id", s.AgentId);
        Str(j, "parent_tool_call_id", s.ParentToolCallId);
        Str(j, "subagent_type", s.SubagentType);
        j.WriteStartArray("timing_events");
        foreach (var e in s.TimingEvents)
        {
            j.WriteStartObject();
            j.WriteString("event_type", TimingEvent.WireName(e.EventType));
            Str(j, "timestamp", e.Timestamp);
            j.WriteString("source", e.Source);
            Num(j, "content_chars", e.ContentChars);
            Str(j, "tool_call_id", e.ToolCallId);
            Str(j, "tool_name", e.ToolName);
            Num(j, "tool_index", e.ToolIndex);
            Num(j, "result_chars", e.ResultChars);
            Bool(j, "is_error", e.IsError);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartArray("tools");
        foreach (var t in s.Tools)
        {
            j.WriteStartObject();
            j.WriteNumber("tool_index", t.ToolIndex);
            Str(j, "tool_name", t.ToolName);
            j.WriteString("tool_call_id", t.ToolCallId);
            Str(j, "emitted_at", t.EmittedAt);
            Str(j, "result_at", t.ResultAt);
            j.WriteNumber("input_chars", t.InputChars);
            Num(j, "result_chars", t.ResultChars);
            Num(j, "output_bytes", t.OutputBytes);
            Bool(j, "output_truncated", t.OutputTruncated);
            Num(j, "wall_latency_ms", t.ToolWallLatencyMs);
            Num(j, "internal_latency_ms", t.ToolInternalLatencyMs);
            Bool(j, "is_error", t.IsError);
            Str(j, "target", t.Target);
            Str(j, "shell_verb", t.ShellVerb);
            Str(j, "subagent_type", t.SubagentType);
            Str(j, "spawned_agent_id", t.SpawnedAgentId);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    }

    private static void Str(Utf8JsonWriter j, string name, string? value)
    {
        if (value is not null)
        {
            j.WriteString(name, value);
        }
    }

    private static void Num(Utf8JsonWriter j, string name, long? value)
    {
        if (value is { } v)
        {
            j.WriteNumber(name, v);
        }
    }

    private static void Bool(Utf8JsonWriter j, string name, bool? value)
    {
        if (value is { } v)
        {
            j.WriteBoolean(name, v);
        }
    }
}
