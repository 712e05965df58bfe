namespace Tracelens.Synth;

/// <summary>
/// Writes one Codex CLI rollout: session_meta, per-turn task_started / turn_context / user_message,
/// model calls as reasoning, assistant messages and tool calls (exec_command with a JSON argument
/// string, apply_patch as a custom tool), their outputs after the call's token_count, token_count
/// events with cumulative and per-call usage (plus rate-limit-only <c>info: null</c> events and
/// duplicate echoes that readers must ignore), task_complete and occasional compaction.
/// </summary>
internal sealed class CodexSessionWriter
{
    private const long SegmentSpanBoundMs = 10 * SynthTime.MsPerMinute;
    private const long ContextWindow = 258_400;

    private static readonly byte[] BaseInstructions = SynthText.Escape(
        "You are Codex, a coding agent based on GPT-5. You and the user share the same workspace and collaborate to achieve the user's goals.\n\n# Personality\n\n" +
        SynthText.Prose(new SynthRandom(0xC0DE), 9_000));

    private static readonly byte[] PermissionsText = SynthText.Escape(
        "<permissions instructions>\nFilesystem sandboxing defines which files can be read or written. `sandbox_mode` is `workspace-write`.\n" +
        SynthText.Prose(new SynthRandom(0xBEEF), 2_200) + "\n</permissions instructions>");

    private static readonly byte[] CollaborationText = SynthText.Escape(
        "# Collaboration Mode: Default\n\nYou are now in Default mode. " + SynthText.Prose(new SynthRandom(0xFACE), 1_400));

    private readonly SynthSettings _settings;
    private readonly SessionPlan _plan;
    private readonly JsonlSink _out;
    private readonly TruthRecorder _truth;
    private readonly SynthRandom _rng;
    private readonly long _baseTokens;
    private readonly List<CodexTool> _segmentTools = [];
    private readonly List<CodexTool> _pendingOutputs = [];

    private string _model;
    private string _turnId = string.Empty;
    private long _now;
    private long _ctx;
    private long _prevInput;
    private long _pendingAppend;
    private long _lastCallAt;
    private bool _firstCall = true;
    private int _turns;
    private long _totalInput, _totalCached, _totalOutput, _totalReasoning;

    private bool _needEcho;
    private bool _needNullInfo;
    private bool _needCompaction;
    private bool _needToolError;

    public CodexSessionWriter(SynthSettings settings, SessionPlan plan, JsonlSink output, TruthRecorder truth, SynthRandom rng)
    {
        _settings = settings;
        _plan = plan;
        _out = output;
        _truth = truth;
        _rng = rng;
        _model = plan.Model;
        _now = plan.StartMs;
        _baseTokens = _rng.Range(7_000, 13_000);
        if (plan.Showcase)
        {
            _needEcho = _needNullInfo = _needCompaction = _needToolError = true;
        }
    }

    private sealed class CodexTool
    {
        public required string CallId { get; init; }
        public required bool Patch { get; init; }
        public required string Target { get; init; }
        public int Start { get; init; }
        public int Lines { get; init; }
        public int ExitCode { get; init; }
        public long WallMs { get; init; }
        public StepRef Step { get; set; }
    }

    public void WriteHeader()
    {
        Begin("session_meta");
        _out.Raw("\"id\":\""u8);
        _out.StrBody(_plan.SessionId);
        _out.Raw("\",\"timestamp\":"u8);
        _out.Timestamp(_now - _rng.Range(100, 3_000));
        _out.Raw(",\"cwd\":"u8);
        _out.Str(_plan.Cwd);
        _out.Raw(",\"originator\":\"codex_cli_rs\",\"cli_version\":\""u8);
        _out.StrBody(_plan.Version);
        _out.Raw("\",\"source\":\""u8);
        _out.StrBody(_plan.Source);
        _out.Raw("\",\"model_provider\":\"openai\",\"base_instructions\":{\"text\":\""u8);
        _out.Raw(BaseInstructions);
        _out.Raw("\"},\"git\":{\"commit_hash\":\""u8);
        _out.StrBody(SynthText.Hex(_rng, 40));
        _out.Raw("\",\"branch\":"u8);
        _out.Str(_plan.Branch);
        _out.Raw(",\"repository_url\":\"git@github.com:acme/"u8);
        _out.StrBody(Path.GetFileName(_plan.Cwd));
        _out.Raw(".git\"}"u8);
        End();

        Begin("response_item");
        _out.Raw("\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\""u8);
        _out.Raw(PermissionsText);
        _out.Raw("\"}]"u8);
        End();

        Begin("response_item");
        _out.Raw("\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"# AGENTS.md instructions for "u8);
        _out.StrBody(_plan.Cwd);
        _out.Raw("\\n\\n<INSTRUCTIONS>\\n"u8);
        _out.StrBody(SynthText.Prose(_rng, (int)_rng.Range(300, 2_500)));
        _out.Raw("\\n</INSTRUCTIONS>\"},{\"type\":\"input_text\",\"text\":\"<environment_context>\\n  <cwd>"u8);
        _out.StrBody(_plan.Cwd);
        _out.Raw("</cwd>\\n  <shell>bash</shell>\\n</environment_context>\"}]"u8);
        End();
    }

    /// <summary>Runs at least one turn, then more until the file has <paramref name="bytes"/> bytes.</summary>
    public void RunUntil(long bytes, Func<bool> abort)
    {
        do
        {
            Turn();
        }
        while ((_out.Bytes < bytes || (ShowcasePending && _turns < 40)) && !abort());
    }

    /// <summary>The showcase session keeps going until every forced feature has been written.</summary>
    private bool ShowcasePending => _needEcho || _needNullInfo || _needCompaction || _needToolError;

    private void Turn()
    {
        if (_turns > 0)
        {
            _now += _rng.Skewed([10_000, 60_000, 5 * SynthTime.MsPerMinute, 30 * SynthTime.MsPerMinute, 3 * SynthTime.MsPerHour], [30, 35, 25, 10]);
        }

        if (_turns >= 2 && (_ctx > 200_000 || _needCompaction || (_ctx > 50_000 && _rng.Chance(0.012))))
        {
            Compact();
        }

        Guard();
        if (_rng.Chance(0.05))
        {
            _model = SessionPlanner.CodexModels[_rng.Next(SessionPlanner.CodexModels.Length)];
        }

        _turnId = SynthText.Uuid7(_now, _rng);
        Begin("event_msg");
        _out.Raw("\"type\":\"task_started\",\"turn_id\":\""u8);
        _out.StrBody(_turnId);
        _out.Raw("\",\"model_context_window\":"u8);
        _out.Long(ContextWindow);
        _out.Raw(",\"collaboration_mode_kind\":\"default\""u8);
        End();

        TurnContext();

        var prompt = SynthText.Prompt(_rng);
        Tick(1, 4);
        Begin("response_item");
        _out.Raw("\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":"u8);
        _out.Str(prompt);
        _out.Raw("}]"u8);
        End();
        Tick(0, 2);
        Begin("event_msg");
        _out.Raw("\"type\":\"user_message\",\"message\":"u8);
        _out.Str(prompt);
        _out.Raw(",\"images\":[],\"local_images\":[],\"text_elements\":[]"u8);
        End();
        _pendingAppend += prompt.Length / 4 + 12;

        if (_needNullInfo || _rng.Chance(0.3))
        {
            _needNullInfo = false;
            Tick(5, 300);
            Begin("event_msg");
            _out.Raw("\"type\":\"token_count\",\"info\":null,\"rate_limits\":"u8);
            RateLimits();
            End();
            _truth.Counts.NullInfoTokenCounts++;
        }

        var steps = (int)_rng.Skewed([1, 2, 5, 12, 30], [20, 38, 30, 12]);
        string lastMessage = string.Empty;
        for (var s = 0; s < steps; s++)
        {
            lastMessage = Step(s == steps - 1, first: s == 0);
        }

        Tick(1, 30);
        Begin("event_msg");
        _out.Raw("\"type\":\"task_complete\",\"turn_id\":\""u8);
        _out.StrBody(_turnId);
        _out.Raw("\",\"last_agent_message\":"u8);
        _out.Str(lastMessage);
        End();
        _turns++;
    }

    private void TurnContext()
    {
        Tick(0, 3);
        Begin("turn_context");
        _out.Raw("\"turn_id\":\""u8);
        _out.StrBody(_turnId);
        _out.Raw("\",\"cwd\":"u8);
        _out.Str(_plan.Cwd);
        _out.Raw(",\"current_date\":\""u8);
        _out.StrBody(SynthTime.DayString(SynthTime.DayNumber(_now)));
        _out.Raw("\",\"timezone\":\"Etc/UTC\",\"approval_policy\":\"on-request\",\"sandbox_policy\":{\"type\":\"workspace-write\",\"writable_roots\":[],\"network_access\":false,\"exclude_tmpdir_env_var\":false,\"exclude_slash_tmp\":false},\"model\":\""u8);
        _out.StrBody(_model);
        _out.Raw("\",\"personality\":\"pragmatic\",\"collaboration_mode\":{\"mode\":\"default\",\"settings\":{\"model\":\""u8);
        _out.StrBody(_model);
        _out.Raw("\",\"reasoning_effort\":\"high\",\"developer_instructions\":\""u8);
        _out.Raw(CollaborationText);
        _out.Raw("\"}},\"effort\":\"high\",\"summary\":\"auto\""u8);
        End();
    }

    /// <summary>One model call: earlier tool outputs, reasoning, message and calls, then its usage report.</summary>
    private string Step(bool last, bool first)
    {
        if (!first)
        {
            Guard();
        }

        foreach (var tool in _pendingOutputs)
        {
            ToolOutput(tool);
        }

        _pendingOutputs.Clear();

        Tick(600, 12_000);
        Begin("response_item");
        _out.Raw("\"type\":\"reasoning\",\"summary\":["u8);
        if (_rng.Chance(0.3))
        {
            _out.Raw("{\"type\":\"summary_text\",\"text\":"u8);
            _out.Str("**" + SynthText.Title(_rng) + "**\n\n" + SynthText.Prose(_rng, (int)_rng.Range(80, 500)));
            _out.Byte((byte)'}');
        }

        _out.Raw("],\"content\":null,\"encrypted_content\":\"gAAAAA"u8);
        SynthText.WriteBase64(_out, _rng, (int)_rng.Range(300, 4_000));
        _out.Byte((byte)'"');
        End();
        _truth.Counts.AssistantRecords++;

        var message = string.Empty;
        if (last || _rng.Chance(0.55))
        {
            message = SynthText.Prose(_rng, last ? (int)_rng.Range(80, 2_500) : (int)_rng.Range(40, 260));
            var phase = last ? "final_answer"u8 : "commentary"u8;
            Tick(200, 3_000);
            Begin("event_msg");
            _out.Raw("\"type\":\"agent_message\",\"message\":"u8);
            _out.Str(message);
            _out.Raw(",\"phase\":\""u8);
            _out.Raw(phase);
            _out.Byte((byte)'"');
            End();
            Tick(0, 2);
            Begin("response_item");
            _out.Raw("\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":"u8);
            _out.Str(message);
            _out.Raw("}],\"phase\":\""u8);
            _out.Raw(phase);
            _out.Byte((byte)'"');
            End();
            _truth.Counts.AssistantRecords++;
        }

        if (!last)
        {
            var n = _rng.Pick([65, 25, 10]) + 1;
            for (var i = 0; i < n; i++)
            {
                ToolCall();
            }
        }

        TokenCount(message.Length / 4);
        return message;
    }

    private void ToolCall()
    {
        Tick(20, 800);
        var callId = SynthText.Token(_rng, "call_", 24);
        var patch = _rng.Chance(0.2);
        var error = _rng.Chance(0.06);
        if (_needToolError)
        {
            error = true;
            _needToolError = false;
        }

        var noun = SynthText.Nouns[_rng.Next(SynthText.Nouns.Length)];
        var tool = new CodexTool
        {
            CallId = callId,
            Patch = patch,
            Target = patch ? SynthText.FilePath(_rng, _plan.Cwd) : CommandFor(noun),
            Start = _rng.Next(SynthText.LogLineCount),
            Lines = patch ? (int)_rng.Range(2, 30) : (int)Math.Min(_rng.Skewed([0, 3, 25, 150, 900], [35, 38, 20, 7]), Math.Max(20, _settings.MaxSessionBytes / 400)),
            ExitCode = error ? (_rng.Chance(0.8) ? 1 : 2) : 0,
            WallMs = _rng.Skewed([1, 40, 1_500, 20_000, 120_000], [40, 35, 20, 5]),
        };

        Begin("response_item");
        if (patch)
        {
            _out.Raw("\"type\":\"custom_tool_call\",\"status\":\"completed\",\"call_id\":\""u8);
            _out.StrBody(callId);
            _out.Raw("\",\"name\":\"apply_patch\",\"input\":\"*** Begin Patch\\n*** Update File: "u8);
            _out.StrBody(tool.Target);
            _out.Raw("\\n@@\\n-"u8);
            SynthText.WriteCode(_out, tool.Start, 1);
            _out.Byte((byte)'+');
            SynthText.WriteCode(_out, tool.Start + 1, tool.Lines);
            _out.Raw("*** End Patch\\n\""u8);
        }
        else
        {
            _out.Raw("\"type\":\"function_call\",\"name\":\"exec_command\",\"arguments\":"u8);
            var args = "{\"cmd\":" + SynthText.Quote(tool.Target) + ",\"workdir\":" + SynthText.Quote(_plan.Cwd) + ",\"max_output_tokens\":" +
                       (_rng.Chance(0.5) ? "1200" : "4000") + ",\"yield_time_ms\":1000}";
            _out.Str(args);
            _out.Raw(",\"call_id\":\""u8);
            _out.StrBody(callId);
            _out.Byte((byte)'"');
        }

        End();
        _truth.Counts.AssistantRecords++;
        _segmentTools.Add(tool);
    }

    private static string CommandFor(string noun)
    {
        return (noun.Length % 7) switch
        {
            0 => "rg -n \"" + noun + "\" src",
            1 => "cargo test " + noun,
            2 => "git diff --stat",
            3 => "sed -n '1,200p' src/" + noun + ".rs",
            4 => "pytest -q tests/test_" + noun + ".py",
            5 => "ls -la src/" + noun,
            _ => "npm run lint -- " + noun,
        };
    }

    private void TokenCount(long messageTokens)
    {
        Tick(5, 120);
        var gap = _now - _lastCallAt;
        var input = (_firstCall ? _baseTokens : _ctx) + _pendingAppend;
        long cached;
        var miss = false;
        if (_firstCall)
        {
            cached = _rng.Chance(0.7) ? _baseTokens / 128 * 128 : 0;
        }
        else if (gap > 15 * SynthTime.MsPerMinute || _rng.Chance(0.03))
        {
            miss = true;
            cached = _rng.Chance(0.5) ? _baseTokens / 128 * 128 : 0;
        }
        else
        {
            cached = _prevInput / 128 * 128;
        }

        cached = Math.Min(cached, input);
        var output = Math.Max(1, _rng.Skewed([8, 60, 300, 1_500, 8_000], [30, 40, 22, 8]) + messageTokens);
        var reasoning = output * _rng.Range(0, 85) / 100;
        _firstCall = false;
        _ctx = input;
        _prevInput = input;
        _pendingAppend = output;
        _lastCallAt = _now;
        if (miss)
        {
            _truth.Counts.CacheMisses++;
        }

        _totalInput += input;
        _totalCached += cached;
        _totalOutput += output;
        _totalReasoning += reasoning;

        var uncached = Math.Max(0, input - cached);
        var step = _truth.Step(_model, _now, replayed: false, new StepUsage(input, cached, uncached, 0, 0, uncached, output, reasoning));
        foreach (var t in _segmentTools)
        {
            t.Step = step;
            step.ToolCall();
            _pendingOutputs.Add(t);
        }

        _segmentTools.Clear();
        var echo = _needEcho || _rng.Chance(0.15);
        _needEcho = false;
        WriteTokenCount(input, cached, output, reasoning);
        _truth.Counts.TokenCountEvents++;
        if (echo)
        {
            Tick(1, 40);
            WriteTokenCount(input, cached, output, reasoning);
            _truth.Counts.TokenCountEvents++;
            _truth.Counts.DuplicateTokenCountEchoes++;
        }
    }

    private void WriteTokenCount(long input, long cached, long output, long reasoning)
    {
        Begin("event_msg");
        _out.Raw("\"type\":\"token_count\",\"info\":{\"total_token_usage\":"u8);
        Usage(_totalInput, _totalCached, _totalOutput, _totalReasoning);
        _out.Raw(",\"last_token_usage\":"u8);
        Usage(input, cached, output, reasoning);
        _out.Raw(",\"model_context_window\":"u8);
        _out.Long(ContextWindow);
        _out.Raw("},\"rate_limits\":"u8);
        RateLimits();
        End();
    }

    private void Usage(long input, long cached, long output, long reasoning)
    {
        _out.Raw("{\"input_tokens\":"u8);
        _out.Long(input);
        _out.Raw(",\"cached_input_tokens\":"u8);
        _out.Long(cached);
        _out.Raw(",\"output_tokens\":"u8);
        _out.Long(output);
        _out.Raw(",\"reasoning_output_tokens\":"u8);
        _out.Long(reasoning);
        _out.Raw(",\"total_tokens\":"u8);
        _out.Long(input + output);
        _out.Byte((byte)'}');
    }

    private void RateLimits()
    {
        if (_turns % 3 == 2)
        {
            _out.Raw("null"u8);
            return;
        }

        var day = SynthTime.DayNumber(_now);
        _out.Raw("{\"primary\":{\"used_percent\":"u8);
        _out.Long((_now / SynthTime.MsPerMinute) % 97);
        _out.Raw(".0,\"window_minutes\":300,\"resets_at\":"u8);
        _out.Long(_now / 1000 + 3_600);
        _out.Raw("},\"secondary\":{\"used_percent\":"u8);
        _out.Long(day % 61);
        _out.Raw(".0,\"window_minutes\":10080,\"resets_at\":"u8);
        _out.Long((day + 3) * 86_400);
        _out.Raw("},\"credits\":null,\"plan_type\":null}"u8);
    }

    private void ToolOutput(CodexTool t)
    {
        Tick(1, t.WallMs);
        var failed = t.ExitCode != 0;
        if (t.Patch)
        {
            var inner = failed
                ? "{\"output\":\"apply_patch verification failed: Failed to find expected lines in " + t.Target + "\",\"metadata\":{\"exit_code\":1,\"duration_seconds\":0.0}}"
                : "{\"output\":\"Success. Updated the following files:\\nM " + t.Target + "\\n\",\"metadata\":{\"exit_code\":0,\"duration_seconds\":0.0}}";
            Begin("event_msg");
            _out.Raw("\"type\":\"patch_apply_end\",\"call_id\":\""u8);
            _out.StrBody(t.CallId);
            _out.Raw("\",\"turn_id\":\""u8);
            _out.StrBody(_turnId);
            _out.Raw(failed ? "\",\"stdout\":\"\",\"stderr\":\"Failed to find expected lines\",\"success\":false,\"changes\":{"u8 : "\",\"stdout\":\"Success. Updated the following files:\\nM "u8);
            if (!failed)
            {
                _out.StrBody(t.Target);
                _out.Raw("\\n\",\"stderr\":\"\",\"success\":true,\"changes\":{"u8);
            }

            _out.Str(t.Target);
            _out.Raw(":{\"type\":\"update\",\"unified_diff\":\"@@\\n+"u8);
            SynthText.WriteCode(_out, t.Start + 1, Math.Min(t.Lines, 6));
            _out.Raw("\",\"move_path\":null}}"u8);
            End();
            Tick(0, 3);
            Begin("response_item");
            _out.Raw("\"type\":\"custom_tool_call_output\",\"call_id\":\""u8);
            _out.StrBody(t.CallId);
            _out.Raw("\",\"output\":"u8);
            _out.Str(inner);
            End();
        }
        else
        {
            if (_rng.Chance(0.4))
            {
                Begin("event_msg");
                _out.Raw("\"type\":\"exec_command_end\",\"call_id\":\""u8);
                _out.StrBody(t.CallId);
                _out.Raw("\",\"turn_id\":\""u8);
                _out.StrBody(_turnId);
                _out.Raw("\",\"command\":[\"bash\",\"-lc\","u8);
                _out.Str(t.Target);
                _out.Raw("],\"cwd\":"u8);
                _out.Str(_plan.Cwd);
                _out.Raw(",\"exit_code\":"u8);
                _out.Long(t.ExitCode);
                _out.Raw(",\"aggregated_output\":\""u8);
                SynthText.WriteLog(_out, t.Start, t.Lines);
                _out.Raw("\",\"duration\":{\"secs\":"u8);
                _out.Long(t.WallMs / 1000);
                _out.Raw(",\"nanos\":"u8);
                _out.Long(t.WallMs % 1000 * 1_000_000);
                _out.Raw("}"u8);
                End();
                Tick(0, 3);
            }

            Begin("response_item");
            _out.Raw("\"type\":\"function_call_output\",\"call_id\":\""u8);
            _out.StrBody(t.CallId);
            _out.Raw("\",\"output\":\"Chunk ID: "u8);
            _out.StrBody(SynthText.Hex(_rng, 6));
            _out.Raw("\\nWall time: "u8);
            _out.Fixed(t.WallMs * 10, 4);
            _out.Raw(" seconds\\nProcess exited with code "u8);
            _out.Long(t.ExitCode);
            _out.Raw("\\nOriginal token count: "u8);
            var bytes = SynthText.LogBytes(t.Start, t.Lines);
            _out.Long(bytes / 4);
            _out.Raw("\\nOutput:\\n"u8);
            SynthText.WriteLog(_out, t.Start, t.Lines);
            _out.Byte((byte)'"');
            End();
        }

        t.Step.ToolResult(failed);
        _pendingAppend += SynthText.LogBytes(t.Start, t.Lines) / 4 + 20;
    }

    private void Compact()
    {
        _needCompaction = false;
        Tick(10_000, 60_000);
        Guard();
        Begin("compacted");
        _out.Raw("\"message\":\"\",\"replacement_history\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":"u8);
        _out.Str(SynthText.Prompt(_rng));
        _out.Raw("}]},{\"type\":\"compaction\",\"encrypted_content\":\"gAAAAA"u8);
        SynthText.WriteBase64(_out, _rng, (int)_rng.Range(2_000, 12_000));
        _out.Raw("\"}]"u8);
        End();
        Tick(5, 100);
        Begin("event_msg");
        _out.Raw("\"type\":\"context_compacted\""u8);
        End();
        _truth.Counts.Compactions++;
        _ctx = _baseTokens;
        _prevInput = _baseTokens;
        _pendingAppend = _rng.Range(2_000, 9_000);
    }

    /// <summary>Keeps the coming model call's records on one UTC day.</summary>
    private void Guard()
    {
        if (SynthTime.CrossesMidnight(_now, SegmentSpanBoundMs))
        {
            _now = SynthTime.NextMidnight(_now) + _rng.Range(200, 20_000);
        }
    }

    private void Tick(long min, long max) => _now += _rng.Range(min, max);

    private void Begin(string type)
    {
        _out.Raw("{\"timestamp\":"u8);
        _out.Timestamp(_now);
        _out.Raw(",\"type\":\""u8);
        _out.StrBody(type);
        _out.Raw("\",\"payload\":{"u8);
    }

    private void End()
    {
        _out.Raw("}}"u8);
        _out.EndLine();
    }
}
