using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Readers.Claude;

/// <summary>Identity of one Claude Code transcript file.</summary>
/// <param name="Path">The file to read.</param>
/// <param name="Project">Project directory name (the encoded cwd, a direct child of <c>projects/</c>).</param>
/// <param name="SessionKey">Path relative to the project directory without <c>.jsonl</c>, '/'-separated.</param>
/// <param name="SessionFileLabel">What to write as <c>session_file</c> (defaults to <paramref name="Path"/>).</param>
public sealed record ClaudeSessionSource(string Path, string Project, string SessionKey, string? SessionFileLabel = null)
{
    /// <summary>Builds the source of a file found under a project directory.</summary>
    public static ClaudeSessionSource FromProjectFile(string projectDir, string file)
    {
        var relative = System.IO.Path.GetRelativePath(projectDir, file).Replace('\\', '/');
        var key = relative.EndsWith(".jsonl", StringComparison.Ordinal) ? relative[..^".jsonl".Length] : relative;
        return new ClaudeSessionSource(file, System.IO.Path.GetFileName(projectDir.TrimEnd('/', '\\')), key);
    }
}

/// <summary>
/// Turns one Claude Code transcript into agent steps exactly as TraceLab's extractor does
/// (tracelab-spec §2.3): one step per distinct API message id, usage from the best snapshot,
/// input events since the previous message, tool results patched into the emitting step.
/// Adds burn's extras (stop reason, request id, 5m/1h cache writes, output bytes, truncation,
/// targets, subagent linkage). Never throws on bad input: bad lines go to <see cref="ReadDiagnostics"/>.
/// </summary>
public sealed class ClaudeSessionReader
{
    // Taken from the reading thread at the start of each Read (tapes are reused per thread).
    private JsonTape _tape = null!;
    private readonly ReadDiagnostics _diagnostics;

    public ClaudeSessionReader(ReadDiagnostics diagnostics) => _diagnostics = diagnostics;

    /// <summary>Synthetic (API error) assistant records skipped so far.</summary>
    public long SyntheticRecords { get; private set; }

    /// <summary>Where the next incremental read of the file last read should start.</summary>
    public ReadCheckpoint Checkpoint { get; private set; } = ReadCheckpoint.Start;

    /// <summary>
    /// True when a resumed read met a message or tool call from before its checkpoint: its steps
    /// are incomplete and the file must be read from the start.
    /// </summary>
    public bool NeedsFullRead { get; private set; }

    /// <summary>
    /// In a resumed read: tool results whose call is not in the tail (it may be before the
    /// checkpoint, which the caller checks).
    /// </summary>
    public List<string> UnplacedToolResults { get; } = [];

    private sealed class Round
    {
        public required AgentStep Step;
        public (long Output, long Input, int Stopped)? Score;
        public required ReadCheckpoint StartsAt;
    }

    /// <summary>Reads a whole file and returns its steps in creation order.</summary>
    public List<AgentStep> Read(ClaudeSessionSource source)
    {
        using var lines = JsonlLineReader.Open(source.Path);
        return Read(source, lines);
    }

    /// <summary>
    /// Reads from <paramref name="resume"/>'s checkpoint (the reader must be positioned there) and
    /// returns the steps from that point on; <see cref="NeedsFullRead"/> tells when that was not possible.
    /// </summary>
    public List<AgentStep> Resume(ClaudeSessionSource source, ResumeState resume)
    {
        using var lines = JsonlLineReader.Open(source.Path, resume.Checkpoint.Offset, resume.Checkpoint.LineNumber);
        lines.HoldBackUnfinishedLine = true;
        return Read(source, lines, resume);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<AgentStep> Read(ClaudeSessionSource source, JsonlLineReader lines, ResumeState? resume = null)
    {
        _tape = JsonTape.ForThread(0);
        NeedsFullRead = false;
        UnplacedToolResults.Clear();
        var start = resume?.Checkpoint ?? ReadCheckpoint.Start;
        Checkpoint = start;
        SyntheticRecords = start.SyntheticRecords;
        var rounds = new List<Round>();
        var byMessageId = new Dictionary<string, Round>(StringComparer.Ordinal);
        var toolsById = new Dictionary<string, ToolCall>(StringComparer.Ordinal);
        var pending = resume is null ? new List<TimingEvent>() : [.. resume.PendingEvents];
        var firstRecord = true;
        var sessionId = "claude:" + source.SessionKey;
        var label = source.SessionFileLabel ?? source.Path;
        var subagent = SubagentIdentity.FromSessionKey(source);

        while (lines.TryReadRecord(_tape, source.Path, _diagnostics, replaceInvalidUtf8: false))
        {
            var t = _tape;
            if (firstRecord && resume is not null && resume.Checkpoint.Offset > 0)
            {
                // The checkpoint line must still be where it was: otherwise the file was rewritten.
                if (!start.IsAt(lines))
                {
                    NeedsFullRead = true;
                    return [];
                }
            }

            firstRecord = false;
            var message = t.Get(JsonTape.Root, "message"u8);
            if (message < 0 || t.KindOf(message) != JsonKind.Object)
            {
                if (message >= 0 && (t.StringEquals(t.Get(JsonTape.Root, "type"u8), "assistant"u8) || t.StringEquals(t.Get(JsonTape.Root, "type"u8), "user"u8)))
                {
                    // A conversation record whose message has the wrong type: skipped, but said.
                    _diagnostics.Skip(source.Path, lines.LineNumber, "message is not an object");
                }

                continue; // mode, summary, snapshots, system rows: not model calls
            }

            var timestamp = t.GetStringOrNull(t.Get(JsonTape.Root, "timestamp"u8));
            var role = t.Get(message, "role"u8);
            if (t.StringEquals(t.Get(JsonTape.Root, "type"u8), "assistant"u8) && t.StringEquals(role, "assistant"u8))
            {
                var idIndex = t.Get(message, "id"u8);
                if (idIndex < 0 || t.KindOf(idIndex) != JsonKind.String)
                {
                    _diagnostics.Skip(source.Path, lines.LineNumber, "assistant record without message.id");
                    continue;
                }

                var modelIndex = t.Get(message, "model"u8);
                if (t.StringEquals(idIndex, "<synthetic>"u8) || t.StringEquals(modelIndex, "<synthetic>"u8))
                {
                    SyntheticRecords++;
                    continue;
                }

                var messageId = t.GetString(idIndex);
                if (!byMessageId.TryGetValue(messageId, out var round))
                {
                    var step = new AgentStep
                    {
                        Provider = Provider.Claude,
                        Project = source.Project,
                        SessionId = sessionId,
                        SessionFile = label,
                        RoundId = messageId,
                        Model = t.GetStringOrNull(modelIndex),
                        ClaudeUncachedInputTokens = 0,
                        ClaudeCacheCreationInputTokens = 0,
                        ClaudeCacheReadInputTokens = 0,
                        TimingEvents = [.. pending],
                        StartedAt = timestamp,
                        FirstLine = lines.LineNumber,
                        Cwd = t.GetStringOrNull(t.Get(JsonTape.Root, "cwd"u8)),
                    };
                    subagent?.ApplyTo(step);
                    var startsAt = new ReadCheckpoint(lines.LineOffset, lines.LineNumber - 1, start.RoundIndex + rounds.Count, pending.Count,
                        ReadCheckpoint.Fingerprint(lines.LastRecord), SyntheticRecords);
                    pending.Clear();
                    round = new Round { Step = step, StartsAt = startsAt };
                    byMessageId[messageId] = round;
                    rounds.Add(round);
                }
                else if (round.Step.Model is null)
                {
                    round.Step.Model = t.GetStringOrNull(modelIndex);
                }

                ApplyUsage(round, message);
                ApplyEnvelope(round.Step, message);
                AddAssistantBlocks(round.Step, message, timestamp, toolsById);
            }
            else if (t.StringEquals(role, "user"u8))
            {
                AddUserRecord(message, timestamp, pending, toolsById, resume is null ? null : UnplacedToolResults);
            }
        }

        if (rounds.Count > 0)
        {
            Checkpoint = rounds[^1].StartsAt;
        }

        var steps = new List<AgentStep>(rounds.Count);
        for (var i = 0; i < rounds.Count; i++)
        {
            var step = rounds[i].Step;
            step.RoundIndex = start.RoundIndex + i;
            for (var k = 0; k < step.Tools.Count; k++)
            {
                step.Tools[k].ToolIndex = k;
            }

            step.RecomputeInputSummary();
            steps.Add(step);
        }

        // Pending input events after the last assistant message belong to no call: dropped, as TraceLab does.
        return steps;
    }

    /// <summary>
    /// TraceLab's usage selection: split records repeat usage and early ones can hold partial
    /// placeholders, so a snapshot replaces the stored one unless its
    /// (output, input+cache, stopped) score is strictly lower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyUsage(Round round, int message)
    {
        var t = _tape;
        var usage = t.Get(message, "usage"u8);
        if (usage < 0 || t.KindOf(usage) != JsonKind.Object)
        {
            return;
        }

        var hasInput = t.TryGetPythonInt(t.Get(usage, "input_tokens"u8), out var input);
        var hasCreation = t.TryGetPythonInt(t.Get(usage, "cache_creation_input_tokens"u8), out var creation);
        var hasRead = t.TryGetPythonInt(t.Get(usage, "cache_read_input_tokens"u8), out var read);
        var hasOutput = t.TryGetPythonInt(t.Get(usage, "output_tokens"u8), out var output);
        if (!(hasInput || hasCreation || hasRead || hasOutput))
        {
            return;
        }

        var stopIndex = t.Get(message, "stop_reason"u8);
        var stopped = stopIndex >= 0 && t.KindOf(stopIndex) != JsonKind.Null ? 1 : 0;
        var score = (output, input + creation + read, stopped);
        if (round.Score is { } stored && CompareScore(score, stored) < 0)
        {
            return;
        }

        round.Score = score;
        var step = round.Step;
        step.ClaudeUncachedInputTokens = input;
        step.ClaudeCacheCreationInputTokens = creation;
        step.ClaudeCacheReadInputTokens = read;
        step.InputTokensTotal = input + creation + read;
        step.PrefixTokens = read;
        step.NewlyAppendTokens = input + creation;
        step.OutputTokens = output;

        // burn's TTL split: ephemeral_5m / ephemeral_1h; a bare total counts as 5-minute writes.
        var split = t.Get(usage, "cache_creation"u8);
        t.TryGetPythonInt(t.Get(split, "ephemeral_5m_input_tokens"u8), out var fiveMinutes);
        t.TryGetPythonInt(t.Get(split, "ephemeral_1h_input_tokens"u8), out var oneHour);
        if (fiveMinutes == 0 && oneHour == 0 && creation > 0)
        {
            fiveMinutes = creation;
        }

        step.CacheCreation5mTokens = fiveMinutes;
        step.CacheCreation1hTokens = oneHour;
    }

    private static int CompareScore((long Output, long Input, int Stopped) a, (long Output, long Input, int Stopped) b)
    {
        var c = a.Output.CompareTo(b.Output);
        if (c != 0)
        {
            return c;
        }

        c = a.Input.CompareTo(b.Input);
        return c != 0 ? c : a.Stopped.CompareTo(b.Stopped);
    }

    /// <summary>burn's per-call extras: last non-null stop reason, first request id, sidechain flag.</summary>
    private void ApplyEnvelope(AgentStep step, int message)
    {
        var t = _tape;
        var stop = t.GetStringOrNull(t.Get(message, "stop_reason"u8));
        if (stop is not null)
        {
            step.StopReason = StopReasons.Parse(stop);
        }

        if (string.IsNullOrEmpty(step.RequestId))
        {
            step.RequestId = t.GetStringOrNull(t.Get(JsonTape.Root, "requestId"u8)) ?? t.GetStringOrNull(t.Get(JsonTape.Root, "request_id"u8));
        }

        if (t.IsTruthy(t.Get(JsonTape.Root, "isSidechain"u8)))
        {
            step.IsSidechain = true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddAssistantBlocks(AgentStep step, int message, string? timestamp, Dictionary<string, ToolCall> toolsById)
    {
        var t = _tape;
        var content = t.Get(message, "content"u8);
        if (content < 0 || t.KindOf(content) != JsonKind.Array)
        {
            return;
        }

        var block = JsonTape.FirstChild(content);
        for (var i = 0; i < t.ChildCount(content); i++, block = t.NextOf(block))
        {
            if (t.KindOf(block) != JsonKind.Object)
            {
                continue;
            }

            var type = t.Get(block, "type"u8);
            if (t.StringEquals(type, "thinking"u8))
            {
                step.TimingEvents.Add(new TimingEvent
                {
                    EventType = TimingEventType.Reasoning,
                    Timestamp = timestamp,
                    Source = "assistant.content.thinking",
                    ContentChars = PythonJson.ContentChars(t, t.Get(block, "thinking"u8)),
                });
            }
            else if (t.StringEquals(type, "text"u8))
            {
                step.TimingEvents.Add(new TimingEvent
                {
                    EventType = TimingEventType.Text,
                    Timestamp = timestamp,
                    Source = "assistant.content.text",
                    ContentChars = PythonJson.ContentChars(t, t.Get(block, "text"u8)),
                });
            }
            else if (t.StringEquals(type, "tool_use"u8))
            {
                var idIndex = t.Get(block, "id"u8);
                if (idIndex < 0 || t.KindOf(idIndex) != JsonKind.String)
                {
                    continue;
                }

                var id = t.GetString(idIndex);
                if (step.Tools.Exists(x => x.ToolCallId == id))
                {
                    continue;
                }

                var name = t.GetStringOrNull(t.Get(block, "name"u8));
                var input = t.Get(block, "input"u8);
                var tool = new ToolCall
                {
                    ToolIndex = step.Tools.Count,
                    ToolName = name,
                    ToolCallId = id,
                    EmittedAt = timestamp,
                    InputPythonJson = input < 0 ? "null"u8.ToArray() : PythonJson.SerializeUtf8(t, input),
                    InputChars = PythonJson.ContentChars(t, input),
                    Target = ToolTargets.FromInput(name, t, input),
                    SubagentType = ToolTargets.SubagentType(name, t, input),
                };
                if (ToolTargets.IsShell(ToolTargets.CanonicalName(name)))
                {
                    tool.ShellVerb = ShellVerb.Of(tool.Target);
                }

                step.Tools.Add(tool);
                toolsById[id] = tool;
                step.TimingEvents.Add(new TimingEvent
                {
                    EventType = TimingEventType.ToolCall,
                    Timestamp = timestamp,
                    Source = "assistant.content.tool_use",
                    ToolCallId = id,
                    ToolName = name,
                    ToolIndex = tool.ToolIndex,
                });
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    /// <summary>
    /// Adds a user record's input events and folds tool results into their calls; in a resumed read,
    /// results whose call is not in the tail are listed in <paramref name="unplaced"/>.
    /// </summary>
    private void AddUserRecord(int message, string? timestamp, List<TimingEvent> pending, Dictionary<string, ToolCall> toolsById,
        List<string>? unplaced)
    {
        var t = _tape;
        var content = t.Get(message, "content"u8);
        if (content < 0)
        {
            return;
        }

        if (t.KindOf(content) == JsonKind.String)
        {
            pending.Add(new TimingEvent
            {
                EventType = TimingEventType.UserMessage,
                Timestamp = timestamp,
                Source = "user.message",
                ContentChars = PythonJson.ContentChars(t, content),
            });
            return;
        }

        if (t.KindOf(content) != JsonKind.Array)
        {
            return;
        }

        var sawToolResult = false;
        var block = JsonTape.FirstChild(content);
        for (var i = 0; i < t.ChildCount(content); i++, block = t.NextOf(block))
        {
            if (t.KindOf(block) != JsonKind.Object || !t.StringEquals(t.Get(block, "type"u8), "tool_result"u8))
            {
                continue;
            }

            sawToolResult = true;
            var idIndex = t.Get(block, "tool_use_id"u8);
            if (idIndex < 0 || t.KindOf(idIndex) != JsonKind.String)
            {
                continue;
            }

            var id = t.GetString(idIndex);
            if (unplaced is not null && !toolsById.ContainsKey(id))
            {
                unplaced.Add(id);
            }

            var resultContent = t.Get(block, "content"u8);
            var (resultChars, outputBytes) = ToolOutput.Measure(t, resultContent);
            var isError = t.IsTruthy(t.Get(block, "is_error"u8));
            pending.Add(new TimingEvent
            {
                EventType = TimingEventType.ToolResult,
                Timestamp = timestamp,
                Source = "user.content.tool_result",
                ToolCallId = id,
                ResultChars = resultChars,
                IsError = isError,
            });

            if (toolsById.TryGetValue(id, out var tool))
            {
                // A later result for the same call overwrites everything (last wins).
                tool.ResultAt = timestamp;
                tool.ResultChars = resultChars;
                tool.ToolWallLatencyMs = IsoTimestamp.LatencyMs(tool.EmittedAt, timestamp);
                tool.ToolInternalLatencyMs = InternalLatency();
                tool.IsError = isError;
                tool.OutputBytes = outputBytes;
                tool.OutputTruncated = ToolOutput.Truncated(t, resultContent);
                var agentId = t.GetStringOrNull(t.Get(t.Get(JsonTape.Root, "toolUseResult"u8), "agentId"u8));
                if (agentId is not null)
                {
                    tool.SpawnedAgentId = agentId;
                }
            }
        }

        if (!sawToolResult)
        {
            pending.Add(new TimingEvent
            {
                EventType = TimingEventType.UserMessage,
                Timestamp = timestamp,
                Source = "user.message",
                ContentChars = PythonJson.ContentChars(t, content),
            });
        }
    }

    private static double? NonNegative(JsonTape t, int index) =>
        t.TryGetPythonNumber(index, out var v) && v >= 0 && double.IsFinite(v) ? v : null;

    /// <summary>Runner-reported duration from the record's <c>toolUseResult</c> (ms, else seconds × 1000).</summary>
    private long? InternalLatency()
    {
        var t = _tape;
        var result = t.Get(JsonTape.Root, "toolUseResult"u8);
        if (result < 0 || t.KindOf(result) != JsonKind.Object)
        {
            return null;
        }

        var ms = NonNegative(t, t.Get(result, "durationMs"u8)) ?? NonNegative(t, t.Get(result, "duration_ms"u8));
        if (ms is { } milliseconds)
        {
            return (long)Math.Round(milliseconds, MidpointRounding.ToEven);
        }

        var sec = NonNegative(t, t.Get(result, "durationSeconds"u8)) ?? NonNegative(t, t.Get(result, "duration_seconds"u8));
        if (sec is { } seconds)
        {
            return (long)Math.Round(seconds * 1000, MidpointRounding.ToEven);
        }

        return null;
    }
}
