using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Readers.Codex;

/// <summary>One Codex rollout file and what to write as its <c>session_file</c>.</summary>
public sealed record CodexSessionSource(string Path, string? SessionFileLabel = null);

/// <summary>
/// Turns one Codex rollout into agent steps exactly as TraceLab's extractor does
/// (tracelab-spec §2.4): a step is one model call, closed by an accepted usage report
/// (<c>token_count</c>), holding the input events since the previous report, its own output
/// events and the tools it emitted. Duplicate usage echoes are dropped. When a report carries
/// only the cumulative <c>total_token_usage</c>, the per-call usage is its difference from the
/// previous accepted total (TraceLab would drop such a call). Replayed parent turns in subagent
/// files are attributed to the parent session so they dedupe.
/// </summary>
public sealed partial class CodexSessionReader
{
    // Taken from the reading thread at the start of each Read (tapes are reused per thread).
    private JsonTape _tape = null!;
    private JsonTape _inner = null!;
    private readonly ReadDiagnostics _diagnostics;

    public CodexSessionReader(ReadDiagnostics diagnostics) => _diagnostics = diagnostics;

    /// <summary>Where the next incremental read of the file last read should start.</summary>
    public ReadCheckpoint Checkpoint { get; private set; } = ReadCheckpoint.Start;

    /// <summary>
    /// True when a resumed read found the file changed before its end (the checkpoint line moved,
    /// or the step there is gone) or a cursor it cannot use: the file must be read from the start.
    /// </summary>
    public bool NeedsFullRead { get; private set; }

    /// <summary>
    /// In a resumed read: call ids that a full read may have met before the checkpoint — results
    /// whose call is not in the tail, and the tail's own calls (a full read skips a repeated id).
    /// The caller checks them against what it stored.
    /// </summary>
    public List<string> ToolCallIdsToCheck { get; } = [];

    [GeneratedRegex(@"(?:Exit code|Process exited with code)[: ]+(-?[0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex ExitCodePattern();

    [GeneratedRegex(@"^Wall time:\s*([0-9]+(?:\.[0-9]+)?)\s*seconds\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex WallTimePattern();

    private sealed class Usage
    {
        public long Input;
        public long Cached;
        public long Output;
        public long Reasoning;
    }

    public List<AgentStep> Read(CodexSessionSource source)
    {
        using var lines = JsonlLineReader.Open(source.Path);
        return Read(source, lines);
    }

    public List<AgentStep> Read(CodexSessionSource source, JsonlLineReader lines) => Read(source, lines, null);

    /// <summary>
    /// Reads from <paramref name="resume"/>'s checkpoint and returns the steps from there on;
    /// <see cref="NeedsFullRead"/> tells when that was not possible.
    /// </summary>
    public List<AgentStep> Resume(CodexSessionSource source, ResumeState resume)
    {
        using var lines = JsonlLineReader.Open(source.Path, resume.Checkpoint.Offset, resume.Checkpoint.LineNumber);
        lines.HoldBackUnfinishedLine = true;
        return Read(source, lines, resume);
    }

    /// <summary>Where a step's model output starts, and the reader's state just before that line.</summary>
    private readonly record struct StepStart(long Offset, long LineNumber, int PendingEvents, long LineFingerprint, CodexReadState State);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<AgentStep> Read(CodexSessionSource source, JsonlLineReader lines, ResumeState? resume)
    {
        _tape = JsonTape.ForThread(0);
        _inner = JsonTape.ForThread(1);
        NeedsFullRead = false;
        ToolCallIdsToCheck.Clear();
        Checkpoint = resume?.Checkpoint ?? ReadCheckpoint.Start;
        var steps = new List<AgentStep>();
        var label = source.SessionFileLabel ?? source.Path;
        var fileStem = Path.GetFileNameWithoutExtension(source.Path);
        var s = new CodexReadState();
        if (resume is not null)
        {
            if (CodexReadState.Deserialize(resume.Checkpoint.ReaderState) is not { } resumed)
            {
                NeedsFullRead = true; // a cursor from before Codex reads resumed, or of another format
                return steps;
            }

            s = resumed;
        }

        var pending = resume is null ? new List<TimingEvent>() : [.. resume.PendingEvents];
        var segmentEvents = new List<TimingEvent>();
        var segmentTools = new List<ToolCall>();
        var toolsById = new Dictionary<string, ToolCall>(StringComparer.Ordinal);
        StepStart? segmentStart = null, lastStepStart = null;
        string? lastStepTurn = null, lastStepSession = null;
        var firstRecord = true;

        // TraceLab reads Codex files with errors="replace": bad bytes become U+FFFD.
        while (lines.TryReadRecord(_tape, source.Path, _diagnostics, replaceInvalidUtf8: true))
        {
            var t = _tape;
            if (firstRecord && resume is not null)
            {
                // The checkpoint line must still be where it was: otherwise the file was rewritten.
                if (!resume.Checkpoint.IsAt(lines))
                {
                    NeedsFullRead = true;
                    return [];
                }
            }

            firstRecord = false;
            var payload = t.Get(JsonTape.Root, "payload"u8);
            if (payload < 0 || t.KindOf(payload) != JsonKind.Object)
            {
                if (payload >= 0)
                {
                    _diagnostics.Skip(source.Path, lines.LineNumber, "payload is not an object");
                }

                continue;
            }

            var type = t.Get(JsonTape.Root, "type"u8);
            var payloadType = t.Get(payload, "type"u8);
            var timestamp = t.GetStringOrNull(t.Get(JsonTape.Root, "timestamp"u8));

            if (t.StringEquals(type, "session_meta"u8))
            {
                var id = t.GetStringOrNull(t.Get(payload, "id"u8));
                if (!string.IsNullOrEmpty(id))
                {
                    if (s.FileSessionMetaId is null)
                    {
                        s.FileSessionMetaId = s.SessionMetaId = id;
                        var parent = t.GetStringOrNull(Path3(t, t.Get(payload, "source"u8), "subagent"u8, "thread_spawn"u8, "parent_thread_id"u8));
                        if (!string.IsNullOrEmpty(parent))
                        {
                            s.ParentSessionMetaId = parent;
                            s.IsSubagentFile = true;
                        }
                    }
                    else if (s.IsSubagentFile && id != s.FileSessionMetaId)
                    {
                        // Subagent files replay the parent's history after their own meta.
                        s.ParentSessionMetaId = id;
                    }

                    s.Cwd = Truthy(t, t.Get(payload, "cwd"u8)) ?? s.Cwd;
                    continue;
                }
            }

            if (t.StringEquals(type, "turn_context"u8))
            {
                s.TurnId = Truthy(t, t.Get(payload, "turn_id"u8)) ?? s.TurnId;
                s.Model = Truthy(t, t.Get(payload, "model"u8)) ?? s.Model;
                s.Cwd = Truthy(t, t.Get(payload, "cwd"u8)) ?? s.Cwd;
                continue;
            }

            if (t.StringEquals(payloadType, "task_started"u8))
            {
                s.TurnId = Truthy(t, t.Get(payload, "turn_id"u8)) ?? s.TurnId;
                continue;
            }

            var isEvent = t.StringEquals(type, "event_msg"u8);
            var isResponse = t.StringEquals(type, "response_item"u8);
            if (!isEvent && !isResponse)
            {
                continue;
            }

            if (isEvent && t.StringEquals(payloadType, "user_message"u8))
            {
                pending.Add(new TimingEvent
                {
                    EventType = TimingEventType.UserMessage,
                    Timestamp = timestamp,
                    Source = "event_msg.user_message",
                    ContentChars = PythonJson.ContentChars(t, t.Get(payload, "message"u8)),
                });
            }
            else if (isResponse && t.StringEquals(payloadType, "reasoning"u8))
            {
                segmentStart ??= StartOfStep(lines, pending.Count, s);
                segmentEvents.Add(new TimingEvent { EventType = TimingEventType.Reasoning, Timestamp = timestamp, Source = "response_item.reasoning" });
            }
            else if (isResponse && t.StringEquals(payloadType, "message"u8))
            {
                if (t.StringEquals(t.Get(payload, "role"u8), "assistant"u8))
                {
                    segmentStart ??= StartOfStep(lines, pending.Count, s);
                    segmentEvents.Add(new TimingEvent
                    {
                        EventType = TimingEventType.Text,
                        Timestamp = timestamp,
                        Source = "response_item.message",
                        ContentChars = PythonJson.ContentChars(t, t.Get(payload, "content"u8)),
                    });
                }
            }
            else if (isResponse && (t.StringEquals(payloadType, "function_call"u8) || t.StringEquals(payloadType, "custom_tool_call"u8)))
            {
                var callId = t.GetStringOrNull(t.Get(payload, "call_id"u8));
                if (callId is null || toolsById.ContainsKey(callId))
                {
                    continue;
                }

                if (resume is not null)
                {
                    ToolCallIdsToCheck.Add(callId); // a full read skips a call id it met before the checkpoint
                }

                segmentStart ??= StartOfStep(lines, pending.Count, s);
                var custom = t.StringEquals(payloadType, "custom_tool_call"u8);
                var name = t.GetStringOrNull(t.Get(payload, "name"u8));
                var input = t.Get(payload, custom ? "input"u8 : "arguments"u8);
                var tool = new ToolCall
                {
                    ToolIndex = segmentTools.Count,
                    ToolName = name,
                    ToolCallId = callId,
                    EmittedAt = timestamp,
                    InputPythonJson = input < 0 ? "null"u8.ToArray() : PythonJson.SerializeUtf8(t, input),
                    InputChars = PythonJson.ContentChars(t, input),
                };
                DescribeTarget(tool, t, input, custom);
                segmentTools.Add(tool);
                toolsById[callId] = tool;
                segmentEvents.Add(new TimingEvent
                {
                    EventType = TimingEventType.ToolCall,
                    Timestamp = timestamp,
                    Source = custom ? "response_item.custom_tool_call" : "response_item.function_call",
                    ToolCallId = callId,
                    ToolName = name,
                    ToolIndex = tool.ToolIndex,
                });
            }
            else if (ResultSource(t, isEvent, isResponse, payloadType) is { } resultSource)
            {
                var callId = t.GetStringOrNull(t.Get(payload, "call_id"u8));
                if (callId is null || !toolsById.TryGetValue(callId, out var tool))
                {
                    if (callId is not null && resume is not null)
                    {
                        ToolCallIdsToCheck.Add(callId); // its call may be before the checkpoint
                    }

                    continue;
                }

                var wantsText = ToolTargets.CanonicalName(tool.ToolName) == "Agent" && tool.SpawnedAgentId is null;
                var facts = ReadResult(t, payload, resultSource, wantsText);
                var output = facts.Output;
                var isError = facts.IsError;
                var first = tool.ResultAt is null;
                if (first)
                {
                    tool.ResultAt = timestamp;
                }

                tool.ResultChars ??= output.Chars;
                if (tool.OutputBytes is null && output.Bytes is not null)
                {
                    // exec_command_end often precedes the output record and carries no payload:
                    // measure the first result that actually has one.
                    tool.OutputBytes = output.Bytes;
                    tool.OutputTruncated = output.Truncated;
                }

                tool.ToolWallLatencyMs ??= IsoTimestamp.LatencyMs(tool.EmittedAt, timestamp);
                tool.ToolInternalLatencyMs ??= facts.WallTimeMs;
                if (isError is not null)
                {
                    tool.IsError = isError;
                }

                if (wantsText && facts.Text is { } outputText)
                {
                    tool.SpawnedAgentId = SpawnedAgentId(outputText);
                }

                if (first)
                {
                    pending.Add(new TimingEvent
                    {
                        EventType = TimingEventType.ToolResult,
                        Timestamp = timestamp,
                        Source = resultSource,
                        ToolCallId = callId,
                        ResultChars = tool.ResultChars,
                        IsError = tool.IsError,
                    });
                }
            }
            else if (isEvent && t.StringEquals(payloadType, "token_count"u8))
            {
                var info = t.Get(payload, "info"u8);
                if (info < 0 || t.KindOf(info) != JsonKind.Object)
                {
                    continue;
                }

                var totalIndex = t.Get(info, "total_token_usage"u8);
                var lastIndex = t.Get(info, "last_token_usage"u8);
                if (totalIndex < 0 || t.KindOf(totalIndex) != JsonKind.Object)
                {
                    continue;
                }

                var signature = SortedSignature(t, totalIndex);
                if (signature == s.LastTotalSignature)
                {
                    continue; // a duplicate echo of the previous report
                }

                // A call with no output records starts at its usage report.
                var start = segmentStart ?? StartOfStep(lines, pending.Count, s);
                var total = ReadUsage(t, totalIndex);
                Usage last;
                if (lastIndex >= 0 && t.KindOf(lastIndex) == JsonKind.Object)
                {
                    last = ReadUsage(t, lastIndex);
                }
                else
                {
                    // Only the cumulative counters: the call's usage is the difference.
                    var before = s.LastTotal ?? default;
                    last = new Usage
                    {
                        Input = Math.Max(0, total.Input - before.Input),
                        Cached = Math.Max(0, total.Cached - before.Cached),
                        Output = Math.Max(0, total.Output - before.Output),
                        Reasoning = Math.Max(0, total.Reasoning - before.Reasoning),
                    };
                }

                s.LastTotalSignature = signature;
                s.LastTotal = (total.Input, total.Cached, total.Output, total.Reasoning);

                var turnForId = s.TurnId ?? fileStem;
                s.CallsPerTurn.TryGetValue(turnForId, out var turnRound);
                s.CallsPerTurn[turnForId] = turnRound + 1;

                var roundSession = s.SessionMetaId ?? fileStem;
                var isChild = false;
                if (s.IsSubagentFile)
                {
                    if (s.TurnId is not null && s.FileSessionMetaId is not null && string.CompareOrdinal(s.TurnId, s.FileSessionMetaId) >= 0)
                    {
                        roundSession = s.FileSessionMetaId;
                        isChild = true;
                    }
                    else if (s.ParentSessionMetaId is not null)
                    {
                        roundSession = s.ParentSessionMetaId;
                    }
                }

                var sessionId = "codex:" + roundSession;
                s.CallsPerSession.TryGetValue(sessionId, out var roundIndex);
                s.CallsPerSession[sessionId] = roundIndex + 1;

                var step = new AgentStep
                {
                    Provider = Provider.Codex,
                    SessionId = sessionId,
                    SessionFile = label,
                    RoundIndex = roundIndex,
                    RoundId = $"{turnForId}:{turnRound.ToString(CultureInfo.InvariantCulture)}",
                    TurnId = s.TurnId,
                    Cwd = s.Cwd,
                    Model = s.Model,
                    InputTokensTotal = last.Input,
                    PrefixTokens = last.Cached,
                    NewlyAppendTokens = Math.Max(0, last.Input - last.Cached),
                    OutputTokens = last.Output,
                    ReasoningOutputTokens = last.Reasoning,
                    TimingEvents = [.. pending, .. segmentEvents, new TimingEvent { EventType = TimingEventType.UsageReport, Timestamp = timestamp, Source = "event_msg.token_count" }],
                    Tools = [.. segmentTools],
                    FirstLine = start.LineNumber,
                };
                step.StartedAt = Earliest(step.TimingEvents);
                if (isChild && s.ParentSessionMetaId is not null)
                {
                    step.ParentSessionId = "codex:" + s.ParentSessionMetaId;
                    step.AgentId = s.FileSessionMetaId;
                    step.IsSidechain = true;
                }

                for (var k = 0; k < step.Tools.Count; k++)
                {
                    step.Tools[k].ToolIndex = k;
                }

                step.RecomputeInputSummary();
                steps.Add(step);
                pending.Clear();
                segmentEvents.Clear();
                segmentTools.Clear();
                segmentStart = null;
                lastStepStart = start;
                lastStepTurn = turnForId;
                lastStepSession = sessionId;
            }
        }

        if (lastStepStart is { } resumeAt)
        {
            // The last step stays open (its tools' results come after its usage report): the next
            // read starts at its model output, with the state from just before. The counts then
            // are the final ones less this step's own call.
            var state = resumeAt.State;
            state.CallsPerTurn = WithoutOneCall(s.CallsPerTurn, lastStepTurn!);
            state.CallsPerSession = WithoutOneCall(s.CallsPerSession, lastStepSession!);
            Checkpoint = new ReadCheckpoint(resumeAt.Offset, resumeAt.LineNumber - 1, steps[^1].RoundIndex, resumeAt.PendingEvents,
                resumeAt.LineFingerprint, 0, ReaderState: state.Serialize());
        }
        else if (resume is not null)
        {
            // The tail re-reads the step at the checkpoint: without it, the file is not what it was.
            NeedsFullRead = true;
            return [];
        }

        // Events and tools after the last accepted usage report belong to no recorded call: dropped.
        return steps;
    }

    private static StepStart StartOfStep(JsonlLineReader lines, int pendingEvents, CodexReadState state) =>
        new(lines.LineOffset, lines.LineNumber, pendingEvents, ReadCheckpoint.Fingerprint(lines.LastRecord), state.Snapshot());

    private static Dictionary<string, int> WithoutOneCall(Dictionary<string, int> counts, string key)
    {
        var copy = new Dictionary<string, int>(counts, StringComparer.Ordinal);
        if (copy[key] == 1)
        {
            copy.Remove(key); // never counted before: absent, as a full read's state would have it
        }
        else
        {
            copy[key]--;
        }

        return copy;
    }

    private static string? ResultSource(JsonTape t, bool isEvent, bool isResponse, int payloadType)
    {
        if (isResponse && t.StringEquals(payloadType, "function_call_output"u8))
        {
            return "response_item.function_call_output";
        }

        if (isResponse && t.StringEquals(payloadType, "custom_tool_call_output"u8))
        {
            return "response_item.custom_tool_call_output";
        }

        if (isEvent && t.StringEquals(payloadType, "exec_command_end"u8))
        {
            return "event_msg.exec_command_end";
        }

        if (isEvent && t.StringEquals(payloadType, "patch_apply_end"u8))
        {
            return "event_msg.patch_apply_end";
        }

        return null;
    }

    private readonly record struct OutputMeasure(int Chars, long? Bytes, bool? Truncated);

    /// <summary>The result's payload measures, its text (when a string) and the inferred error flag.</summary>
    /// <summary>What one result record says: payload sizes, error flag, runner-reported duration.</summary>
    private readonly record struct ResultFacts(OutputMeasure Output, bool? IsError, long? WallTimeMs, string? Text);

    private ResultFacts ReadResult(JsonTape t, int payload, string source, bool wantText)
    {
        switch (source)
        {
            case "event_msg.exec_command_end":
            {
                var output = t.Get(payload, "aggregated_output"u8);
                bool? isError = t.TryGetPythonInt(t.Get(payload, "exit_code"u8), out var code) ? code != 0 : null;
                var text = wantText ? t.GetStringOrNull(output) : null;
                return new ResultFacts(Measure(t, output), isError, WallTimeMs(FirstMatch(WallTimePattern(), t, output)), text);
            }

            case "event_msg.patch_apply_end":
            {
                var text = (Truthy(t, t.Get(payload, "stdout"u8)) ?? string.Empty) + (Truthy(t, t.Get(payload, "stderr"u8)) ?? string.Empty);
                var success = t.Get(payload, "success"u8);
                bool? isError = success >= 0 && t.KindOf(success) is JsonKind.True or JsonKind.False ? t.KindOf(success) == JsonKind.False : null;
                var bytes = Encoding.UTF8.GetByteCount(text);
                var measure = new OutputMeasure(JsonStringCodec.CountCodePoints(text), bytes, ToolOutput.HasMarker(text));
                return new ResultFacts(measure, isError, WallTimeMs(WallTimePattern().Match(text)), text);
            }

            default:
            {
                var output = t.Get(payload, "output"u8);
                var isString = output >= 0 && t.KindOf(output) == JsonKind.String;
                var text = wantText && isString ? t.GetString(output) : null;
                var isError = isString ? InferError(t, output) : null;
                return new ResultFacts(Measure(t, output), isError, isString ? WallTimeMs(FirstMatch(WallTimePattern(), t, output)) : null, text);
            }
        }
    }

    private static long? WallTimeMs(Match? m)
    {
        if (m is not { Success: true })
        {
            return null;
        }

        var seconds = double.Parse(m.Groups[1].ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture);
        return (long)Math.Round(seconds * 1000, MidpointRounding.ToEven);
    }

    /// <summary>
    /// The leftmost match of a header pattern in a string value, decoding only the text up to a
    /// little past the first occurrence of the pattern's leading words (tool outputs can be
    /// megabytes, and a runner's header holds the match within a few dozen bytes). A match
    /// touching the end of that window could continue past it, and a first occurrence that does
    /// not match leaves the leftmost match further on: both fall back to the whole text.
    /// </summary>
    private static Match? FirstMatch(Regex pattern, JsonTape t, int index)
    {
        if (index < 0 || t.KindOf(index) != JsonKind.String)
        {
            return null;
        }

        // Past the leading words: the rest of a header match ("…: 12.5 seconds", "…: -1").
        const int Margin = 96;
        var raw = t.RawSpan(index);

        // Both header patterns start with fixed ASCII words that JSON never escapes: a match cannot
        // start before their first occurrence in the raw bytes, and without one there is none.
        int first;
        if (pattern == WallTimePattern())
        {
            first = raw.IndexOf("Wall time:"u8);
        }
        else
        {
            first = raw.IndexOf("Process exited with code"u8);
            var exit = raw[..(first < 0 ? raw.Length : first)].IndexOf("Exit code"u8);
            first = exit >= 0 ? exit : first;
        }

        if (first < 0)
        {
            return null;
        }

        var cut = first + Margin;
        if (cut < raw.Length)
        {
            while (cut > 0 && (raw[cut] & 0xC0) == 0x80)
            {
                cut--; // not inside a UTF-8 sequence
            }

            // Not inside an escape (the longest, a surrogate pair, is 12 bytes): cut before the last
            // backslash near the end, and before the whole run it belongs to — a backslash after a
            // byte that is not one always starts an escape, while one inside a run may be escaped.
            var tail = raw[Math.Max(0, cut - 12)..cut].LastIndexOf((byte)'\\');
            if (tail >= 0)
            {
                cut = Math.Max(0, cut - 12) + tail;
                while (cut > 0 && raw[cut - 1] == (byte)'\\')
                {
                    cut--;
                }
            }

            var window = raw[..cut];
            var prefix = JsonStringCodec.Unescape(window);
            var m = pattern.Match(prefix);
            if (m.Success && m.Index + m.Length < prefix.Length)
            {
                return m;
            }
        }

        return pattern.Match(t.GetString(index));
    }

    private static OutputMeasure Measure(JsonTape t, int output)
    {
        var (chars, bytes) = ToolOutput.Measure(t, output);
        return new OutputMeasure(chars, bytes, ToolOutput.Truncated(t, output));
    }

    /// <summary>Exit code in the text, else a JSON object's metadata.exit_code / metadata.success.</summary>
    private bool? InferError(JsonTape t, int output)
    {
        var m = FirstMatch(ExitCodePattern(), t, output);
        if (m is { Success: true } && long.TryParse(m.Groups[1].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
        {
            return code != 0;
        }

        // Only an output that is a JSON object can carry metadata; skip the parse for plain text.
        var raw = t.RawSpan(output).TrimStart(" \t\r\n"u8);
        if (raw.IsEmpty || (raw[0] != (byte)'{' && raw[0] != (byte)'\\'))
        {
            return null; // plain text: no JSON object to parse (an escape may hide leading whitespace)
        }

        var text = t.GetString(output);
        if (!text.AsSpan().TrimStart().StartsWith('{') || !_inner.Parse(Encoding.UTF8.GetBytes(text)) || _inner.KindOf(JsonTape.Root) != JsonKind.Object)
        {
            return null;
        }

        var metadata = _inner.Get(JsonTape.Root, "metadata"u8);
        if (metadata < 0 || _inner.KindOf(metadata) != JsonKind.Object)
        {
            return null;
        }

        var exit = _inner.Get(metadata, "exit_code"u8);
        if (exit >= 0 && _inner.TryGetPythonInt(exit, out var exitCode))
        {
            return exitCode != 0;
        }

        var success = _inner.Get(metadata, "success"u8);
        return success >= 0 && _inner.KindOf(success) is JsonKind.True or JsonKind.False ? _inner.KindOf(success) == JsonKind.False : null;
    }

    /// <summary>Target, shell verb and subagent type from the call's input (arguments are a JSON string).</summary>
    private void DescribeTarget(ToolCall tool, JsonTape t, int input, bool custom)
    {
        if (input < 0 || t.KindOf(input) != JsonKind.String)
        {
            return;
        }

        var text = t.GetString(input);
        if (custom)
        {
            tool.Target = ToolTargets.CanonicalName(tool.ToolName) == "Edit" ? ToolTargets.PatchTarget(text) : null;
            return;
        }

        if (!_inner.Parse(Encoding.UTF8.GetBytes(text)) || _inner.KindOf(JsonTape.Root) != JsonKind.Object)
        {
            return;
        }

        tool.Target = ToolTargets.FromInput(tool.ToolName, _inner, JsonTape.Root);
        tool.SubagentType = ToolTargets.SubagentType(tool.ToolName, _inner, JsonTape.Root);
        if (ToolTargets.IsShell(ToolTargets.CanonicalName(tool.ToolName)))
        {
            tool.ShellVerb = ShellVerb.Of(tool.Target);
        }
    }

    private string? SpawnedAgentId(string output)
    {
        if (!_inner.Parse(Encoding.UTF8.GetBytes(output)) || _inner.KindOf(JsonTape.Root) != JsonKind.Object)
        {
            return null;
        }

        foreach (var key in (ReadOnlySpan<string>)["agent_id", "subagent_id", "session_id"])
        {
            if (_inner.GetStringOrNull(_inner.Get(JsonTape.Root, Encoding.UTF8.GetBytes(key))) is { Length: > 0 } id)
            {
                return id;
            }
        }

        return null;
    }

    private static Usage ReadUsage(JsonTape t, int usage)
    {
        t.TryGetPythonInt(t.Get(usage, "input_tokens"u8), out var input);
        t.TryGetPythonInt(t.Get(usage, "cached_input_tokens"u8), out var cached);
        t.TryGetPythonInt(t.Get(usage, "output_tokens"u8), out var output);
        t.TryGetPythonInt(t.Get(usage, "reasoning_output_tokens"u8), out var reasoning);
        return new Usage { Input = input, Cached = cached, Output = output, Reasoning = reasoning };
    }

    /// <summary><c>json.dumps(total, sort_keys=True)</c>-equivalent identity of a usage object.</summary>
    /// <remarks>
    /// Taken for every usage report, so without LINQ or a string per value: the members (a handful)
    /// are put in key order by a stable insertion sort, and each value's serialization is decoded
    /// straight into the one builder.
    /// </remarks>
    private string SortedSignature(JsonTape t, int obj)
    {
        var members = PythonJson.Members(t, obj);
        var keys = new string[members.Count];
        Span<int> order = members.Count <= 32 ? stackalloc int[members.Count] : new int[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            keys[i] = t.GetString(members[i].Key);
            var k = i;
            while (k > 0 && string.CompareOrdinal(keys[order[k - 1]], keys[i]) > 0)
            {
                order[k] = order[k - 1];
                k--;
            }

            order[k] = i;
        }

        var signature = _signature.Clear();
        Span<char> chars = stackalloc char[256];
        foreach (var i in order)
        {
            signature.Append(keys[i]).Append('\u0000');
            var value = Utf8Buffer.ForThread(0);
            PythonJson.WriteUtf8(value, t, members[i].Value);
            if (value.Length <= chars.Length)
            {
                signature.Append(chars[..Encoding.UTF8.GetChars(value.WrittenSpan, chars)]);
            }
            else
            {
                signature.Append(Encoding.UTF8.GetString(value.WrittenSpan));
            }

            signature.Append('\u0001');
        }

        return signature.ToString();
    }

    private readonly StringBuilder _signature = new();

    /// <summary>The earliest parseable event timestamp (events are concatenated, not merged, so not the first).</summary>
    private static string? Earliest(List<TimingEvent> events)
    {
        string? best = null;
        long bestMicros = long.MaxValue;
        foreach (var e in events)
        {
            if (IsoTimestamp.TryParse(e.Timestamp, out var micros, out _) && micros < bestMicros)
            {
                bestMicros = micros;
                best = e.Timestamp;
            }
        }

        return best;
    }

    /// <summary>A string value when Python would treat it as truthy (non-empty), else null.</summary>
    private static string? Truthy(JsonTape t, int index) => t.GetStringOrNull(index) is { Length: > 0 } s ? s : null;

    private static int Path3(JsonTape t, int obj, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c) =>
        t.Get(t.Get(t.Get(obj, a), b), c);
}
