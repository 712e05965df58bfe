using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Tracelens.Json;
using Tracelens.Model;
using Tracelens.Readers;

namespace Tracelens.Export;

/// <summary>
/// Which of the keys that differ between private and sanitized TraceLab rows a row carried
/// (tracelab-spec §3.1: the sanitizer drops <c>session_file</c>, <c>cwd</c>, <c>home</c> and every
/// tool's <c>input</c>; the legacy sanitizer also drops <c>user</c>). A writer that wants to
/// reproduce a sanitized row byte for byte needs to know absent from <c>null</c>.
/// </summary>
[Flags]
public enum TraceLabRowKeys
{
    None = 0,
    Project = 1 << 0,
    SessionFile = 1 << 1,
    TurnId = 1 << 2,
    Cwd = 1 << 3,
    Home = 1 << 4,
    User = 1 << 5,
    Store = 1 << 6,
    TraceKey = 1 << 7,

    /// <summary>Every tool of the row had an <c>input</c> key (rows without tools count as having it).</summary>
    ToolInput = 1 << 8,

    /// <summary>The row had at least one key outside TraceLab's schema (it is ignored).</summary>
    UnknownKey = 1 << 9,
}

/// <summary>What to keep of each row.</summary>
public sealed record TraceLabReadOptions
{
    public static readonly TraceLabReadOptions Default = new();

    /// <summary>
    /// Keep every tool's raw <c>input</c> (needed to write private rows back). Analyses never read
    /// inputs; leaving them out makes a large trace load faster and in far less memory.
    /// </summary>
    public bool ToolInputs { get; init; } = true;
}

/// <summary>One row read back: the step, its 1-based line in the trace, and which optional keys it had.</summary>
public readonly record struct TraceLabRow(AgentStep Step, long Line, TraceLabRowKeys Keys);

/// <summary>
/// Streams a TraceLab trace (normalized or sanitized rows, one JSON object per line, plain or
/// gzip by magic bytes) back into <see cref="AgentStep"/>s, the inverse of
/// <see cref="TraceLabRowWriter"/>. A bad line never stops the read: it is skipped and reported to
/// <see cref="ReadDiagnostics"/> with its file, line and reason.
/// </summary>
/// <remarks>
/// Lines are cut into batches on the calling thread and parsed (validating <see cref="JsonTape"/>)
/// on worker threads; rows come out in file order. A row is rejected, not guessed at, when a known
/// key holds the wrong JSON type, when <c>provider</c> is not a known harness, or when
/// <c>session_id</c>, <c>round_id</c> or a tool's <c>tool_call_id</c> is missing: those cannot be
/// represented by the step model, and silently defaulting them would change experiment results.
/// Integers must be JSON integers (a boolean is not a token count here).
/// </remarks>
public static class TraceLabRowReader
{
    private const int BatchBytes = 4 << 20;

    /// <summary>Reads the steps of a trace file in file order.</summary>
    public static IEnumerable<AgentStep> ReadSteps(string path, ReadDiagnostics diagnostics, TraceLabReadOptions? options = null)
    {
        foreach (var row in ReadRows(path, diagnostics, options))
        {
            yield return row.Step;
        }
    }

    /// <summary>Reads the rows of a trace file in file order, with line numbers and key presence.</summary>
    public static IEnumerable<TraceLabRow> ReadRows(string path, ReadDiagnostics diagnostics, TraceLabReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return ReadRowsCore(() => TraceFile.OpenRead(path), path, diagnostics, options ?? TraceLabReadOptions.Default);
    }

    /// <summary>Reads rows from an open stream (plain or gzip); <paramref name="name"/> names it in diagnostics.</summary>
    public static IEnumerable<TraceLabRow> ReadRows(Stream stream, string name, ReadDiagnostics diagnostics, TraceLabReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return ReadRowsCore(() => TraceFile.OpenRead(stream), name, diagnostics, options ?? TraceLabReadOptions.Default);
    }

    private static IEnumerable<TraceLabRow> ReadRowsCore(Func<Stream> open, string name, ReadDiagnostics diagnostics, TraceLabReadOptions options)
    {
        // Two batches in flight per core keep the workers busy while the caller consumes rows.
        var window = new Queue<Task<ParsedBatch>>();
        var maxInFlight = Math.Max(2, Environment.ProcessorCount * 2);
        using var lines = new JsonlLineReader(open(), bufferSize: 1 << 20);
        while (true)
        {
            var batch = LineBatch.Fill(lines);
            if (batch is null)
            {
                break;
            }

            window.Enqueue(Task.Run(() => batch.Parse(options)));
            if (window.Count >= maxInFlight)
            {
                foreach (var row in window.Dequeue().GetAwaiter().GetResult().Report(name, diagnostics))
                {
                    yield return row;
                }
            }
        }

        while (window.Count > 0)
        {
            foreach (var row in window.Dequeue().GetAwaiter().GetResult().Report(name, diagnostics))
            {
                yield return row;
            }
        }
    }

    /// <summary>
    /// A batch's rows and skipped lines. Skips are reported by the consuming thread, batch after
    /// batch, so diagnostics list bad lines in file order however the workers were scheduled.
    /// </summary>
    private sealed record ParsedBatch(List<TraceLabRow> Rows, List<(long Line, string Category, string? Detail)> Skipped)
    {
        public List<TraceLabRow> Report(string name, ReadDiagnostics diagnostics)
        {
            foreach (var (line, category, detail) in Skipped)
            {
                diagnostics.Skip(name, line, category, detail);
            }

            return Rows;
        }
    }

    /// <summary>
    /// Maps one parsed row onto a step. Returns null, with <paramref name="error"/> set, when the row
    /// cannot be represented (see the class remarks).
    /// </summary>
    public static AgentStep? MapRow(JsonTape tape, out TraceLabRowKeys keys, out string? error) =>
        MapRow(tape, TraceLabReadOptions.Default, null, out keys, out error);

    private static AgentStep? MapRow(JsonTape tape, TraceLabReadOptions options, StringCache? cache, out TraceLabRowKeys keys, out string? error)
    {
        ArgumentNullException.ThrowIfNull(tape);
        return new RowMapper(tape, cache, options.ToolInputs).Map(out keys, out error);
    }

    /// <summary>
    /// Reuses one string per distinct value of the fields that repeat from row to row (session,
    /// model, event source, tool name…), so a large trace holds each once instead of per row.
    /// A small direct-mapped table: a collision just replaces the slot.
    /// </summary>
    private sealed class StringCache
    {
        private readonly (byte[]? Utf8, string? Text)[] _slots = new (byte[]?, string?)[1024];

        public string Get(ReadOnlySpan<byte> utf8)
        {
            var hash = new HashCode();
            hash.AddBytes(utf8);
            ref var slot = ref _slots[hash.ToHashCode() & (_slots.Length - 1)];
            if (slot.Utf8 is { } known && utf8.SequenceEqual(known))
            {
                return slot.Text!;
            }

            var text = Encoding.UTF8.GetString(utf8);
            slot = (utf8.ToArray(), text);
            return text;
        }
    }

    /// <summary>
    /// Reads a <c>timing_events</c> array on its own (as the ledger stores it). Returns null, with
    /// <paramref name="error"/> set, when it is not a valid one.
    /// </summary>
    public static List<TimingEvent>? MapTimingEvents(JsonTape tape, out string? error)
    {
        ArgumentNullException.ThrowIfNull(tape);
        var mapper = new RowMapper(tape, cache: null, toolInputs: true);
        var events = mapper.EventsAt(JsonTape.Root);
        error = mapper.Error;
        return error is null ? events : null;
    }

    /// <summary>Lines copied out of the line reader so a worker can parse them while the next batch is read.</summary>
    private sealed class LineBatch
    {
        private readonly List<(int Start, int Length, long Line)> _lines = new(1024);

        // Pooled: a fresh multi-megabyte array per batch lands on the large-object heap and made the
        // reading thread spend its time zeroing memory and collecting gen 2.
        private byte[] _bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(BatchBytes + (64 * 1024));
        private int _used;

        public static LineBatch? Fill(JsonlLineReader reader)
        {
            var batch = new LineBatch();
            while (batch._used < BatchBytes && reader.TryReadLine(out var line))
            {
                if (JsonlLineReader.IsBlank(line))
                {
                    continue;
                }

                batch.Add(line, reader.LineNumber, reader.LineTerminated);
            }

            if (batch._lines.Count == 0)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(batch._bytes);
                return null;
            }

            return batch;
        }

        private void Add(ReadOnlySpan<byte> line, long number, bool terminated)
        {
            if (_used + line.Length > _bytes.Length)
            {
                var bigger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(_used + line.Length, _bytes.Length * 2));
                _bytes.AsSpan(0, _used).CopyTo(bigger);
                System.Buffers.ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = bigger;
            }

            line.CopyTo(_bytes.AsSpan(_used));
            // A cut-off last line is remembered by a negative line number (reported as truncated).
            _lines.Add((_used, line.Length, terminated ? number : -number));
            _used += line.Length;
        }

        public ParsedBatch Parse(TraceLabReadOptions options)
        {
            var cache = new StringCache();
            var rows = new List<TraceLabRow>(_lines.Count);
            var skipped = new List<(long, string, string?)>();
            var tape = JsonTape.ForThread(0);
            foreach (var (start, length, signedLine) in _lines)
            {
                var line = Math.Abs(signedLine);
                if (!Utf8.IsValid(_bytes.AsSpan(start, length)))
                {
                    skipped.Add((line, "invalid UTF-8", null));
                    continue;
                }

                if (!tape.ParseInPlace(_bytes, start, length))
                {
                    skipped.Add((line, signedLine > 0 ? "invalid JSON" : "truncated last line", tape.Error));
                    continue;
                }

                if (tape.KindOf(JsonTape.Root) != JsonKind.Object)
                {
                    skipped.Add((line, "not a JSON object", null));
                    continue;
                }

                var step = MapRow(tape, options, cache, out var keys, out var error);
                if (step is null)
                {
                    skipped.Add((line, "invalid row", error));
                    continue;
                }

                rows.Add(new TraceLabRow(step, line, keys));
            }

            // Steps copy what they keep out of the tape, so the bytes can go back to the pool.
            System.Buffers.ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = [];
            return new ParsedBatch(rows, skipped);
        }
    }

    /// <summary>Known keys of rows, tools and timing events, looked up by length then bytes (no allocation).</summary>
    private enum Key
    {
        Unknown,
        Provider,
        Project,
        SessionId,
        SessionFile,
        RoundIndex,
        RoundId,
        TurnId,
        Cwd,
        Model,
        InputTokensTotal,
        PrefixTokens,
        NewlyAppendTokens,
        ClaudeUncachedInputTokens,
        ClaudeCacheCreationInputTokens,
        ClaudeCacheReadInputTokens,
        OutputTokens,
        ReasoningOutputTokens,
        TimingEvents,
        Tools,
        CurrentInputEventCount,
        CurrentUserMessageCount,
        CurrentToolResultCount,
        CurrentUserMessageChars,
        CurrentToolResultChars,
        CurrentInputChars,
        FirstInputEventType,
        Home,
        User,
        Store,
        TraceKey,
        ToolIndex,
        ToolName,
        ToolCallId,
        EmittedAt,
        ResultAt,
        Input,
        InputChars,
        ResultChars,
        ToolWallLatencyMs,
        ToolInternalLatencyMs,
        IsError,
        EventType,
        Timestamp,
        Source,
        ContentChars,
    }

    private static class KeyNames
    {
        private static readonly (Key Key, byte[] Name)[][] ByLength = Build();

        public static Key Lookup(JsonTape tape, int keyIndex)
        {
            var name = tape.IsEscaped(keyIndex) ? Encoding.UTF8.GetBytes(tape.GetString(keyIndex)) : tape.RawSpan(keyIndex);
            if (name.Length >= ByLength.Length)
            {
                return Key.Unknown;
            }

            foreach (var (key, bytes) in ByLength[name.Length])
            {
                if (name.SequenceEqual(bytes))
                {
                    return key;
                }
            }

            return Key.Unknown;
        }

        private static (Key, byte[])[][] Build()
        {
            var names = Enum.GetValues<Key>().Where(k => k != Key.Unknown).Select(k => (k, Encoding.UTF8.GetBytes(SnakeCase(k.ToString())))).ToList();
            var table = new (Key, byte[])[names.Max(n => n.Item2.Length) + 1][];
            for (var length = 0; length < table.Length; length++)
            {
                table[length] = names.Where(n => n.Item2.Length == length).ToArray();
            }

            return table;
        }

        private static string SnakeCase(string pascal)
        {
            var sb = new StringBuilder(pascal.Length + 8);
            foreach (var c in pascal)
            {
                if (char.IsUpper(c) && sb.Length > 0)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }

            return sb.ToString();
        }
    }

    /// <summary>Reads one row's tape; the first type error wins and rejects the row.</summary>
    private ref struct RowMapper(JsonTape tape, StringCache? cache, bool toolInputs)
    {
        private string? _error;

        public AgentStep? Map(out TraceLabRowKeys keys, out string? error)
        {
            keys = TraceLabRowKeys.ToolInput;
            error = null;
            var root = JsonTape.Root;
            var providerIndex = tape.Get(root, "provider"u8);
            var wire = providerIndex < 0 ? null : Str(providerIndex, "provider");
            if (!Providers.TryParse(wire, out var provider))
            {
                error = _error ?? (wire is null ? "no provider" : $"unknown provider '{wire}'");
                return null;
            }

            string? sessionId = null, roundId = null;
            var step = new AgentStep { Provider = provider, SessionId = string.Empty, RoundId = string.Empty };
            var n = tape.ChildCount(root);
            var k = JsonTape.FirstChild(root);
            for (var i = 0; i < n && _error is null; i++)
            {
                var v = k + 1;
                switch (KeyNames.Lookup(tape, k))
                {
                    case Key.Provider: break;
                    case Key.Project: step.Project = Repeated(v, "project"); keys |= TraceLabRowKeys.Project; break;
                    case Key.SessionId: sessionId = Repeated(v, "session_id"); break;
                    case Key.SessionFile: step.SessionFile = Repeated(v, "session_file"); keys |= TraceLabRowKeys.SessionFile; break;
                    case Key.RoundIndex: step.RoundIndex = Int32(v, "round_index"); break;
                    case Key.RoundId: roundId = Str(v, "round_id"); break;
                    case Key.TurnId: step.TurnId = Str(v, "turn_id"); keys |= TraceLabRowKeys.TurnId; break;
                    case Key.Cwd: step.Cwd = Str(v, "cwd"); keys |= TraceLabRowKeys.Cwd; break;
                    case Key.Model: step.Model = Repeated(v, "model"); break;
                    case Key.InputTokensTotal: step.InputTokensTotal = Int64(v, "input_tokens_total"); break;
                    case Key.PrefixTokens: step.PrefixTokens = Int64(v, "prefix_tokens"); break;
                    case Key.NewlyAppendTokens: step.NewlyAppendTokens = Int64(v, "newly_append_tokens"); break;
                    case Key.ClaudeUncachedInputTokens: step.ClaudeUncachedInputTokens = OptInt64(v, "claude_uncached_input_tokens"); break;
                    case Key.ClaudeCacheCreationInputTokens: step.ClaudeCacheCreationInputTokens = OptInt64(v, "claude_cache_creation_input_tokens"); break;
                    case Key.ClaudeCacheReadInputTokens: step.ClaudeCacheReadInputTokens = OptInt64(v, "claude_cache_read_input_tokens"); break;
                    case Key.OutputTokens: step.OutputTokens = Int64(v, "output_tokens"); break;
                    case Key.ReasoningOutputTokens: step.ReasoningOutputTokens = OptInt64(v, "reasoning_output_tokens"); break;
                    case Key.TimingEvents: step.TimingEvents = Events(v); break;
                    case Key.Tools: step.Tools = Tools(v, ref keys); break;
                    case Key.CurrentInputEventCount: step.CurrentInputEventCount = Int32(v, "current_input_event_count"); break;
                    case Key.CurrentUserMessageCount: step.CurrentUserMessageCount = Int32(v, "current_user_message_count"); break;
                    case Key.CurrentToolResultCount: step.CurrentToolResultCount = Int32(v, "current_tool_result_count"); break;
                    case Key.CurrentUserMessageChars: step.CurrentUserMessageChars = Int64(v, "current_user_message_chars"); break;
                    case Key.CurrentToolResultChars: step.CurrentToolResultChars = Int64(v, "current_tool_result_chars"); break;
                    case Key.CurrentInputChars: step.CurrentInputChars = Int64(v, "current_input_chars"); break;
                    case Key.FirstInputEventType: step.FirstInputEventType = Repeated(v, "first_input_event_type"); break;
                    case Key.Home: step.Home = Repeated(v, "home"); keys |= TraceLabRowKeys.Home; break;
                    case Key.User: step.User = Repeated(v, "user"); keys |= TraceLabRowKeys.User; break;
                    case Key.Store: step.Store = Repeated(v, "store"); keys |= TraceLabRowKeys.Store; break;
                    case Key.TraceKey: step.TraceKey = Str(v, "trace_key"); keys |= TraceLabRowKeys.TraceKey; break;
                    default: keys |= TraceLabRowKeys.UnknownKey; break;
                }

                k = tape.NextOf(v);
            }

            _error ??= sessionId is null ? "no session_id" : roundId is null ? "no round_id" : null;
            if (_error is not null)
            {
                error = _error;
                return null;
            }

            step.SessionId = sessionId!;
            step.RoundId = roundId!;
            return step;
        }

        public readonly string? Error => _error;

        public List<TimingEvent> EventsAt(int array) => Events(array);

        private List<TimingEvent> Events(int array)
        {
            if (!Expect(array, JsonKind.Array, "timing_events"))
            {
                return [];
            }

            var count = tape.ChildCount(array);
            var events = new List<TimingEvent>(count);
            var e = JsonTape.FirstChild(array);
            for (var i = 0; i < count && _error is null; i++)
            {
                if (Expect(e, JsonKind.Object, "timing_events[]") && Event(e) is { } parsed)
                {
                    events.Add(parsed);
                }

                e = tape.NextOf(e);
            }

            return events;
        }

        private TimingEvent? Event(int obj)
        {
            TimingEventType? type = null;
            string? timestamp = null, source = null, toolCallId = null, toolName = null;
            int? contentChars = null, toolIndex = null, resultChars = null;
            bool? isError = null;
            var n = tape.ChildCount(obj);
            var k = JsonTape.FirstChild(obj);
            for (var i = 0; i < n; i++)
            {
                var v = k + 1;
                switch (KeyNames.Lookup(tape, k))
                {
                    case Key.EventType:
                        var eventType = Str(v, "event_type");
                        if (TimingEvent.TryParse(eventType, out var t))
                        {
                            type = t;
                        }
                        else
                        {
                            _error ??= $"unknown event_type '{eventType}'";
                        }

                        break;
                    case Key.Timestamp: timestamp = Str(v, "timestamp"); break;
                    case Key.Source: source = Repeated(v, "source"); break;
                    case Key.ContentChars: contentChars = OptInt32(v, "content_chars"); break;
                    case Key.ToolCallId: toolCallId = Str(v, "tool_call_id"); break;
                    case Key.ToolName: toolName = Repeated(v, "tool_name"); break;
                    case Key.ToolIndex: toolIndex = OptInt32(v, "tool_index"); break;
                    case Key.ResultChars: resultChars = OptInt32(v, "result_chars"); break;
                    case Key.IsError: isError = OptBool(v, "is_error"); break;
                }

                k = tape.NextOf(v);
            }

            if (type is null || source is null)
            {
                _error ??= type is null ? "timing event without event_type" : "timing event without source";
                return null;
            }

            return new TimingEvent
            {
                EventType = type.Value,
                Timestamp = timestamp,
                Source = source,
                ContentChars = contentChars,
                ToolCallId = toolCallId,
                ToolName = toolName,
                ToolIndex = toolIndex,
                ResultChars = resultChars,
                IsError = isError,
            };
        }

        private List<ToolCall> Tools(int array, ref TraceLabRowKeys keys)
        {
            if (!Expect(array, JsonKind.Array, "tools"))
            {
                return [];
            }

            var count = tape.ChildCount(array);
            var tools = new List<ToolCall>(count);
            var t = JsonTape.FirstChild(array);
            for (var i = 0; i < count && _error is null; i++)
            {
                if (Expect(t, JsonKind.Object, "tools[]") && Tool(t, out var hadInput) is { } parsed)
                {
                    tools.Add(parsed);
                    if (!hadInput)
                    {
                        keys &= ~TraceLabRowKeys.ToolInput;
                    }
                }

                t = tape.NextOf(t);
            }

            return tools;
        }

        private ToolCall? Tool(int obj, out bool hadInput)
        {
            hadInput = false;
            string? toolCallId = null;
            var tool = new ToolCall { ToolCallId = string.Empty };
            var n = tape.ChildCount(obj);
            var k = JsonTape.FirstChild(obj);
            for (var i = 0; i < n; i++)
            {
                var v = k + 1;
                switch (KeyNames.Lookup(tape, k))
                {
                    case Key.ToolIndex: tool.ToolIndex = Int32(v, "tool_index"); break;
                    case Key.ToolName: tool.ToolName = Repeated(v, "tool_name"); break;
                    case Key.ToolCallId: toolCallId = Str(v, "tool_call_id"); break;
                    case Key.EmittedAt: tool.EmittedAt = Str(v, "emitted_at"); break;
                    case Key.ResultAt: tool.ResultAt = Str(v, "result_at"); break;
                    case Key.Input:
                        if (toolInputs)
                        {
                            tool.InputPythonJson = PythonJson.SerializeUtf8(tape, v);
                        }

                        hadInput = true;
                        break;
                    case Key.InputChars: tool.InputChars = Int32(v, "input_chars"); break;
                    case Key.ResultChars: tool.ResultChars = OptInt32(v, "result_chars"); break;
                    case Key.ToolWallLatencyMs: tool.ToolWallLatencyMs = OptInt64(v, "tool_wall_latency_ms"); break;
                    case Key.ToolInternalLatencyMs: tool.ToolInternalLatencyMs = OptInt64(v, "tool_internal_latency_ms"); break;
                    case Key.IsError: tool.IsError = OptBool(v, "is_error"); break;
                }

                k = tape.NextOf(v);
            }

            if (toolCallId is null)
            {
                _error ??= "tool without tool_call_id";
                return null;
            }

            tool.ToolCallId = toolCallId;
            return tool;
        }

        private bool Expect(int index, JsonKind kind, string name)
        {
            if (tape.KindOf(index) == kind)
            {
                return true;
            }

            _error ??= $"{name} is not {(kind == JsonKind.Array ? "an array" : "an object")}";
            return false;
        }

        /// <summary>A string field whose values repeat across rows: shared through the batch's cache.</summary>
        private string? Repeated(int index, string name) =>
            cache is not null && tape.KindOf(index) == JsonKind.String && !tape.IsEscaped(index) ? cache.Get(tape.RawSpan(index)) : Str(index, name);

        private string? Str(int index, string name)
        {
            switch (tape.KindOf(index))
            {
                case JsonKind.String:
                    return tape.GetString(index);
                case JsonKind.Null:
                    return null;
                default:
                    _error ??= $"{name} is not a string";
                    return null;
            }
        }

        private long? OptInt64(int index, string name)
        {
            switch (tape.KindOf(index))
            {
                case JsonKind.Integer when tape.TryGetPythonInt(index, out var value):
                    return value;
                case JsonKind.Null:
                    return null;
                default:
                    _error ??= $"{name} is not a 64-bit integer";
                    return null;
            }
        }

        private long Int64(int index, string name)
        {
            if (tape.KindOf(index) == JsonKind.Null)
            {
                _error ??= $"{name} is null";
            }

            return OptInt64(index, name) ?? 0;
        }

        private int? OptInt32(int index, string name)
        {
            var value = OptInt64(index, name);
            if (value is < int.MinValue or > int.MaxValue)
            {
                _error ??= $"{name} is out of range";
                return null;
            }

            return (int?)value;
        }

        private int Int32(int index, string name)
        {
            if (tape.KindOf(index) == JsonKind.Null)
            {
                _error ??= $"{name} is null";
            }

            return OptInt32(index, name) ?? 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool? OptBool(int index, string name)
        {
            switch (tape.KindOf(index))
            {
                case JsonKind.True:
                    return true;
                case JsonKind.False:
                    return false;
                case JsonKind.Null:
                    return null;
                default:
                    _error ??= $"{name} is not a boolean";
                    return null;
            }
        }
    }
}
