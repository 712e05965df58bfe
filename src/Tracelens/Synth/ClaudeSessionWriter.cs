using System.Text;

namespace Tracelens.Synth;

/// <summary>
/// Writes one Claude Code transcript (a main session or a subagent sidecar) line by line:
/// envelopes with a parentUuid chain, prompts, assistant responses split into one line per content
/// block, tool results with <c>toolUseResult</c>, compaction, API-error lines and bookkeeping rows.
/// Token usage follows a context model (cache reads of the previous prompt, cache writes of what
/// was appended, misses after idle time, drops after compaction) and every step is recorded in the
/// ground truth as it is written.
/// </summary>
internal sealed class ClaudeSessionWriter
{
    private const double SyntheticPerMessage = 0.0045;
    private const long StepSpanBoundMs = 30_000;
    private const int HugeMinBytes = 120_000;
    private const int MaxShowcaseTurns = 40;

    private static readonly string[] SubagentTypes = ["Explore", "general-purpose", "Plan", "code-reviewer", "test-runner"];

    private readonly SynthSettings _settings;
    private readonly SessionPlan _plan;
    private readonly JsonlSink _out;
    private readonly TruthRecorder? _truth;
    private readonly SessionFiles _files;
    private readonly bool _sidechain;
    private readonly string _sessionUuid;
    private readonly byte[] _tail;
    private readonly long _systemTokens;
    private readonly long _ttlMs;
    private readonly bool _promptIds;

    private SynthRandom _rng;
    private string _model;
    private string? _sidecarDir;
    private bool _replaying;
    private string? _lastUuid;
    private string? _promptId;
    private long _now;
    private long _lastCallAt;
    private long _ctxTokens;
    private long _cachedTokens;
    private long _pendingAppend;
    private bool _forceMiss;
    private bool _firstCall = true;
    private int _turns;
    private int _messagesInTurn;
    private string _lastPrompt = string.Empty;

    // Features the showcase session must contain even when it is small.
    private bool _needSynthetic;
    private bool _needCompaction;
    private bool _needToolError;
    private bool _needSubagent;
    private bool _needHuge;

    // Subagent results, read by the parent.
    private long _subTokens;
    private int _subToolUses;
    private string _finalText = string.Empty;

    /// <param name="plan">Plan whose content stream is written (for a resumed session: the source's plan).</param>
    /// <param name="sessionId">Session id written into the lines (for a resumed session: its own id).</param>
    /// <param name="sidecarDir">Folder of this session's <c>subagents/</c> folder, or null for no subagent files.</param>
    /// <param name="truth">Ground truth of the written session; null when nothing is recorded (replayed subagents).</param>
    public ClaudeSessionWriter(
        SynthSettings settings,
        SessionPlan plan,
        string sessionId,
        JsonlSink output,
        string? sidecarDir,
        TruthRecorder? truth,
        SessionFiles files,
        SynthRandom rng,
        bool replaying)
        : this(settings, plan, sessionId, output, sidecarDir, truth, files, rng, replaying, sidechainAgentId: null, plan.Model, plan.StartMs)
    {
    }

    private ClaudeSessionWriter(
        SynthSettings settings,
        SessionPlan plan,
        string sessionId,
        JsonlSink output,
        string? sidecarDir,
        TruthRecorder? truth,
        SessionFiles files,
        SynthRandom rng,
        bool replaying,
        string? sidechainAgentId,
        string model,
        long startMs)
    {
        _settings = settings;
        _plan = plan;
        _out = output;
        _sidecarDir = sidecarDir;
        _truth = truth;
        _files = files;
        _rng = rng;
        _replaying = replaying;
        _sidechain = sidechainAgentId is not null;
        _sessionUuid = sessionId;
        _model = model;
        _now = startMs;
        _promptIds = string.CompareOrdinal(plan.Version, "2.1") >= 0;
        _ttlMs = plan.Ttl1h ? SynthTime.MsPerHour : 5 * SynthTime.MsPerMinute;
        _systemTokens = _sidechain ? _rng.Range(3_000, 9_000) : _rng.Range(11_000, 24_000);
        _ctxTokens = _systemTokens;

        var tail = new StringBuilder(256);
        tail.Append("\"userType\":\"external\",\"entrypoint\":\"cli\",\"cwd\":\"").Append(plan.Cwd)
            .Append("\",\"sessionId\":\"").Append(sessionId)
            .Append("\",\"version\":\"").Append(plan.Version)
            .Append("\",\"gitBranch\":\"").Append(plan.Branch).Append('"');
        if (sidechainAgentId is not null)
        {
            tail.Append(",\"agentId\":\"").Append(sidechainAgentId).Append('"');
        }

        _tail = Encoding.UTF8.GetBytes(tail.ToString());

        if (plan.Showcase && !_sidechain)
        {
            _needSynthetic = _needCompaction = _needToolError = _needSubagent = true;
            _needHuge = settings.MaxHugeBytes >= HugeMinBytes;
        }
    }

    // ---------------------------------------------------------------- session flow

    /// <summary>Opening bookkeeping rows of a main session.</summary>
    public void WriteHeader()
    {
        if (_rng.Chance(0.2))
        {
            var n = 1 + _rng.Next(3);
            for (var i = 0; i < n; i++)
            {
                _out.Raw("{\"type\":\"summary\",\"summary\":"u8);
                _out.Str(SynthText.Title(_rng));
                _out.Raw(",\"leafUuid\":"u8);
                _out.Str(SynthText.Uuid4(_rng));
                _out.Byte((byte)'}');
                _out.EndLine();
            }
        }

        if (_promptIds)
        {
            PermissionMode("default");
        }
    }

    /// <summary>Runs at least one user turn, then more until the main file has <paramref name="bytes"/> bytes.</summary>
    public void RunUntil(long bytes, Func<bool> abort)
    {
        do
        {
            UserTurn();
        }
        while ((_out.Bytes < bytes || (ShowcasePending && _turns < MaxShowcaseTurns)) && !abort());
    }

    /// <summary>The showcase session keeps going until every forced feature has been written.</summary>
    private bool ShowcasePending => _needSynthetic || _needCompaction || _needToolError || _needSubagent || _needHuge;

    /// <summary>Switches from replaying a source session to this session's own content.</summary>
    public void ContinueAsResumed(SynthRandom ownRng, string sidecarDir, long gapMs)
    {
        _rng = ownRng;
        _replaying = false;
        _sidecarDir = sidecarDir;
        _now += gapMs;
        _forceMiss = true;
        if (_promptIds)
        {
            PermissionMode(_rng.Chance(0.5) ? "default" : "acceptEdits");
        }
    }

    private void PermissionMode(string mode)
    {
        _out.Raw("{\"type\":\"permission-mode\",\"permissionMode\":\""u8);
        _out.StrBody(mode);
        _out.Raw("\",\"sessionId\":\""u8);
        _out.StrBody(_sessionUuid);
        _out.Raw("\"}"u8);
        _out.EndLine();
    }

    private void UserTurn()
    {
        if (_turns > 0)
        {
            _now += ThinkTime();
        }

        if (_turns >= 2 && ShouldCompact())
        {
            Compact();
        }

        var prompt = SynthText.Prompt(_rng);
        _lastPrompt = prompt;
        _promptId = _promptIds ? SynthText.Uuid4(_rng) : null;
        var promptUuid = SynthText.Uuid4(_rng);
        FileHistorySnapshot(promptUuid);
        WriteUserText(promptUuid, prompt, compactSummary: false);
        _pendingAppend += prompt.Length / 4 + 8;

        var steps = StepsInTurn();
        _messagesInTurn = 0;
        var turnStart = _now;
        for (var s = 0; s < steps; s++)
        {
            var last = s == steps - 1;
            if (_needSynthetic || _rng.Chance(SyntheticPerMessage))
            {
                _needSynthetic = false;
                SyntheticError();
            }

            var tools = AssistantMessage(last);
            foreach (var tool in tools)
            {
                ToolResult(tool);
            }
        }

        _turns++;
        if (_turns == 1 || _rng.Chance(0.08))
        {
            _out.Raw("{\"type\":\"ai-title\",\"aiTitle\":"u8);
            _out.Str(SynthText.Title(_rng));
            _out.Raw(",\"sessionId\":\""u8);
            _out.StrBody(_sessionUuid);
            _out.Raw("\"}"u8);
            _out.EndLine();
        }

        if (_rng.Chance(0.45))
        {
            var uuid = SynthText.Uuid4(_rng);
            _now += _rng.Range(5, 60);
            BeginLine("system");
            _out.Raw(",\"subtype\":\"turn_duration\",\"durationMs\":"u8);
            _out.Long(_now - turnStart);
            _out.Raw(",\"messageCount\":"u8);
            _out.Long(_messagesInTurn * 2 + 1);
            EndEnvelope(uuid, isMetaFalse: true);
        }

        if (_rng.Chance(0.5))
        {
            _out.Raw("{\"type\":\"last-prompt\",\"lastPrompt\":"u8);
            _out.Str(_lastPrompt.Length > 200 ? _lastPrompt[..200] : _lastPrompt);
            _out.Raw(",\"leafUuid\":\""u8);
            _out.StrBody(_lastUuid ?? string.Empty);
            _out.Raw("\",\"sessionId\":\""u8);
            _out.StrBody(_sessionUuid);
            _out.Raw("\"}"u8);
            _out.EndLine();
        }
    }

    private bool ShouldCompact()
    {
        if (_ctxTokens > 150_000)
        {
            return true;
        }

        if (_needCompaction && _ctxTokens + _pendingAppend - _systemTokens > 6_000)
        {
            return true;
        }

        return _ctxTokens > 40_000 && _rng.Chance(0.012);
    }

    private void Compact()
    {
        var auto = _ctxTokens > 150_000;
        _needCompaction = false;
        _now += _rng.Range(20_000, 90_000);
        var boundary = SynthText.Uuid4(_rng);
        _out.Raw("{\"parentUuid\":null,\"logicalParentUuid\":"u8);
        NullableId(_lastUuid);
        _out.Raw(",\"isSidechain\":false,"u8);
        _out.Raw(_tail);
        _out.Raw(",\"type\":\"system\",\"subtype\":\"compact_boundary\",\"content\":\"Conversation compacted\",\"isMeta\":false,\"timestamp\":"u8);
        _out.Timestamp(_now);
        _out.Raw(",\"uuid\":\""u8);
        _out.StrBody(boundary);
        _out.Raw("\",\"level\":\"info\",\"compactMetadata\":{\"trigger\":\""u8);
        _out.Raw(auto ? "auto"u8 : "manual"u8);
        _out.Raw("\",\"preTokens\":"u8);
        _out.Long(_ctxTokens + _pendingAppend);
        _out.Raw("}}"u8);
        _out.EndLine();
        _lastUuid = boundary;
        if (_truth is not null)
        {
            _truth.Counts.Compactions++;
        }

        var summary = "This session is being continued from a previous conversation that ran out of context. " +
                      "The conversation is summarized below:\nAnalysis:\n" + SynthText.Prose(_rng, (int)_rng.Range(1_500, 7_000)) +
                      "\n\nPlease continue the conversation from where we left it off without asking the user any further questions.";
        _now += _rng.Range(50, 400);
        WriteUserText(SynthText.Uuid4(_rng), summary, compactSummary: true);

        // The context is replaced by the summary: only the shared system prefix stays cached.
        _ctxTokens = _systemTokens;
        _cachedTokens = _systemTokens;
        _pendingAppend = summary.Length / 4;
    }

    // ---------------------------------------------------------------- assistant messages

    private List<ToolCall> AssistantMessage(bool last)
    {
        _now += _rng.Range(900, 9_000);
        if (SynthTime.CrossesMidnight(_now, StepSpanBoundMs))
        {
            _now = SynthTime.NextMidnight(_now) + _rng.Range(100, 4_000);
        }

        if (!_sidechain && _rng.Chance(0.004))
        {
            _model = SessionPlanner.ClaudeModels[_rng.Next(SessionPlanner.ClaudeModels.Length)];
        }

        // Usage of this call, from the context model.
        var gap = _now - _lastCallAt;
        var total = _ctxTokens + _pendingAppend;
        long read;
        var miss = false;
        if (_firstCall)
        {
            read = _rng.Chance(0.7) ? Math.Min(_systemTokens, total) : 0;
        }
        else if (_forceMiss || gap > _ttlMs || _rng.Chance(0.015))
        {
            miss = true;
            read = _rng.Chance(0.6) ? Math.Min(_systemTokens, total) : 0;
        }
        else
        {
            read = Math.Min(_cachedTokens, total);
        }

        var uncached = _firstCall && _rng.Chance(0.3) ? _rng.Range(200, 3_500) : _rng.Range(1, 9);
        uncached = Math.Min(uncached, total - read);
        var creation = total - read - uncached;
        long c5 = _plan.Ttl1h ? 0 : creation, c1 = _plan.Ttl1h ? creation : 0;
        _firstCall = false;
        _forceMiss = false;
        _ctxTokens = total;
        _cachedTokens = total;
        _pendingAppend = 0;
        _lastCallAt = _now;
        if (miss && _truth is not null)
        {
            _truth.Counts.CacheMisses++;
        }

        // Content blocks.
        var thinking = _rng.Chance(0.55);
        var tools = new List<ToolCall>();
        var text = last || _rng.Chance(0.45);
        if (!last)
        {
            var n = _rng.Pick([70, 20, 7, 3]) + 1;
            for (var i = 0; i < n; i++)
            {
                tools.Add(NewTool(tools.Count > 0));
            }
        }

        long thinkingTokens = thinking ? _rng.Skewed([30, 200, 900, 3_000, 9_000], [45, 35, 15, 5]) : 0;
        long textTokens = text ? (last ? _rng.Skewed([15, 120, 500, 1_500, 5_000], [25, 40, 25, 10]) : _rng.Range(10, 120)) : 0;
        long toolTokens = 0;
        foreach (var t in tools)
        {
            toolTokens += t.InputTokens;
        }

        var output = Math.Max(1, thinkingTokens + textTokens + toolTokens);
        var stop = last ? (_rng.Chance(0.004) ? "max_tokens" : "end_turn") : "tool_use";
        var blockCount = (thinking ? 1 : 0) + (text ? 1 : 0) + tools.Count;
        if (blockCount == 0)
        {
            text = true;
            blockCount = 1;
        }

        var messageId = SynthText.Token(_rng, "msg_01", 22);
        var requestId = SynthText.Token(_rng, "req_011C", 20);
        var usage = new StepUsage(total, read, uncached + creation, c5, c1, uncached, output, 0);
        var step = _truth?.Step(_model, _now, _replaying, usage) ?? default;
        _messagesInTurn++;

        var block = 0;
        var textChars = (int)Math.Min(textTokens * 4, 24_000);
        if (thinking)
        {
            WriteAssistantLine(messageId, requestId, block++, blockCount, read, creation, uncached, c5, c1, output, stop, BlockKind.Thinking, null, (int)Math.Min(thinkingTokens * 3, 12_000));
        }

        if (text)
        {
            WriteAssistantLine(messageId, requestId, block++, blockCount, read, creation, uncached, c5, c1, output, stop, BlockKind.Text, null, Math.Max(12, textChars));
        }

        foreach (var t in tools)
        {
            t.Step = step;
            step.ToolCall();
            WriteAssistantLine(messageId, requestId, block++, blockCount, read, creation, uncached, c5, c1, output, stop, BlockKind.ToolUse, t, 0);
        }

        _pendingAppend += output;
        if (last)
        {
            _finalText = text ? SynthText.Prose(_rng, 200) : "Done.";
        }

        return tools;
    }

    private enum BlockKind
    {
        Thinking,
        Text,
        ToolUse,
    }

    private void WriteAssistantLine(
        string messageId,
        string requestId,
        int block,
        int blockCount,
        long read,
        long creation,
        long uncached,
        long c5,
        long c1,
        long output,
        string stop,
        BlockKind kind,
        ToolCall? tool,
        int chars)
    {
        if (block > 0)
        {
            _now += kind == BlockKind.ToolUse ? _rng.Range(30, 900) : _rng.Range(200, 2_500);
        }

        var isLast = block == blockCount - 1;
        var lineOutput = isLast ? output : Math.Min(output, 1 + (output * (block + 1) / (blockCount * 3)));
        var uuid = SynthText.Uuid4(_rng);
        _out.Raw("{\"parentUuid\":"u8);
        NullableId(_lastUuid);
        _out.Raw(_sidechain ? ",\"isSidechain\":true,\"message\":{\"model\":\""u8 : ",\"isSidechain\":false,\"message\":{\"model\":\""u8);
        _out.StrBody(_model);
        _out.Raw("\",\"id\":\""u8);
        _out.StrBody(messageId);
        _out.Raw("\",\"type\":\"message\",\"role\":\"assistant\",\"content\":["u8);
        switch (kind)
        {
            case BlockKind.Thinking:
                _out.Raw("{\"type\":\"thinking\",\"thinking\":\""u8);
                if (_rng.Chance(0.5))
                {
                    _out.StrBody(SynthText.Prose(_rng, chars));
                }

                _out.Raw("\",\"signature\":\""u8);
                SynthText.WriteBase64(_out, _rng, (int)_rng.Range(200, 1_200));
                _out.Raw("\"}"u8);
                break;
            case BlockKind.Text:
                _out.Raw("{\"type\":\"text\",\"text\":"u8);
                _out.Str(SynthText.Prose(_rng, chars));
                _out.Byte((byte)'}');
                break;
            default:
                _out.Raw("{\"type\":\"tool_use\",\"id\":\""u8);
                _out.StrBody(tool!.Id);
                _out.Raw("\",\"name\":\""u8);
                _out.StrBody(tool.Name);
                _out.Raw("\",\"input\":"u8);
                WriteToolInput(tool);
                _out.Byte((byte)'}');
                tool.AssistantUuid = uuid;
                tool.EmittedAt = _now;
                break;
        }

        _out.Raw("],\"stop_reason\":"u8);
        if (isLast)
        {
            _out.Byte((byte)'"');
            _out.StrBody(stop);
            _out.Byte((byte)'"');
        }
        else
        {
            _out.Raw("null"u8);
        }

        _out.Raw(",\"stop_sequence\":null,\"usage\":{\"input_tokens\":"u8);
        _out.Long(uncached);
        _out.Raw(",\"cache_creation_input_tokens\":"u8);
        _out.Long(creation);
        _out.Raw(",\"cache_read_input_tokens\":"u8);
        _out.Long(read);
        _out.Raw(",\"cache_creation\":{\"ephemeral_5m_input_tokens\":"u8);
        _out.Long(c5);
        _out.Raw(",\"ephemeral_1h_input_tokens\":"u8);
        _out.Long(c1);
        _out.Raw("},\"output_tokens\":"u8);
        _out.Long(lineOutput);
        _out.Raw(",\"service_tier\":\"standard\"}},\"requestId\":\""u8);
        _out.StrBody(requestId);
        _out.Raw("\",\"type\":\"assistant\",\"uuid\":\""u8);
        _out.StrBody(uuid);
        _out.Raw("\",\"timestamp\":"u8);
        _out.Timestamp(_now);
        _out.Byte((byte)',');
        _out.Raw(_tail);
        _out.Byte((byte)'}');
        _out.EndLine();
        _lastUuid = uuid;
        if (_truth is not null)
        {
            _truth.Counts.AssistantRecords++;
        }
    }

    private void SyntheticError()
    {
        _now += _rng.Range(2_000, 60_000);
        var uuid = SynthText.Uuid4(_rng);
        _out.Raw("{\"parentUuid\":"u8);
        NullableId(_lastUuid);
        _out.Raw(_sidechain ? ",\"isSidechain\":true,"u8 : ",\"isSidechain\":false,"u8);
        _out.Raw(_tail);
        _out.Raw(",\"type\":\"assistant\",\"uuid\":\""u8);
        _out.StrBody(uuid);
        _out.Raw("\",\"timestamp\":"u8);
        _out.Timestamp(_now);
        _out.Raw(",\"message\":{\"id\":\""u8);
        _out.StrBody(SynthText.Uuid4(_rng));
        _out.Raw("\",\"container\":null,\"model\":\"<synthetic>\",\"role\":\"assistant\",\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"\",\"type\":\"message\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"server_tool_use\":{\"web_search_requests\":0,\"web_fetch_requests\":0},\"service_tier\":null,\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,\"ephemeral_5m_input_tokens\":0}},\"content\":[{\"type\":\"text\",\"text\":"u8);
        _out.Raw(_rng.Next(3) switch
        {
            0 => "\"API Error: 529 {\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"overloaded_error\\\",\\\"message\\\":\\\"Overloaded\\\"}}\""u8,
            1 => "\"API Error: 500 {\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"api_error\\\",\\\"message\\\":\\\"Internal server error\\\"}}\""u8,
            _ => "\"API Error: Request timed out.\""u8,
        });
        _out.Raw("}]},\"isApiErrorMessage\":true}"u8);
        _out.EndLine();
        _lastUuid = uuid;
        if (_truth is not null)
        {
            _truth.Counts.AssistantRecords++;
            _truth.Counts.SyntheticRecords++;
        }
    }

    // ---------------------------------------------------------------- tools

    private enum ToolKind
    {
        Read,
        Edit,
        Write,
        Bash,
        Grep,
        Glob,
        TodoWrite,
        WebFetch,
        Task,
    }

    private sealed class ToolCall
    {
        public required string Id { get; init; }
        public required ToolKind Kind { get; init; }
        public required string Name { get; init; }
        public string Path { get; init; } = string.Empty;
        public string Command { get; init; } = string.Empty;
        public string Description { get; init; } = string.Empty;
        public int Start { get; init; }
        public int Lines { get; init; }
        public int EditAt { get; init; }
        public int EditOld { get; init; }
        public int EditNewStart { get; init; }
        public int EditNew { get; init; }
        public bool Error { get; init; }
        public bool Huge { get; init; }
        public long InputTokens { get; init; }
        public string AssistantUuid { get; set; } = string.Empty;
        public long EmittedAt { get; set; }
        public StepRef Step { get; set; }
    }

    private ToolCall NewTool(bool parallel)
    {
        ReadOnlySpan<int> mainWeights = [54, 28, 8, 50, 16, 10, 8, 6, 3];
        ReadOnlySpan<int> subWeights = [80, 0, 0, 44, 44, 28, 0, 4, 0];
        var kind = (ToolKind)_rng.Pick(_sidechain ? subWeights : mainWeights);
        if (_needSubagent && !_sidechain && !parallel && _turns >= 1)
        {
            kind = ToolKind.Task;
        }

        if (kind == ToolKind.Task && (parallel || _sidechain))
        {
            kind = ToolKind.Read;
        }

        if (_needHuge && kind == ToolKind.Bash && _turns >= 1)
        {
            _needHuge = false;
            return Bash(huge: true);
        }

        var id = SynthText.Token(_rng, "toolu_01", 22);
        var error = _rng.Chance(0.035);
        if (_needToolError && kind is ToolKind.Bash or ToolKind.Edit or ToolKind.Read && _turns >= 1)
        {
            error = true;
            _needToolError = false;
        }

        var cwd = _plan.Cwd;
        switch (kind)
        {
            case ToolKind.Read:
                return ReadTool(id, error);
            case ToolKind.Edit:
                return EditTool(id, error);
            case ToolKind.Write:
                return WriteTool(id);
            case ToolKind.Bash:
                return Bash(huge: _rng.Chance(0.004) && _settings.MaxHugeBytes >= HugeMinBytes, id, error);
            case ToolKind.Grep:
                return new ToolCall
                {
                    Id = id,
                    Kind = kind,
                    Name = "Grep",
                    Command = SynthText.Nouns[_rng.Next(SynthText.Nouns.Length)] + (_rng.Chance(0.5) ? "\\w+Async" : "_id"),
                    Lines = (int)_rng.Skewed([0, 3, 15, 60], [50, 40, 10]),
                    Start = _rng.Next(SynthText.CodeLineCount),
                    InputTokens = _rng.Range(30, 60),
                    Path = cwd,
                };
            case ToolKind.Glob:
                return new ToolCall
                {
                    Id = id,
                    Kind = kind,
                    Name = "Glob",
                    Command = "**/*." + SynthText.Extensions[_rng.Next(SynthText.Extensions.Length)],
                    Lines = (int)_rng.Skewed([0, 5, 30, 100], [50, 40, 10]),
                    InputTokens = _rng.Range(20, 40),
                    Path = cwd,
                };
            case ToolKind.TodoWrite:
                return new ToolCall { Id = id, Kind = kind, Name = "TodoWrite", Lines = (int)_rng.Range(2, 8), InputTokens = _rng.Range(120, 400) };
            case ToolKind.WebFetch:
                return new ToolCall
                {
                    Id = id,
                    Kind = kind,
                    Name = "WebFetch",
                    Path = "https://docs.example.com/" + SynthText.Nouns[_rng.Next(SynthText.Nouns.Length)] + "/" + SynthText.Verbs[_rng.Next(SynthText.Verbs.Length)],
                    Description = "Summarize the " + SynthText.Nouns[_rng.Next(SynthText.Nouns.Length)] + " API and its limits.",
                    Lines = (int)_rng.Range(300, 4_000),
                    InputTokens = _rng.Range(40, 90),
                };
            default:
                return TaskTool(id);
        }
    }

    private ToolCall ReadTool(string id, bool error)
    {
        var lines = (int)Math.Min(_rng.Skewed([8, 60, 220, 700, 2_000], [30, 42, 21, 7]), MaxLines());
        return new ToolCall
        {
            Id = id,
            Kind = ToolKind.Read,
            Name = "Read",
            Path = SynthText.FilePath(_rng, _plan.Cwd),
            Start = _rng.Next(SynthText.CodeLineCount),
            Lines = lines,
            Error = error,
            InputTokens = _rng.Range(30, 70),
        };
    }

    private ToolCall EditTool(string id, bool error)
    {
        var lines = (int)Math.Min(_rng.Skewed([20, 80, 300, 900], [40, 45, 15]), MaxLines());
        var at = _rng.Next(Math.Max(1, lines - 10));
        var oldLines = (int)_rng.Range(1, 10);
        var newLines = (int)_rng.Range(1, 16);
        return new ToolCall
        {
            Id = id,
            Kind = ToolKind.Edit,
            Name = "Edit",
            Path = SynthText.FilePath(_rng, _plan.Cwd),
            Start = _rng.Next(SynthText.CodeLineCount),
            Lines = lines,
            EditAt = at,
            EditOld = oldLines,
            EditNewStart = _rng.Next(SynthText.CodeLineCount),
            EditNew = newLines,
            Error = error,
            InputTokens = (oldLines + newLines) * 14 + 40,
        };
    }

    private ToolCall WriteTool(string id)
    {
        var lines = (int)Math.Min(_rng.Skewed([10, 60, 250, 700], [35, 50, 15]), MaxLines());
        return new ToolCall
        {
            Id = id,
            Kind = ToolKind.Write,
            Name = "Write",
            Path = SynthText.FilePath(_rng, _plan.Cwd),
            Start = _rng.Next(SynthText.CodeLineCount),
            Lines = lines,
            InputTokens = lines * 12 + 30,
        };
    }

    /// <summary>A Task/Agent call (named Agent from Claude Code 2.1 on) whose result comes from a subagent.</summary>
    private ToolCall TaskTool(string id)
    {
        _needSubagent = false;
        var noun = SynthText.Nouns[_rng.Next(SynthText.Nouns.Length)];
        return new ToolCall
        {
            Id = id,
            Kind = ToolKind.Task,
            Name = string.CompareOrdinal(_plan.Version, "2.1") >= 0 ? "Agent" : "Task",
            Description = "Explore " + noun + " handling",
            Command = SubagentTypes[_rng.Next(SubagentTypes.Length)],
            Path = "Find every place where the " + noun + " is " + SynthText.Verbs[_rng.Next(SynthText.Verbs.Length)] +
                   "d and report file paths, call sites and any inconsistencies. " + SynthText.Prose(_rng, (int)_rng.Range(100, 900)),
            InputTokens = _rng.Range(120, 500),
        };
    }

    private ToolCall Bash(bool huge, string? id = null, bool error = false)
    {
        id ??= SynthText.Token(_rng, "toolu_01", 22);
        var noun = SynthText.Nouns[_rng.Next(SynthText.Nouns.Length)];
        var command = _rng.Next(8) switch
        {
            0 => "dotnet test --filter " + noun,
            1 => "npm test -- " + noun,
            2 => "git status && git diff --stat",
            3 => "ls -la src/" + noun,
            4 => "pytest tests/test_" + noun + ".py -x -q",
            5 => "cargo build 2>&1 | tail -50",
            6 => "git log --oneline -20",
            _ => "rg -n \"" + noun + "\" src | head -40",
        };
        long lines;
        if (huge)
        {
            var bytes = _rng.Range(Math.Max(HugeMinBytes, _settings.MaxHugeBytes / 2), _settings.MaxHugeBytes);
            lines = bytes / SynthText.AverageLogLineBytes;
            command = "cat logs/" + noun + "-service.log";
        }
        else
        {
            lines = Math.Min(_rng.Skewed([0, 4, 30, 200, 1_200], [38, 37, 19, 6]), MaxLines());
        }

        return new ToolCall
        {
            Id = id,
            Kind = ToolKind.Bash,
            Name = "Bash",
            Command = command,
            Description = "Run " + noun + " checks",
            Start = _rng.Next(SynthText.LogLineCount),
            Lines = (int)lines,
            Error = error && !huge,
            Huge = huge,
            InputTokens = _rng.Range(25, 80),
        };
    }

    private long MaxLines() => Math.Max(20, _settings.MaxSessionBytes / 400);

    private void WriteToolInput(ToolCall t)
    {
        switch (t.Kind)
        {
            case ToolKind.Read:
                _out.Raw("{\"file_path\":"u8);
                _out.Str(t.Path);
                _out.Byte((byte)'}');
                break;
            case ToolKind.Edit:
                _out.Raw("{\"file_path\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"old_string\":\""u8);
                SynthText.WriteCode(_out, t.Start + t.EditAt, t.EditOld);
                _out.Raw("\",\"new_string\":\""u8);
                SynthText.WriteCode(_out, t.EditNewStart, t.EditNew);
                _out.Raw("\",\"replace_all\":false}"u8);
                break;
            case ToolKind.Write:
                _out.Raw("{\"file_path\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"content\":\""u8);
                SynthText.WriteCode(_out, t.Start, t.Lines);
                _out.Raw("\"}"u8);
                break;
            case ToolKind.Bash:
                _out.Raw("{\"command\":"u8);
                _out.Str(t.Command);
                _out.Raw(",\"description\":"u8);
                _out.Str(t.Description);
                _out.Byte((byte)'}');
                break;
            case ToolKind.Grep:
                _out.Raw("{\"pattern\":"u8);
                _out.Str(t.Command);
                _out.Raw(",\"path\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"output_mode\":\"files_with_matches\"}"u8);
                break;
            case ToolKind.Glob:
                _out.Raw("{\"pattern\":"u8);
                _out.Str(t.Command);
                _out.Byte((byte)'}');
                break;
            case ToolKind.TodoWrite:
                _out.Raw("{\"todos\":"u8);
                Todos(t.Lines, t.Id);
                _out.Byte((byte)'}');
                break;
            case ToolKind.WebFetch:
                _out.Raw("{\"url\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"prompt\":"u8);
                _out.Str(t.Description);
                _out.Byte((byte)'}');
                break;
            default:
                _out.Raw("{\"description\":"u8);
                _out.Str(t.Description);
                _out.Raw(",\"prompt\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"subagent_type\":"u8);
                _out.Str(t.Command);
                _out.Byte((byte)'}');
                break;
        }
    }

    private void Todos(int count, string seedText)
    {
        _out.Byte((byte)'[');
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                _out.Byte((byte)',');
            }

            var noun = SynthText.Nouns[(seedText[9 + (i % 10)] + i) % SynthText.Nouns.Length];
            _out.Raw("{\"content\":\"Update the "u8);
            _out.StrBody(noun);
            _out.Raw(" handling\",\"status\":\""u8);
            _out.Raw(i == 0 ? "completed"u8 : i == 1 ? "in_progress"u8 : "pending"u8);
            _out.Raw("\",\"activeForm\":\"Updating the "u8);
            _out.StrBody(noun);
            _out.Raw(" handling\"}"u8);
        }

        _out.Byte((byte)']');
    }

    private void ToolResult(ToolCall t)
    {
        long duration = t.Kind switch
        {
            ToolKind.Bash => _rng.Skewed([80, 900, 8_000, 60_000, 240_000], [35, 40, 20, 5]),
            ToolKind.WebFetch => _rng.Range(800, 14_000),
            ToolKind.Task => 0,
            _ => _rng.Range(4, 250),
        };

        var subagent = t.Kind == ToolKind.Task ? RunSubagent(t) : default;
        _now = t.Kind == ToolKind.Task ? Math.Max(_now, subagent.EndMs) + _rng.Range(20, 400) : _now + duration;

        var uuid = SynthText.Uuid4(_rng);
        BeginLine("user", promptId: true);
        _out.Raw(",\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\""u8);
        _out.StrBody(t.Id);
        _out.Raw("\",\"type\":\"tool_result\",\"content\":"u8);
        var contentStart = _out.Bytes;
        var isError = t.Error;
        if (isError)
        {
            WriteErrorContent(t);
        }
        else
        {
            WriteResultContent(t, subagent);
        }

        var contentBytes = _out.Bytes - contentStart;
        if (isError)
        {
            _out.Raw(",\"is_error\":true"u8);
        }
        else if (t.Kind == ToolKind.Bash)
        {
            _out.Raw(",\"is_error\":false"u8);
        }

        _out.Raw("}]},\"uuid\":\""u8);
        _out.StrBody(uuid);
        _out.Raw("\",\"timestamp\":"u8);
        _out.Timestamp(_now);
        _out.Raw(",\"toolUseResult\":"u8);
        if (isError)
        {
            _out.Raw("\"Error: "u8);
            WriteErrorBody(t);
            _out.Byte((byte)'"');
        }
        else
        {
            WriteToolUseResult(t, subagent, duration);
        }

        _out.Raw(",\"sourceToolAssistantUUID\":\""u8);
        _out.StrBody(t.AssistantUuid);
        _out.Raw("\","u8);
        _out.Raw(_tail);
        _out.Byte((byte)'}');
        _out.EndLine();
        _lastUuid = uuid;

        t.Step.ToolResult(isError);
        if (t.Huge && _truth is not null)
        {
            _truth.Counts.HugeToolResults++;
        }

        // What enters the next prompt: Claude Code truncates huge outputs before sending them.
        _pendingAppend += Math.Min(contentBytes / 4, 25_000) + 10;
    }

    private void WriteErrorContent(ToolCall t)
    {
        _out.Byte((byte)'"');
        if (t.Kind != ToolKind.Bash)
        {
            _out.Raw("<tool_use_error>"u8);
        }

        WriteErrorBody(t);
        if (t.Kind != ToolKind.Bash)
        {
            _out.Raw("</tool_use_error>"u8);
        }

        _out.Byte((byte)'"');
    }

    private void WriteErrorBody(ToolCall t)
    {
        switch (t.Kind)
        {
            case ToolKind.Bash:
                _out.Raw("Exit code 1\\n"u8);
                SynthText.WriteLog(_out, t.Start, Math.Min(t.Lines + 2, 60));
                break;
            case ToolKind.Edit:
                _out.Raw("String to replace not found in file.\\nString: "u8);
                SynthText.WriteCode(_out, t.Start + t.EditAt, 1);
                break;
            case ToolKind.Read:
                _out.Raw("File does not exist. Current working directory: "u8);
                _out.StrBody(_plan.Cwd);
                break;
            default:
                _out.Raw("Tool execution failed"u8);
                break;
        }
    }

    private void WriteResultContent(ToolCall t, SubagentResult sub)
    {
        switch (t.Kind)
        {
            case ToolKind.Read:
                _out.Byte((byte)'"');
                SynthText.WriteNumberedCode(_out, t.Start, t.Lines, 1);
                _out.Byte((byte)'"');
                break;
            case ToolKind.Edit:
                _out.Raw("\"The file "u8);
                _out.StrBody(t.Path);
                _out.Raw(" has been updated. Here's the result of running `cat -n` on a snippet of the edited file:\\n"u8);
                SynthText.WriteNumberedCode(_out, t.EditNewStart, t.EditNew + 8, t.EditAt + 1);
                _out.Byte((byte)'"');
                break;
            case ToolKind.Write:
                _out.Raw("\"File created successfully at: "u8);
                _out.StrBody(t.Path);
                _out.Byte((byte)'"');
                break;
            case ToolKind.Bash:
                _out.Byte((byte)'"');
                WriteBashOutput(t);
                _out.Byte((byte)'"');
                break;
            case ToolKind.Grep:
                _out.Raw("\"Found "u8);
                _out.Long(t.Lines);
                _out.Raw(t.Lines == 1 ? " file\\n"u8 : " files\\n"u8);
                WritePathList(t, "\\n"u8, quoted: false);
                _out.Byte((byte)'"');
                break;
            case ToolKind.Glob:
                _out.Byte((byte)'"');
                if (t.Lines == 0)
                {
                    _out.Raw("No files found"u8);
                }
                else
                {
                    WritePathList(t, "\\n"u8, quoted: false);
                }

                _out.Byte((byte)'"');
                break;
            case ToolKind.TodoWrite:
                _out.Raw("\"Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress. Please proceed with the current tasks if applicable\""u8);
                break;
            case ToolKind.WebFetch:
                _out.Str(SynthText.Prose(_rng, t.Lines));
                break;
            default:
                _out.Raw("[{\"type\":\"text\",\"text\":"u8);
                _out.Str(sub.Summary);
                _out.Raw("}]"u8);
                break;
        }
    }

    private void WriteBashOutput(ToolCall t)
    {
        SynthText.WriteLog(_out, t.Start, t.Lines);
        if (t.Huge)
        {
            _out.Raw("\\n... [truncated] "u8);
            _out.Long(t.Lines * 7);
            _out.Raw(" more lines of output"u8);
        }
    }

    private void WritePathList(ToolCall t, ReadOnlySpan<byte> separator, bool quoted)
    {
        for (var i = 0; i < t.Lines; i++)
        {
            if (i > 0)
            {
                _out.Raw(separator);
            }

            if (quoted)
            {
                _out.Byte((byte)'"');
            }

            _out.StrBody(_plan.Cwd);
            _out.Byte((byte)'/');
            _out.StrBody(SynthText.Dirs[(t.Start + i) % SynthText.Dirs.Length]);
            _out.Byte((byte)'/');
            _out.StrBody(SynthText.Nouns[(t.Start + i * 7) % SynthText.Nouns.Length]);
            _out.Byte((byte)'_');
            _out.Long(i);
            _out.Byte((byte)'.');
            _out.StrBody(SynthText.Extensions[(t.Start + i * 3) % SynthText.Extensions.Length]);
            if (quoted)
            {
                _out.Byte((byte)'"');
            }
        }
    }

    private void WriteToolUseResult(ToolCall t, SubagentResult sub, long duration)
    {
        switch (t.Kind)
        {
            case ToolKind.Read:
                _out.Raw("{\"type\":\"text\",\"file\":{\"filePath\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"content\":\""u8);
                SynthText.WriteCode(_out, t.Start, t.Lines);
                _out.Raw("\",\"numLines\":"u8);
                _out.Long(t.Lines);
                _out.Raw(",\"startLine\":1,\"totalLines\":"u8);
                _out.Long(t.Lines);
                _out.Raw("}}"u8);
                break;
            case ToolKind.Edit:
                _out.Raw("{\"filePath\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"oldString\":\""u8);
                SynthText.WriteCode(_out, t.Start + t.EditAt, t.EditOld);
                _out.Raw("\",\"newString\":\""u8);
                SynthText.WriteCode(_out, t.EditNewStart, t.EditNew);
                _out.Raw("\",\"originalFile\":\""u8);
                SynthText.WriteCode(_out, t.Start, t.Lines);
                _out.Raw("\",\"structuredPatch\":[{\"oldStart\":"u8);
                _out.Long(t.EditAt + 1);
                _out.Raw(",\"oldLines\":"u8);
                _out.Long(t.EditOld);
                _out.Raw(",\"newStart\":"u8);
                _out.Long(t.EditAt + 1);
                _out.Raw(",\"newLines\":"u8);
                _out.Long(t.EditNew);
                _out.Raw(",\"lines\":[\"-"u8);
                SynthText.WriteCode(_out, t.Start + t.EditAt, 1);
                _out.Raw("\",\"+"u8);
                SynthText.WriteCode(_out, t.EditNewStart, 1);
                _out.Raw("\"]}],\"userModified\":false,\"replaceAll\":false}"u8);
                break;
            case ToolKind.Write:
                _out.Raw("{\"type\":\"create\",\"filePath\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"content\":\""u8);
                SynthText.WriteCode(_out, t.Start, t.Lines);
                _out.Raw("\",\"structuredPatch\":[],\"originalFile\":null}"u8);
                break;
            case ToolKind.Bash:
                _out.Raw("{\"stdout\":\""u8);
                WriteBashOutput(t);
                _out.Raw("\",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false"u8);
                if (_rng.Chance(0.3))
                {
                    _out.Raw(",\"durationMs\":"u8);
                    _out.Long(duration);
                }

                _out.Byte((byte)'}');
                break;
            case ToolKind.Grep:
                _out.Raw("{\"mode\":\"files_with_matches\",\"filenames\":["u8);
                WritePathList(t, ","u8, quoted: true);
                _out.Raw("],\"numFiles\":"u8);
                _out.Long(t.Lines);
                _out.Byte((byte)'}');
                break;
            case ToolKind.Glob:
                _out.Raw("{\"filenames\":["u8);
                WritePathList(t, ","u8, quoted: true);
                _out.Raw("],\"durationMs\":"u8);
                _out.Long(duration);
                _out.Raw(",\"numFiles\":"u8);
                _out.Long(t.Lines);
                _out.Raw(",\"truncated\":false}"u8);
                break;
            case ToolKind.TodoWrite:
                _out.Raw("{\"oldTodos\":[],\"newTodos\":"u8);
                Todos(t.Lines, t.Id);
                _out.Byte((byte)'}');
                break;
            case ToolKind.WebFetch:
                _out.Raw("{\"bytes\":"u8);
                _out.Long(t.Lines * 9);
                _out.Raw(",\"code\":200,\"codeText\":\"OK\",\"result\":\"(see content)\",\"durationMs\":"u8);
                _out.Long(duration);
                _out.Raw(",\"url\":"u8);
                _out.Str(t.Path);
                _out.Byte((byte)'}');
                break;
            default:
                _out.Raw("{\"status\":\"completed\",\"prompt\":"u8);
                _out.Str(t.Path);
                _out.Raw(",\"agentId\":\""u8);
                _out.StrBody(sub.AgentId);
                _out.Raw("\",\"content\":[{\"type\":\"text\",\"text\":"u8);
                _out.Str(sub.Summary);
                _out.Raw("}],\"totalDurationMs\":"u8);
                _out.Long(sub.EndMs - t.EmittedAt);
                _out.Raw(",\"totalTokens\":"u8);
                _out.Long(sub.TotalTokens);
                _out.Raw(",\"totalToolUseCount\":"u8);
                _out.Long(sub.ToolUses);
                _out.Byte((byte)'}');
                break;
        }
    }

    // ---------------------------------------------------------------- subagents

    private readonly record struct SubagentResult(string AgentId, string Summary, long EndMs, long TotalTokens, int ToolUses);

    /// <summary>
    /// Runs a Task/Agent call's subagent into its sidecar file. Its content stream is seeded from one
    /// draw of this session's stream, so the parent's stream is the same whether or not the sidecar is written.
    /// </summary>
    private SubagentResult RunSubagent(ToolCall t)
    {
        var subRng = new SynthRandom(_rng.NextU64());
        var agentId = "a" + SynthText.Hex(subRng, 16);
        var model = subRng.Chance(0.5) ? "claude-haiku-4-5-20251001" : _model;
        var write = _sidecarDir is not null && !_replaying;
        var path = write ? Path.Combine(_sidecarDir!, "subagents", "agent-" + agentId + ".jsonl") : null;
        var sink = path is null ? JsonlSink.CreateNull() : JsonlSink.Create(path);
        var truth = write ? _truth : null;
        var sub = new ClaudeSessionWriter(
            _settings, _plan, _sessionUuid, sink, null, truth, _files, subRng, replaying: false, sidechainAgentId: agentId, model,
            _now + subRng.Range(50, 600));
        try
        {
            sub.SubagentTurn(t.Path);
        }
        finally
        {
            sink.Dispose();
        }

        if (path is not null)
        {
            _files.Add(path);
            var metaPath = Path.Combine(_sidecarDir!, "subagents", "agent-" + agentId + ".meta.json");
            var meta = "{\"agentType\":\"" + t.Command + "\",\"description\":\"" + t.Description + "\",\"toolUseId\":\"" + t.Id + "\"}";
            var metaBytes = Encoding.UTF8.GetBytes(meta);
            File.WriteAllBytes(metaPath, metaBytes);
            _files.Add(metaPath);
            if (_truth is not null)
            {
                _truth.Counts.Files++;
                _truth.Counts.SubagentFiles++;
                _truth.Counts.MetaFiles++;
                _truth.Counts.Lines += sink.Lines;
                _truth.Counts.Bytes += sink.Bytes;
                _truth.Counts.MetaBytes += metaBytes.Length;
            }
        }

        return new SubagentResult(agentId, sub._finalText, sub._now, sub._subTokens, sub._subToolUses);
    }

    private void SubagentTurn(string prompt)
    {
        var promptUuid = SynthText.Uuid4(_rng);
        WriteUserText(promptUuid, prompt, compactSummary: false);
        _pendingAppend += prompt.Length / 4 + 8;
        var steps = (int)_rng.Skewed([2, 5, 12, 30], [45, 40, 15]);
        for (var s = 0; s < steps; s++)
        {
            var last = s == steps - 1;
            if (_rng.Chance(SyntheticPerMessage))
            {
                SyntheticError();
            }

            var tools = AssistantMessage(last);
            _subTokens = _ctxTokens + _pendingAppend;
            foreach (var tool in tools)
            {
                _subToolUses++;
                ToolResult(tool);
            }
        }
    }

    // ---------------------------------------------------------------- user and bookkeeping lines

    private void WriteUserText(string uuid, string text, bool compactSummary)
    {
        _now += _rng.Range(5, 80);
        _out.Raw("{\"parentUuid\":"u8);
        NullableId(_lastUuid);
        _out.Raw(_sidechain ? ",\"isSidechain\":true"u8 : ",\"isSidechain\":false"u8);
        if (_promptId is not null && !_sidechain)
        {
            _out.Raw(",\"promptId\":\""u8);
            _out.StrBody(_promptId);
            _out.Byte((byte)'"');
        }

        _out.Raw(",\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":"u8);
        _out.Str(text);
        _out.Raw("},\"uuid\":\""u8);
        _out.StrBody(uuid);
        _out.Raw("\",\"timestamp\":"u8);
        _out.Timestamp(_now);
        if (compactSummary)
        {
            _out.Raw(",\"isVisibleInTranscriptOnly\":true,\"isCompactSummary\":true"u8);
        }
        else if (!_sidechain)
        {
            _out.Raw(",\"permissionMode\":\"default\""u8);
        }

        _out.Byte((byte)',');
        _out.Raw(_tail);
        _out.Byte((byte)'}');
        _out.EndLine();
        _lastUuid = uuid;
    }

    private void FileHistorySnapshot(string messageUuid)
    {
        _out.Raw("{\"type\":\"file-history-snapshot\",\"messageId\":\""u8);
        _out.StrBody(messageUuid);
        _out.Raw("\",\"snapshot\":{\"messageId\":\""u8);
        _out.StrBody(messageUuid);
        _out.Raw("\",\"trackedFileBackups\":{},\"timestamp\":"u8);
        _out.Timestamp(_now);
        _out.Raw("},\"isSnapshotUpdate\":false}"u8);
        _out.EndLine();
    }

    /// <summary>Starts an envelope line: parentUuid, isSidechain, promptId (tool results) and type.</summary>
    private void BeginLine(string type, bool promptId = false)
    {
        _out.Raw("{\"parentUuid\":"u8);
        NullableId(_lastUuid);
        _out.Raw(_sidechain ? ",\"isSidechain\":true"u8 : ",\"isSidechain\":false"u8);
        if (promptId && _promptId is not null && !_sidechain)
        {
            _out.Raw(",\"promptId\":\""u8);
            _out.StrBody(_promptId);
            _out.Byte((byte)'"');
        }

        _out.Raw(",\"type\":\""u8);
        _out.StrBody(type);
        _out.Byte((byte)'"');
    }

    private void EndEnvelope(string uuid, bool isMetaFalse)
    {
        _out.Raw(",\"timestamp\":"u8);
        _out.Timestamp(_now);
        _out.Raw(",\"uuid\":\""u8);
        _out.StrBody(uuid);
        _out.Byte((byte)'"');
        if (isMetaFalse)
        {
            _out.Raw(",\"isMeta\":false"u8);
        }

        _out.Byte((byte)',');
        _out.Raw(_tail);
        _out.Byte((byte)'}');
        _out.EndLine();
        _lastUuid = uuid;
    }

    private void NullableId(string? id)
    {
        if (id is null)
        {
            _out.Raw("null"u8);
            return;
        }

        _out.Byte((byte)'"');
        _out.StrBody(id);
        _out.Byte((byte)'"');
    }

    // ---------------------------------------------------------------- content choices

    private int StepsInTurn() => (int)_rng.Skewed([1, 2, 5, 12, 30], [22, 38, 30, 10]);

    private long ThinkTime() => _rng.Skewed(
        [8_000, 60_000, 4 * SynthTime.MsPerMinute, 20 * SynthTime.MsPerMinute, 2 * SynthTime.MsPerHour],
        [30, 35, 25, 10]);
}

/// <summary>Paths a session created, so a session generated past the size target can be removed again.</summary>
internal sealed class SessionFiles
{
    private readonly List<string> _paths = [];

    public IReadOnlyList<string> Paths => _paths;

    public void Add(string path) => _paths.Add(path);
}
