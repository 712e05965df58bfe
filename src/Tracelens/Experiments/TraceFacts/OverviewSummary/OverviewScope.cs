using Tracelens.Analysis;
using Tracelens.Analysis.Statistics;
using Tracelens.Json;
using Tracelens.Model;
using Tracelens.Readers;

namespace Tracelens.Experiments.TraceFacts.OverviewSummary;

/// <summary>
/// The headline facts of one scope (all steps, or one provider), accumulated step by step in trace
/// order exactly as TraceLab's <c>overview_summary</c> does (tracelab-spec §6.4, §7). Float sums
/// are plain left-to-right additions in trace order (CPython 3.11); timestamps are truncated to
/// milliseconds and taken as UTC, as TraceLab's database path does.
/// </summary>
internal sealed class OverviewScope
{
    private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _providers = new(StringComparer.Ordinal);
    private readonly OrderedCounter _models = new();
    private readonly Dictionary<string, long> _lastEventBySession = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastTotalInputBySession = new(StringComparer.Ordinal);

    private long _rounds;
    private long _userInputRounds;
    private long _toolResultRounds;
    private long _newTokens;
    private long _cachedTokens;
    private long _outputTokens;
    private long _reasoningTokens;
    private long _roundsWithObservedReasoning;
    private long _roundsWithPositiveReasoning;

    private readonly List<double> _generationSpans = [];
    private double _totalGenerationSeconds;
    private long _speedRounds;
    private double _speedSeconds;
    private long _speedTokens;
    private long _reasoningEndRounds;
    private double _totalReasoningEndSeconds;

    private readonly StartedBy _userStarted = new();
    private readonly StartedBy _toolStarted = new();

    private long _humanWaitCandidateRounds;
    private readonly List<double> _humanWaits = [];
    private double _totalHumanWaitSeconds;

    private long _exactTtftRounds;
    private double _exactTtftSeconds;
    private long _exactTtftReasoningTokens;
    private long _exactDecodeRounds;
    private double _exactDecodeSeconds;
    private long _exactDecodeTokens;

    private long _toolCalls;
    private long _roundsWithToolCalls;
    private long _effectiveLatencyMissing;
    private long _effectiveLatencyNonpositive;
    private long _effectiveFromInternal;
    private long _effectiveFromWall;
    private double _totalEffectiveLatencyMs;
    private readonly List<double> _effectiveLatenciesMs = [];

    private long? _earliestUs;
    private long? _latestUs;

    /// <summary>Counters of steps whose first event is a user message (or a tool result).</summary>
    private sealed class StartedBy
    {
        public long Rounds;
        public long TotalInput;
        public long NewInput;
        public long ContextDeltaTotal;
        public readonly List<double> ContextDeltas = [];
        public readonly InputGrowthStats Growth = new();

        public double? Average(long total) => Rounds == 0 ? null : (double)total / Rounds;

        public double? PrefixHitRate => TotalInput == 0 ? null : (double)(TotalInput - NewInput) / TotalInput;
    }

    public void Add(AgentStep step)
    {
        _rounds++;
        var provider = step.Provider.WireName();
        _providers[provider] = _providers.GetValueOrDefault(provider) + 1;
        if (step.Model is { } model)
        {
            _models.Add(model);
        }

        _sessions.Add(step.SessionId);
        if (step.User is { } user)
        {
            _users.Add(user);
        }

        var events = TimedEvents(step);
        AddHumanWaits(step.SessionId, events);

        var types = step.TimingEvents.Select(e => e.EventType).ToHashSet();
        if (types.Contains(TimingEventType.UserMessage))
        {
            _userInputRounds++;
        }

        if (types.Contains(TimingEventType.ToolResult))
        {
            _toolResultRounds++;
        }

        var rowTotal = step.NewlyAppendTokens + step.PrefixTokens;
        _newTokens += step.NewlyAppendTokens;
        _cachedTokens += step.PrefixTokens;
        var started = StepTriggers.Of(step) switch
        {
            StepTrigger.User => _userStarted,
            StepTrigger.ToolResult => _toolStarted,
            _ => null,
        };
        if (started is not null)
        {
            started.Rounds++;
            started.TotalInput += rowTotal;
            started.NewInput += step.NewlyAppendTokens;
            if (_lastTotalInputBySession.TryGetValue(step.SessionId, out var previousTotal))
            {
                var rawDelta = rowTotal - previousTotal;
                var contextDelta = Math.Max(0, rawDelta);
                started.ContextDeltaTotal += contextDelta;
                started.ContextDeltas.Add(contextDelta);
                started.Growth.Add(rawDelta);
            }
        }

        _lastTotalInputBySession[step.SessionId] = rowTotal;

        var output = step.OutputTokens;
        var visible = step.ReasoningOutputTokens is { } r ? Math.Max(0, output - r) : output;
        var reasoning = step.ReasoningOutputTokens ?? 0;
        _outputTokens += output;
        _reasoningTokens += reasoning;
        if (types.Contains(TimingEventType.Reasoning) || reasoning > 0)
        {
            _roundsWithObservedReasoning++;
        }

        if (reasoning > 0)
        {
            _roundsWithPositiveReasoning++;
        }

        if (GenerationSpan(events) is { } span)
        {
            _generationSpans.Add(span);
            _totalGenerationSeconds += span;
            if (output > 0)
            {
                _speedRounds++;
                _speedSeconds += span;
                _speedTokens += output;
            }
        }

        if (InputToReasoningEndSpan(events) is { } toReasoningEnd)
        {
            _reasoningEndRounds++;
            _totalReasoningEndSeconds += toReasoningEnd;
            if (reasoning > 0)
            {
                _exactTtftRounds++;
                _exactTtftSeconds += toReasoningEnd;
                _exactTtftReasoningTokens += reasoning;
            }
        }

        if (PostReasoningOutputSpan(events) is { } decode && visible > 0 && reasoning > 0)
        {
            _exactDecodeRounds++;
            _exactDecodeSeconds += decode;
            _exactDecodeTokens += visible;
        }

        foreach (var (_, us) in events)
        {
            Observe(us);
        }

        foreach (var tool in step.Tools)
        {
            Observe(MillisecondUs(tool.EmittedAt));
            Observe(MillisecondUs(tool.ResultAt));
            AddTool(tool);
        }

        if (step.Tools.Count > 0)
        {
            _roundsWithToolCalls++;
        }
    }

    private void Observe(long? us)
    {
        if (us is not { } t)
        {
            return;
        }

        if (_earliestUs is null || t < _earliestUs)
        {
            _earliestUs = t;
        }

        if (_latestUs is null || t > _latestUs)
        {
            _latestUs = t;
        }
    }

    private void AddTool(ToolCall tool)
    {
        _toolCalls++;
        double? effective = tool.ToolInternalLatencyMs ?? tool.ToolWallLatencyMs;
        if (effective is not { } ms)
        {
            _effectiveLatencyMissing++;
        }
        else if (ms <= 0)
        {
            _effectiveLatencyNonpositive++;
        }
        else
        {
            _totalEffectiveLatencyMs += ms;
            _effectiveLatenciesMs.Add(ms);
            if (tool.ToolInternalLatencyMs is not null)
            {
                _effectiveFromInternal++;
            }
            else
            {
                _effectiveFromWall++;
            }
        }
    }

    /// <summary>
    /// Human input wait (current, provider-agnostic definition): in time order, each user message
    /// waits from the previous event of any type in the same session, carried across steps.
    /// </summary>
    private void AddHumanWaits(string sessionId, List<(TimingEventType Type, long Us)> events)
    {
        if (events.Any(e => e.Type == TimingEventType.UserMessage))
        {
            _humanWaitCandidateRounds++;
        }

        long? previous = _lastEventBySession.TryGetValue(sessionId, out var carried) ? carried : null;
        foreach (var (type, us) in events.OrderBy(e => e.Us))
        {
            if (type == TimingEventType.UserMessage && previous is { } before)
            {
                var wait = Seconds(us - before);
                if (wait > 0)
                {
                    _humanWaits.Add(wait);
                    _totalHumanWaitSeconds += wait;
                }
            }

            previous = us;
        }

        if (events.Count > 0)
        {
            _lastEventBySession[sessionId] = events.Max(e => e.Us);
        }
    }

    /// <summary>Latest input at or before the first model output → last model output (seconds, &gt; 0).</summary>
    private static double? GenerationSpan(List<(TimingEventType Type, long Us)> events)
    {
        var outputs = events.Where(e => IsModelOutput(e.Type)).Select(e => e.Us).ToList();
        var inputs = events.Where(e => IsInput(e.Type)).Select(e => e.Us).ToList();
        if (outputs.Count == 0 || inputs.Count == 0)
        {
            return null;
        }

        var firstOutput = outputs.Min();
        var candidates = inputs.Where(t => t <= firstOutput).ToList();
        return candidates.Count == 0 ? null : Positive(Seconds(outputs.Max() - candidates.Max()));
    }

    /// <summary>Latest input at or before the last reasoning event → that reasoning event (seconds, &gt; 0).</summary>
    private static double? InputToReasoningEndSpan(List<(TimingEventType Type, long Us)> events)
    {
        var reasoning = events.Where(e => e.Type == TimingEventType.Reasoning).Select(e => e.Us).ToList();
        var inputs = events.Where(e => IsInput(e.Type)).Select(e => e.Us).ToList();
        if (reasoning.Count == 0 || inputs.Count == 0)
        {
            return null;
        }

        var reasoningEnd = reasoning.Max();
        var candidates = inputs.Where(t => t <= reasoningEnd).ToList();
        return candidates.Count == 0 ? null : Positive(Seconds(reasoningEnd - candidates.Max()));
    }

    /// <summary>
    /// Last reasoning event → last later text/tool call; without reasoning (or no later output),
    /// first → last text/tool call when there are at least two (seconds, &gt; 0).
    /// </summary>
    private static double? PostReasoningOutputSpan(List<(TimingEventType Type, long Us)> events)
    {
        var reasoning = events.Where(e => e.Type == TimingEventType.Reasoning).Select(e => e.Us).ToList();
        var outputs = events.Where(e => e.Type is TimingEventType.Text or TimingEventType.ToolCall).Select(e => e.Us).ToList();
        if (reasoning.Count > 0 && outputs.Count > 0)
        {
            var reasoningEnd = reasoning.Max();
            var later = outputs.Where(t => t >= reasoningEnd).ToList();
            if (later.Count > 0)
            {
                return Positive(Seconds(later.Max() - reasoningEnd));
            }
        }

        return outputs.Count < 2 ? null : Positive(Seconds(outputs.Max() - outputs.Min()));
    }

    private static bool IsInput(TimingEventType type) => type is TimingEventType.UserMessage or TimingEventType.ToolResult;

    private static bool IsModelOutput(TimingEventType type) => type is TimingEventType.Reasoning or TimingEventType.Text or TimingEventType.ToolCall;

    private static double? Positive(double seconds) => seconds > 0 ? seconds : null;

    /// <summary>Python's <c>timedelta.total_seconds()</c>: exact microseconds divided by 10⁶.</summary>
    private static double Seconds(long microseconds) => microseconds / 1e6;

    /// <summary>The step's timing events that have a usable timestamp, in event order, truncated to whole milliseconds.</summary>
    private static List<(TimingEventType Type, long Us)> TimedEvents(AgentStep step)
    {
        var events = new List<(TimingEventType, long)>(step.TimingEvents.Count);
        foreach (var e in step.TimingEvents)
        {
            if (MillisecondUs(e.Timestamp) is { } us)
            {
                events.Add((e.EventType, us));
            }
        }

        return events;
    }

    /// <summary>
    /// A timestamp as UTC microseconds truncated to the millisecond, or null when unparseable: the
    /// value TraceLab's summary sees after its database stores it and rebuilds <c>…mmmZ</c>.
    /// </summary>
    private static long? MillisecondUs(string? timestamp) =>
        IsoTimestamp.TryParse(timestamp, out var us, out _) ? us - (((us % 1000) + 1000) % 1000) : null;

    /// <summary><c>datetime.isoformat()</c> with <c>+00:00</c> as <c>Z</c>; the fraction only when non-zero.</summary>
    private static string? IsoFormat(long? us)
    {
        if (us is not { } t)
        {
            return null;
        }

        var moment = DateTime.UnixEpoch.AddTicks(t * 10);
        var fraction = moment.Ticks / 10 % 1_000_000;
        return moment.ToString(fraction == 0 ? "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'" : "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    public PyObject ToJson()
    {
        var totalInput = _newTokens + _cachedTokens;
        double? PerRound(long total) => _rounds == 0 ? null : (double)total / _rounds;
        var decodeLatency = _exactDecodeTokens <= 0 ? (double?)null : _exactDecodeSeconds / _exactDecodeTokens;
        var decodeSpeed = decodeLatency is { } latency && latency > 0 ? 1 / latency : (double?)null;
        double? estimatedTtftTotal = decodeLatency is { } l && _exactTtftRounds > 0 ? _exactTtftSeconds - (_exactTtftReasoningTokens * l) : null;
        var generationSorted = Percentiles.Sorted(_generationSpans);
        var waitsSorted = Percentiles.Sorted(_humanWaits);
        var latencySorted = Percentiles.Sorted(_effectiveLatenciesMs);
        double? LatencySeconds(double q) => Percentiles.WeightedLinearClamped(latencySorted, q) / 1000;

        var input = new PyObject
        {
            ["direct_new_input_token_definition"] = Py.Str(Definitions.DirectNewInput),
            ["total_input_tokens"] = Py.Int(totalInput),
            ["new_input_tokens"] = Py.Int(_newTokens),
            ["cached_read_input_tokens"] = Py.Int(_cachedTokens),
            ["average_total_input_tokens_per_round"] = Py.Float(PerRound(totalInput)),
            ["average_new_input_tokens_per_round"] = Py.Float(PerRound(_newTokens)),
            ["average_cached_read_input_tokens_per_round"] = Py.Float(PerRound(_cachedTokens)),
        };
        AddStartedBy(input, "user_message", "user", _userStarted, Definitions.UserContextDelta);
        AddStartedBy(input, "tool_result", "tool_result", _toolStarted, Definitions.ToolResultContextDelta);
        input["total_input_growth_definition"] = Py.Str(Definitions.TotalInputGrowth);
        input["total_context_increase_definition"] = Py.Str(Definitions.TotalContextIncrease);
        input["total_context_increase_tokens"] = Py.Int(_userStarted.Growth.TotalPositiveGrowth + _toolStarted.Growth.TotalPositiveGrowth);
        input["total_input_growth_reduction_buckets"] = new PyObject
        {
            ["micro_reduction"] = Py.Str($"raw delta is negative and the reduction is <= {InputGrowthStats.MicroReductionMaxTokens} tokens"),
            ["ordinary_reduction"] = Py.Str($"raw delta is negative, the reduction is > {InputGrowthStats.MicroReductionMaxTokens} tokens, and the reduction is < {InputGrowthStats.MajorReductionMinTokens} tokens"),
            ["major_reduction"] = Py.Str($"raw delta is negative and the reduction is >= {InputGrowthStats.MajorReductionMinTokens} tokens"),
        };
        input["total_input_growth_when_started_with_user_message"] = _userStarted.Growth.ToJson();
        input["total_input_growth_when_started_with_tool_result"] = _toolStarted.Growth.ToJson();
        input["prefix_hit_rate"] = Py.Float(totalInput == 0 ? null : (double)_cachedTokens / totalInput);

        return new PyObject
        {
            ["scope"] = new PyObject
            {
                ["total_sessions"] = Py.Int(_sessions.Count),
                ["distinct_users"] = _users.Count == 0 ? PyNull.Instance : Py.Int(_users.Count),
                ["llm_rounds_total"] = Py.Int(_rounds),
                ["rounds_with_visible_user_message"] = Py.Int(_userInputRounds),
                ["rounds_started_from_tool_result"] = Py.Int(_toolResultRounds),
                ["earliest_observed_timestamp"] = Py.Str(IsoFormat(_earliestUs)),
                ["latest_observed_timestamp"] = Py.Str(IsoFormat(_latestUs)),
            },
            ["tokens"] = new PyObject
            {
                ["input"] = input,
                ["output"] = new PyObject
                {
                    ["total_output_tokens_including_reasoning"] = Py.Int(_outputTokens),
                    ["visible_or_structured_output_tokens_estimate"] = Py.Int(_outputTokens - _reasoningTokens),
                    ["rounds_with_observed_reasoning"] = Py.Int(_roundsWithObservedReasoning),
                    ["reasoning_output_tokens_subset"] = Py.Int(_reasoningTokens),
                    ["rounds_with_positive_reasoning_output_tokens"] = Py.Int(_roundsWithPositiveReasoning),
                    ["average_output_tokens_including_reasoning_per_round"] = Py.Float(PerRound(_outputTokens)),
                },
            },
            ["generation_timing"] = new PyObject
            {
                ["definition"] = Py.Str(Definitions.Generation),
                ["total_observable_generation_time_seconds"] = Py.Float(_totalGenerationSeconds),
                ["rounds_with_observable_generation_time"] = Py.Int(_generationSpans.Count),
                ["p50_observable_generation_time_seconds"] = Py.Float(Percentiles.WeightedLinearClamped(generationSorted, 0.50)),
                ["p90_observable_generation_time_seconds"] = Py.Float(Percentiles.WeightedLinearClamped(generationSorted, 0.90)),
                ["average_normalized_decoding_speed_tokens_per_second"] = Py.Float(_speedSeconds <= 0 ? null : _speedTokens / _speedSeconds),
                ["rounds_used_for_normalized_decoding_speed"] = Py.Int(_speedRounds),
                ["input_to_reasoning_end_definition"] = Py.Str(Definitions.InputToReasoningEnd),
                ["total_input_to_reasoning_end_time_seconds"] = Py.Float(_totalReasoningEndSeconds),
                ["rounds_with_input_to_reasoning_end_time"] = Py.Int(_reasoningEndRounds),
                ["waiting_for_human_input_definition"] = Py.Str(Definitions.HumanWait),
                ["rounds_with_user_message"] = Py.Int(_humanWaitCandidateRounds),
                ["rounds_with_waiting_for_human_input_time"] = Py.Int(_humanWaits.Count),
                ["total_waiting_for_human_input_seconds"] = Py.Float(_totalHumanWaitSeconds),
                ["average_waiting_for_human_input_seconds"] = Py.Float(_humanWaits.Count == 0 ? null : _totalHumanWaitSeconds / _humanWaits.Count),
                ["median_waiting_for_human_input_seconds"] = Py.Float(Percentiles.WeightedLinearClamped(waitsSorted, 0.50)),
                ["p90_waiting_for_human_input_seconds"] = Py.Float(Percentiles.WeightedLinearClamped(waitsSorted, 0.90)),
                ["post_reasoning_tpot_estimate"] = new PyObject
                {
                    ["definition"] = Py.Str(Definitions.PostReasoningTpot),
                    ["rounds"] = Py.Int(_exactDecodeRounds),
                    ["visible_or_structured_output_tokens"] = Py.Int(_exactDecodeTokens),
                    ["post_reasoning_output_decode_time_seconds"] = Py.Float(decodeLatency is null ? null : _exactDecodeSeconds),
                    ["average_decode_speed_tokens_per_second"] = Py.Float(decodeSpeed),
                    ["average_decode_latency_seconds_per_token"] = Py.Float(decodeLatency),
                },
                ["estimated_ttft_from_exact_reasoning_tokens"] = new PyObject
                {
                    ["definition"] = Py.Str(Definitions.EstimatedTtft),
                    ["rounds"] = Py.Int(_exactTtftRounds),
                    ["input_to_reasoning_end_total_seconds"] = Py.Float(_exactTtftSeconds),
                    ["reasoning_tokens"] = Py.Int(_exactTtftReasoningTokens),
                    ["decode_latency_seconds_per_token_used"] = Py.Float(decodeLatency),
                    ["decode_speed_tokens_per_second_used"] = Py.Float(decodeSpeed),
                    ["rounds_used_to_estimate_decode_latency"] = Py.Int(_exactDecodeRounds),
                    ["estimated_total_seconds"] = Py.Float(estimatedTtftTotal),
                    ["estimated_average_seconds"] = Py.Float(estimatedTtftTotal is { } total && _exactTtftRounds > 0 ? total / _exactTtftRounds : null),
                },
            },
            ["tools"] = new PyObject
            {
                ["definition"] = Py.Str(Definitions.Tools),
                ["total_tool_calls"] = Py.Int(_toolCalls),
                ["rounds_with_tool_calls"] = Py.Int(_roundsWithToolCalls),
                ["tool_calls_per_visible_user_message_round"] = Py.Float(_userInputRounds == 0 ? null : (double)_toolCalls / _userInputRounds),
                ["effective_latency"] = new PyObject
                {
                    ["total_seconds"] = Py.Float(_totalEffectiveLatencyMs / 1000),
                    ["tool_calls_with_latency"] = Py.Int(_effectiveLatenciesMs.Count),
                    ["tool_calls_missing_latency"] = Py.Int(_effectiveLatencyMissing),
                    ["tool_calls_nonpositive_latency"] = Py.Int(_effectiveLatencyNonpositive),
                    ["p50_seconds"] = Py.Float(LatencySeconds(0.50)),
                    ["p90_seconds"] = Py.Float(LatencySeconds(0.90)),
                    ["tool_calls_using_internal_latency"] = Py.Int(_effectiveFromInternal),
                    ["tool_calls_using_wall_latency_fallback"] = Py.Int(_effectiveFromWall),
                    ["tool_calls_using_legacy_latency_fallback"] = Py.Int(0),
                },
            },
            ["rounds_by_provider"] = Counts(_providers.OrderBy(p => p.Key, StringComparer.Ordinal)),
            ["rounds_by_model"] = Counts(_models.MostCommon()),
        };
    }

    private static void AddStartedBy(PyObject input, string startedWith, string deltaPrefix, StartedBy started, string deltaDefinition)
    {
        var deltas = Percentiles.Sorted(started.ContextDeltas);
        input[$"rounds_started_with_{startedWith}_for_input_token_average"] = Py.Int(started.Rounds);
        input[$"average_total_input_tokens_when_started_with_{startedWith}"] = Py.Float(started.Average(started.TotalInput));
        input[$"average_new_input_tokens_when_started_with_{startedWith}"] = Py.Float(started.Average(started.NewInput));
        input[$"total_new_input_tokens_when_started_with_{startedWith}"] = Py.Int(started.NewInput);
        input[$"prefix_hit_rate_when_started_with_{startedWith}"] = Py.Float(started.PrefixHitRate);
        input[$"{deltaPrefix}_context_delta_definition"] = Py.Str(deltaDefinition);
        input[$"{deltaPrefix}_context_delta_rounds"] = Py.Int(started.ContextDeltas.Count);
        input[$"average_{deltaPrefix}_context_delta_tokens"] = Py.Float(started.ContextDeltas.Count == 0 ? null : (double)started.ContextDeltaTotal / started.ContextDeltas.Count);
        input[$"median_{deltaPrefix}_context_delta_tokens"] = Py.Float(Percentiles.WeightedLinearClamped(deltas, 0.50));
        input[$"p90_{deltaPrefix}_context_delta_tokens"] = Py.Float(Percentiles.WeightedLinearClamped(deltas, 0.90));
    }

    private static PyObject Counts(IEnumerable<KeyValuePair<string, long>> counts)
    {
        var obj = new PyObject();
        foreach (var (key, count) in counts)
        {
            obj[key] = Py.Int(count);
        }

        return obj;
    }

    /// <summary>Python's <c>Counter</c>: <c>most_common()</c> sorts by count, ties in first-seen order.</summary>
    private sealed class OrderedCounter
    {
        private readonly Dictionary<string, (long Count, int FirstSeen)> _counts = new(StringComparer.Ordinal);

        public void Add(string key) =>
            _counts[key] = _counts.TryGetValue(key, out var c) ? (c.Count + 1, c.FirstSeen) : (1, _counts.Count);

        public IEnumerable<KeyValuePair<string, long>> MostCommon() =>
            _counts.OrderByDescending(c => c.Value.Count).ThenBy(c => c.Value.FirstSeen).Select(c => new KeyValuePair<string, long>(c.Key, c.Value.Count));
    }
}
