using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Readers.OpenCode;

/// <summary>
/// Turns OpenCode's JSON file storage into agent steps (burn-spec §3.5): one step per assistant
/// message, in <c>time.created</c> order, with usage from the message's <c>tokens</c>, the stop
/// reason of its last <c>step-finish</c> part, its <c>tool</c> parts as tool calls, and as input
/// events the previous assistant's tool results followed by the user messages since then.
/// Child sessions (<c>parentID</c>) are sidechains linked to their parent session.
/// Never throws on bad input: a file that cannot be used goes to <see cref="ReadDiagnostics"/>
/// (line 1 for bad content, 0 for an unreadable file or folder) and the rest is still read.
/// Steps come from JSON documents, not lines, so their <c>first_line</c> is 0. One instance per
/// thread (it reuses one tape).
/// </summary>
public sealed class OpenCodeReader
{
    private static readonly SearchValues<char> UnsafeInIds = SearchValues.Create([.. Path.GetInvalidFileNameChars(), '/', '\\', '\0']);

    private readonly JsonTape _tape = new();
    private readonly ReadDiagnostics _diagnostics;

    public OpenCodeReader(ReadDiagnostics diagnostics) => _diagnostics = diagnostics;

    /// <summary>Every session under a storage root, in <see cref="OpenCodeStorage.FindSessions"/> order.</summary>
    public List<AgentStep> ReadAll(string storageRoot, List<string>? problems = null)
    {
        var steps = new List<AgentStep>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in OpenCodeStorage.FindSessions(storageRoot, problems))
        {
            var session = ReadSessionFile(source);
            if (!seen.Add(session.Id))
            {
                // The same session under two scopes would read the same messages twice.
                _diagnostics.Skip(source.SessionFile, 1, "duplicate session", session.Id);
                continue;
            }

            steps.AddRange(ReadMessages(source, session));
        }

        return steps;
    }

    /// <summary>Reads one session's steps in <c>time.created</c> order.</summary>
    public List<AgentStep> Read(OpenCodeSessionSource source) => ReadMessages(source, ReadSessionFile(source));

    private sealed record SessionInfo(string Id, string? ParentId, string? Directory);

    private sealed class MessageInfo
    {
        public required string Id;
        public bool IsAssistant;
        public long Created;
        public string? Model;
        public string? Cwd;
        public string? ParentMessageId;
        public string? Finish;
        public Tokens? Tokens;
    }

    private SessionInfo ReadSessionFile(OpenCodeSessionSource source)
    {
        var stem = Path.GetFileNameWithoutExtension(source.SessionFile);
        if (!Load(source.SessionFile))
        {
            // The messages are still there: read them under the id the file is named after.
            return new SessionInfo(stem, null, null);
        }

        var t = _tape;
        var id = NonEmpty(t, t.Get(JsonTape.Root, "id"u8));
        if (id is null || !IsSafeSegment(id))
        {
            _diagnostics.Skip(source.SessionFile, 1, "incomplete session", "id missing or not a usable string; using the file name");
            id = stem;
        }

        return new SessionInfo(id, NonEmpty(t, t.Get(JsonTape.Root, "parentID"u8)), NonEmpty(t, t.Get(JsonTape.Root, "directory"u8)));
    }

    private List<AgentStep> ReadMessages(OpenCodeSessionSource source, SessionInfo session)
    {
        var messages = new List<MessageInfo>();
        var seenMessages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in JsonFiles(Path.Combine(source.StorageRoot, "message", session.Id)))
        {
            if (ReadMessage(file) is { } message && seenMessages.Add(message.Id))
            {
                messages.Add(message);
            }
        }

        messages.Sort((a, b) => a.Created != b.Created ? a.Created.CompareTo(b.Created) : string.CompareOrdinal(a.Id, b.Id));

        var label = source.SessionFileLabel ?? source.SessionFile;
        var steps = new List<AgentStep>();
        var pending = new List<TimingEvent>();
        var carried = new List<TimingEvent>();
        var seenCalls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            var parts = ReadParts(source.StorageRoot, message.Id);
            if (!message.IsAssistant)
            {
                pending.Add(UserEvent(message, parts));
                continue;
            }

            var step = new AgentStep
            {
                Provider = Provider.OpenCode,
                SessionId = "opencode:" + session.Id,
                SessionFile = label,
                RoundIndex = steps.Count,
                RoundId = message.Id,
                TurnId = message.ParentMessageId,
                Model = message.Model,
                Cwd = message.Cwd ?? session.Directory,
                StartedAt = OpenCodeParts.Iso(message.Created),
                TimingEvents = [.. carried, .. pending],
            };
            pending.Clear();
            carried.Clear();
            if (session.ParentId is not null)
            {
                step.IsSidechain = true;
                step.ParentSessionId = "opencode:" + session.ParentId;
                step.AgentId = session.Id;
            }

            AddAssistantParts(step, message, parts, seenCalls, carried);
            step.RecomputeInputSummary();
            steps.Add(step);
        }

        // Input events after the last assistant message belong to no call: dropped, as the Claude reader does.
        return steps;
    }

    /// <summary>One user_message event per user message: the code points of its model-visible text parts.</summary>
    private static TimingEvent UserEvent(MessageInfo message, List<PartInfo> parts)
    {
        var chars = 0;
        var compaction = false;
        foreach (var part in parts)
        {
            if (part.Kind == PartKind.Text && !part.Ignored)
            {
                chars += part.Chars;
            }
            else if (part.Kind == PartKind.Compaction)
            {
                compaction = true;
            }
        }

        return new TimingEvent
        {
            EventType = TimingEventType.UserMessage,
            Timestamp = OpenCodeParts.Iso(message.Created),
            Source = compaction ? "user.compaction" : "user.message",
            ContentChars = chars,
        };
    }

    private static void AddAssistantParts(AgentStep step, MessageInfo message, List<PartInfo> parts, HashSet<string> seenCalls, List<TimingEvent> results)
    {
        var created = OpenCodeParts.Iso(message.Created);
        string? reason = null;
        Tokens? stepTokens = null;
        foreach (var part in parts)
        {
            var at = part.StartMs is { } start ? OpenCodeParts.Iso(start) : created;
            switch (part.Kind)
            {
                case PartKind.Text:
                case PartKind.Reasoning:
                    step.TimingEvents.Add(new TimingEvent
                    {
                        EventType = part.Kind == PartKind.Text ? TimingEventType.Text : TimingEventType.Reasoning,
                        Timestamp = at,
                        Source = part.Kind == PartKind.Text ? "assistant.text" : "assistant.reasoning",
                        ContentChars = part.Chars,
                    });
                    break;
                case PartKind.Tool:
                    if (part.Tool is not { } tool || !seenCalls.Add(tool.ToolCallId))
                    {
                        break; // a callID already seen in this session is the same call written twice
                    }

                    tool.ToolIndex = step.Tools.Count;
                    step.Tools.Add(tool);
                    step.TimingEvents.Add(new TimingEvent
                    {
                        EventType = TimingEventType.ToolCall,
                        Timestamp = at,
                        Source = "assistant.tool",
                        ToolCallId = tool.ToolCallId,
                        ToolName = tool.ToolName,
                        ToolIndex = tool.ToolIndex,
                    });
                    if (part.ResultSource is { } resultSource)
                    {
                        results.Add(new TimingEvent
                        {
                            EventType = TimingEventType.ToolResult,
                            Timestamp = tool.ResultAt,
                            Source = resultSource,
                            ToolCallId = tool.ToolCallId,
                            ResultChars = tool.ResultChars,
                            IsError = tool.IsError,
                        });
                    }

                    break;
                case PartKind.StepFinish:
                    reason = part.Reason ?? reason;
                    if (part.Tokens is { } finished)
                    {
                        stepTokens = (stepTokens ?? default) + finished;
                    }

                    break;
            }
        }

        // The stop reason of the last step-finish part; the message's own `finish` when none has one.
        step.StopReason = StopReasons.Parse(reason ?? message.Finish);

        // Usage from the message; a message written without it falls back to its step-finish parts.
        var tokens = message.Tokens ?? stepTokens ?? default;
        step.InputTokensTotal = tokens.Input + tokens.CacheRead + tokens.CacheWrite;
        step.PrefixTokens = tokens.CacheRead;
        step.NewlyAppendTokens = tokens.Input + tokens.CacheWrite;
        step.CacheCreation5mTokens = tokens.CacheWrite;
        step.OutputTokens = tokens.Output;
        step.ReasoningOutputTokens = tokens.Reasoning;
    }

    private MessageInfo? ReadMessage(string file)
    {
        if (!Load(file))
        {
            return null;
        }

        var t = _tape;
        var root = JsonTape.Root;
        var id = NonEmpty(t, t.Get(root, "id"u8));
        var role = t.GetStringOrNull(t.Get(root, "role"u8));
        string? missing = null;
        if (id is null || !IsSafeSegment(id))
        {
            missing = "id";
        }
        else if (role is null)
        {
            missing = "role";
        }
        else if (t.GetStringOrNull(t.Get(root, "sessionID"u8)) is null)
        {
            missing = "sessionID";
        }

        long created = 0;
        if (missing is null && !OpenCodeParts.TryMs(t, t.Get(t.Get(root, "time"u8), "created"u8), out created))
        {
            missing = "time.created";
        }

        if (missing is not null)
        {
            _diagnostics.Skip(file, 1, "incomplete message", $"{missing} missing or of the wrong type");
            return null;
        }

        if (role is not ("assistant" or "user"))
        {
            return null; // a role this reader does not know: not a model call, not an input
        }

        var message = new MessageInfo { Id = id!, Created = created, IsAssistant = role == "assistant" };
        if (message.IsAssistant)
        {
            var provider = NonEmpty(t, t.Get(root, "providerID"u8));
            var model = NonEmpty(t, t.Get(root, "modelID"u8));
            message.Model = provider is not null && model is not null ? $"{provider}/{model}" : model ?? provider;
            message.Cwd = NonEmpty(t, t.Get(t.Get(root, "path"u8), "cwd"u8));
            message.ParentMessageId = NonEmpty(t, t.Get(root, "parentID"u8));
            message.Finish = NonEmpty(t, t.Get(root, "finish"u8));
            message.Tokens = OpenCodeParts.ReadTokens(t, t.Get(root, "tokens"u8));

            // `cost` is ignored on purpose: costs are re-priced from tokens.
        }

        return message;
    }

    /// <summary>The parts of one message, ordered by part id (then file name).</summary>
    private List<PartInfo> ReadParts(string storageRoot, string messageId)
    {
        var parts = new List<PartInfo>();
        foreach (var file in JsonFiles(Path.Combine(storageRoot, "part", messageId)))
        {
            if (!Load(file))
            {
                continue;
            }

            if (OpenCodeParts.Read(_tape, file, out var problem) is { } part)
            {
                parts.Add(part);
            }
            else if (problem is not null)
            {
                _diagnostics.Skip(file, 1, "incomplete part", problem);
            }
        }

        parts.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.Id, b.Id);
            return c != 0 ? c : string.CompareOrdinal(a.File, b.File);
        });
        return parts;
    }

    /// <summary>The <c>*.json</c> files directly in a folder, by name; none when it does not exist.</summary>
    private List<string> JsonFiles(string dir)
    {
        var files = new List<string>();
        try
        {
            if (!Directory.Exists(dir))
            {
                return files;
            }

            var options = new EnumerationOptions { IgnoreInaccessible = true, MatchCasing = MatchCasing.CaseInsensitive };
            files.AddRange(Directory.EnumerateFiles(dir, "*.json", options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.Skip(dir, 0, "unreadable folder", e.Message);
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Reads a whole JSON document onto the tape; false (reported) when it is unusable.</summary>
    private bool Load(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.Skip(file, 0, "unreadable file", e.Message);
            return false;
        }

        ReadOnlySpan<byte> content = bytes;
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        if (!Utf8.IsValid(content))
        {
            // Like the Codex reader: bad bytes become U+FFFD instead of costing the whole record.
            content = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content));
        }

        if (!_tape.Parse(content))
        {
            _diagnostics.Skip(file, 1, "invalid JSON", _tape.Error);
            return false;
        }

        if (_tape.KindOf(JsonTape.Root) != JsonKind.Object)
        {
            _diagnostics.Skip(file, 1, "not a JSON object");
            return false;
        }

        return true;
    }

    private static string? NonEmpty(JsonTape t, int index) => t.GetStringOrNull(index) is { Length: > 0 } s ? s : null;

    /// <summary>Ids name folders (<c>message/&lt;session&gt;</c>, <c>part/&lt;message&gt;</c>): they must be one plain path segment.</summary>
    private static bool IsSafeSegment(string id) => id is not ("." or "..") && id.AsSpan().IndexOfAny(UnsafeInIds) < 0;
}
