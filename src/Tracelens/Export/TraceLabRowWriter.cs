using System.Globalization;
using System.IO.Compression;
using System.Text;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Export;

/// <summary>
/// Writes agent steps as TraceLab normalized rows, byte for byte as TraceLab's collector does
/// (tracelab-spec §3.4, Appendix A): compact JSON, its key order per provider, Python escaping,
/// <c>null</c> for missing values, non-ASCII raw. Fields TraceLab does not have are never written.
/// </summary>
public static class TraceLabRowWriter
{
    /// <summary>One row without its line break.</summary>
    public static string Serialize(AgentStep step) => Encoding.UTF8.GetString(SerializeUtf8(step));

    /// <summary>One row, UTF-8, without its line break.</summary>
    public static byte[] SerializeUtf8(AgentStep step)
    {
        var buffer = Utf8Buffer.ForThread(1);
        Append(buffer, step);
        return buffer.ToArray();
    }

    public static void Append(Utf8Buffer sb, AgentStep step)
    {
        var codex = step.Provider != Provider.Claude;
        // An imported row keeps exactly the keys it had; a collected one gets the collector's set.
        var keys = step.TraceLabKeys ?? CollectedKeys(step, codex);
        var w = new RowBuilder(sb);
        sb.Append((byte)'{');
        w.Key("provider"u8).Str(step.Provider.WireName());
        if (keys.HasFlag(TraceLabRowKeys.Project))
        {
            w.Key("project"u8).Str(step.Project);
        }

        w.Key("session_id"u8).Str(step.SessionId);
        if (keys.HasFlag(TraceLabRowKeys.SessionFile))
        {
            w.Key("session_file"u8).Str(step.SessionFile);
        }

        w.Key("round_index"u8).Int(step.RoundIndex);
        w.Key("round_id"u8).Str(step.RoundId);
        if (keys.HasFlag(TraceLabRowKeys.TurnId))
        {
            w.Key("turn_id"u8).Str(step.TurnId);
        }

        if (keys.HasFlag(TraceLabRowKeys.Cwd))
        {
            w.Key("cwd"u8).Str(step.Cwd);
        }

        w.Key("model"u8).Str(step.Model);
        w.Key("input_tokens_total"u8).Int(step.InputTokensTotal);
        w.Key("prefix_tokens"u8).Int(step.PrefixTokens);
        w.Key("newly_append_tokens"u8).Int(step.NewlyAppendTokens);
        w.Key("claude_uncached_input_tokens"u8).Int(step.ClaudeUncachedInputTokens);
        w.Key("claude_cache_creation_input_tokens"u8).Int(step.ClaudeCacheCreationInputTokens);
        w.Key("claude_cache_read_input_tokens"u8).Int(step.ClaudeCacheReadInputTokens);
        w.Key("output_tokens"u8).Int(step.OutputTokens);
        w.Key("reasoning_output_tokens"u8).Int(step.ReasoningOutputTokens);
        w.Key("timing_events"u8);
        AppendTimingEvents(sb, step.TimingEvents);

        w.Key("tools"u8);
        sb.Append((byte)'[');
        for (var i = 0; i < step.Tools.Count; i++)
        {
            if (i > 0)
            {
                sb.Append((byte)',');
            }

            AppendTool(sb, step.Tools[i], codex, keys.HasFlag(TraceLabRowKeys.ToolInput));
        }

        sb.Append((byte)']');
        w.Key("current_input_event_count"u8).Int(step.CurrentInputEventCount);
        w.Key("current_user_message_count"u8).Int(step.CurrentUserMessageCount);
        w.Key("current_tool_result_count"u8).Int(step.CurrentToolResultCount);
        w.Key("current_user_message_chars"u8).Int(step.CurrentUserMessageChars);
        w.Key("current_tool_result_chars"u8).Int(step.CurrentToolResultChars);
        w.Key("current_input_chars"u8).Int(step.CurrentInputChars);
        w.Key("first_input_event_type"u8).Str(step.FirstInputEventType);
        if (keys.HasFlag(TraceLabRowKeys.Home))
        {
            w.Key("home"u8).Str(step.Home);
        }

        if (keys.HasFlag(TraceLabRowKeys.User))
        {
            w.Key("user"u8).Str(step.User);
        }

        if (keys.HasFlag(TraceLabRowKeys.Store))
        {
            w.Key("store"u8).Str(step.Store);
        }

        if (keys.HasFlag(TraceLabRowKeys.TraceKey))
        {
            w.Key("trace_key"u8).Str(step.TraceKey);
        }

        sb.Append((byte)'}');
    }

    /// <summary>The keys TraceLab's collector writes for a step read from session logs.</summary>
    private static TraceLabRowKeys CollectedKeys(AgentStep step, bool codex)
    {
        var keys = TraceLabRowKeys.ToolInput;
        if (codex)
        {
            keys |= TraceLabRowKeys.TurnId | TraceLabRowKeys.Cwd;
        }
        else if (step.Project is not null)
        {
            keys |= TraceLabRowKeys.Project;
        }

        if (step.SessionFile is not null)
        {
            keys |= TraceLabRowKeys.SessionFile;
        }

        if (step.Home is not null)
        {
            keys |= TraceLabRowKeys.Home;
        }

        if (step.User is not null)
        {
            keys |= TraceLabRowKeys.User;
        }

        if (step.Store is not null)
        {
            keys |= TraceLabRowKeys.Store;
        }

        if (step.TraceKey is not null)
        {
            keys |= TraceLabRowKeys.TraceKey;
        }

        return keys;
    }

    /// <summary>A step's <c>timing_events</c> array, exactly as it appears in its row.</summary>
    public static void AppendTimingEvents(Utf8Buffer sb, IReadOnlyList<TimingEvent> events)
    {
        sb.Append((byte)'[');
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0)
            {
                sb.Append((byte)',');
            }

            AppendEvent(sb, events[i]);
        }

        sb.Append((byte)']');
    }

    /// <summary>The <c>timing_events</c> array of a step as UTF-8 bytes.</summary>
    public static byte[] TimingEventsUtf8(IReadOnlyList<TimingEvent> events)
    {
        var buffer = Utf8Buffer.ForThread(1);
        buffer.Clear();
        AppendTimingEvents(buffer, events);
        return buffer.ToArray();
    }

    private static void AppendEvent(Utf8Buffer sb, TimingEvent e)
    {
        var w = new RowBuilder(sb);
        sb.Append((byte)'{');
        w.Key("event_type"u8).Str(TimingEvent.WireName(e.EventType));
        w.Key("timestamp"u8).Str(e.Timestamp);
        w.Key("source"u8).Str(e.Source);
        if (e.ContentChars is { } chars)
        {
            w.Key("content_chars"u8).Int(chars);
        }

        if (e.ToolCallId is not null)
        {
            w.Key("tool_call_id"u8).Str(e.ToolCallId);
        }

        if (e.ToolName is not null)
        {
            w.Key("tool_name"u8).Str(e.ToolName);
        }

        if (e.ToolIndex is { } index)
        {
            w.Key("tool_index"u8).Int(index);
        }

        if (e.ResultChars is { } result)
        {
            w.Key("result_chars"u8).Int(result);
        }

        if (e.IsError is { } error)
        {
            w.Key("is_error"u8).Bool(error);
        }

        sb.Append((byte)'}');
    }

    private static void AppendTool(Utf8Buffer sb, ToolCall t, bool codex, bool withInput)
    {
        var w = new RowBuilder(sb);
        sb.Append((byte)'{');
        w.Key("tool_index"u8).Int(t.ToolIndex);
        w.Key("tool_name"u8).Str(t.ToolName);
        w.Key("tool_call_id"u8).Str(t.ToolCallId);
        w.Key("emitted_at"u8).Str(t.EmittedAt);
        if (codex)
        {
            w.Key("result_at"u8).Str(t.ResultAt);
        }

        if (withInput)
        {
            w.Key("input"u8);
            sb.Append(t.InputPythonJson);
        }

        w.Key("input_chars"u8).Int(t.InputChars);
        w.Key("result_chars"u8).Int(t.ResultChars);
        w.Key("tool_wall_latency_ms"u8).Int(t.ToolWallLatencyMs);
        w.Key("tool_internal_latency_ms"u8).Int(t.ToolInternalLatencyMs);
        w.Key("is_error"u8).Bool(t.IsError);
        if (!codex)
        {
            w.Key("result_at"u8).Str(t.ResultAt);
        }

        sb.Append((byte)'}');
    }

    /// <summary>Opens an output file, gzip-compressed when asked (default: when the name ends in <c>.gz</c>).</summary>
    public static Stream OpenOutput(string path, bool? gzip = null)
    {
        Stream fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return gzip ?? path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(fs, CompressionLevel.Fastest) : fs;
    }

    /// <summary>Writes rows, one per line, each terminated by '\n'.</summary>
    public static void WriteAll(Stream output, IEnumerable<AgentStep> steps)
    {
        var buffer = new Utf8Buffer(1 << 16);
        foreach (var step in steps)
        {
            buffer.Clear();
            Append(buffer, step);
            buffer.Append((byte)'\n');
            buffer.WriteTo(output);
        }
    }

    /// <summary>Appends comma + key; tracks whether a comma is needed.</summary>
    private ref struct RowBuilder(Utf8Buffer sb)
    {
        private bool _first = true;

        public RowBuilder Key(ReadOnlySpan<byte> name)
        {
            if (!_first)
            {
                sb.Append((byte)',');
            }

            _first = false;
            sb.Append((byte)'"').Append(name).Append("\":"u8);
            return this;
        }

        public readonly void Str(string? value)
        {
            if (value is null)
            {
                sb.Append("null"u8);
            }
            else
            {
                sb.AppendPythonString(value);
            }
        }

        public readonly void Int(long? value)
        {
            if (value is { } v)
            {
                sb.Append(v);
            }
            else
            {
                sb.Append("null"u8);
            }
        }

        public readonly void Bool(bool? value) => sb.Append(value switch { true => "true"u8, false => "false"u8, null => "null"u8 });
    }
}
