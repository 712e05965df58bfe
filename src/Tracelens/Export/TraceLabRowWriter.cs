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
        var w = new RowBuilder(sb);
        sb.Append((byte)'{');
        w.Key("provider").Str(step.Provider.WireName());
        if (!codex && step.Project is not null)
        {
            w.Key("project").Str(step.Project);
        }

        w.Key("session_id").Str(step.SessionId);
        if (step.SessionFile is not null)
        {
            w.Key("session_file").Str(step.SessionFile);
        }

        w.Key("round_index").Int(step.RoundIndex);
        w.Key("round_id").Str(step.RoundId);
        if (codex)
        {
            w.Key("turn_id").Str(step.TurnId);
            w.Key("cwd").Str(step.Cwd);
        }

        w.Key("model").Str(step.Model);
        w.Key("input_tokens_total").Int(step.InputTokensTotal);
        w.Key("prefix_tokens").Int(step.PrefixTokens);
        w.Key("newly_append_tokens").Int(step.NewlyAppendTokens);
        w.Key("claude_uncached_input_tokens").Int(step.ClaudeUncachedInputTokens);
        w.Key("claude_cache_creation_input_tokens").Int(step.ClaudeCacheCreationInputTokens);
        w.Key("claude_cache_read_input_tokens").Int(step.ClaudeCacheReadInputTokens);
        w.Key("output_tokens").Int(step.OutputTokens);
        w.Key("reasoning_output_tokens").Int(step.ReasoningOutputTokens);
        w.Key("timing_events");
        sb.Append((byte)'[');
        for (var i = 0; i < step.TimingEvents.Count; i++)
        {
            if (i > 0)
            {
                sb.Append((byte)',');
            }

            AppendEvent(sb, step.TimingEvents[i]);
        }

        sb.Append((byte)']');
        w.Key("tools");
        sb.Append((byte)'[');
        for (var i = 0; i < step.Tools.Count; i++)
        {
            if (i > 0)
            {
                sb.Append((byte)',');
            }

            AppendTool(sb, step.Tools[i], codex);
        }

        sb.Append((byte)']');
        w.Key("current_input_event_count").Int(step.CurrentInputEventCount);
        w.Key("current_user_message_count").Int(step.CurrentUserMessageCount);
        w.Key("current_tool_result_count").Int(step.CurrentToolResultCount);
        w.Key("current_user_message_chars").Int(step.CurrentUserMessageChars);
        w.Key("current_tool_result_chars").Int(step.CurrentToolResultChars);
        w.Key("current_input_chars").Int(step.CurrentInputChars);
        w.Key("first_input_event_type").Str(step.FirstInputEventType);
        if (step.Home is not null)
        {
            w.Key("home").Str(step.Home);
        }

        if (step.User is not null)
        {
            w.Key("user").Str(step.User);
        }

        if (step.Store is not null)
        {
            w.Key("store").Str(step.Store);
        }

        if (step.TraceKey is not null)
        {
            w.Key("trace_key").Str(step.TraceKey);
        }

        sb.Append((byte)'}');
    }

    private static void AppendEvent(Utf8Buffer sb, TimingEvent e)
    {
        var w = new RowBuilder(sb);
        sb.Append((byte)'{');
        w.Key("event_type").Str(TimingEvent.WireName(e.EventType));
        w.Key("timestamp").Str(e.Timestamp);
        w.Key("source").Str(e.Source);
        if (e.ContentChars is { } chars)
        {
            w.Key("content_chars").Int(chars);
        }

        if (e.ToolCallId is not null)
        {
            w.Key("tool_call_id").Str(e.ToolCallId);
        }

        if (e.ToolName is not null)
        {
            w.Key("tool_name").Str(e.ToolName);
        }

        if (e.ToolIndex is { } index)
        {
            w.Key("tool_index").Int(index);
        }

        if (e.ResultChars is { } result)
        {
            w.Key("result_chars").Int(result);
        }

        if (e.IsError is { } error)
        {
            w.Key("is_error").Bool(error);
        }

        sb.Append((byte)'}');
    }

    private static void AppendTool(Utf8Buffer sb, ToolCall t, bool codex)
    {
        var w = new RowBuilder(sb);
        sb.Append((byte)'{');
        w.Key("tool_index").Int(t.ToolIndex);
        w.Key("tool_name").Str(t.ToolName);
        w.Key("tool_call_id").Str(t.ToolCallId);
        w.Key("emitted_at").Str(t.EmittedAt);
        if (codex)
        {
            w.Key("result_at").Str(t.ResultAt);
        }

        w.Key("input");
        sb.Append(t.InputPythonJson);
        w.Key("input_chars").Int(t.InputChars);
        w.Key("result_chars").Int(t.ResultChars);
        w.Key("tool_wall_latency_ms").Int(t.ToolWallLatencyMs);
        w.Key("tool_internal_latency_ms").Int(t.ToolInternalLatencyMs);
        w.Key("is_error").Bool(t.IsError);
        if (!codex)
        {
            w.Key("result_at").Str(t.ResultAt);
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

        public RowBuilder Key(string name)
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
