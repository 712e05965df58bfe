namespace Tracelens.Synth;

/// <summary>A step's buckets: tool calls and results are credited to the step that emitted the call.</summary>
internal readonly struct StepRef(TokenTotals all, TokenTotals? unique)
{
    public bool IsNone => all is null;

    public void ToolCall()
    {
        if (all is null)
        {
            return;
        }

        all.ToolCalls++;
        if (unique is not null)
        {
            unique.ToolCalls++;
        }
    }

    public void ToolResult(bool isError)
    {
        if (all is null)
        {
            return;
        }

        all.ToolResults++;
        if (isError)
        {
            all.ToolErrors++;
        }

        if (unique is not null)
        {
            unique.ToolResults++;
            if (isError)
            {
                unique.ToolErrors++;
            }
        }
    }
}

/// <summary>Per-session accumulation of ground truth, keyed by (model, UTC day number).</summary>
internal sealed class TruthRecorder(bool trackUnique)
{
    private readonly Dictionary<(string Model, long Day), TokenTotals> _steps = [];
    private readonly Dictionary<(string Model, long Day), TokenTotals>? _unique = trackUnique ? [] : null;

    public ProviderCounts Counts { get; } = new();

    public IReadOnlyDictionary<(string Model, long Day), TokenTotals> StepBuckets => _steps;

    public IReadOnlyDictionary<(string Model, long Day), TokenTotals>? UniqueBuckets => _unique;

    /// <summary>Records one step. <paramref name="replayed"/> steps (resumed prefixes) are left out of the unique view.</summary>
    public StepRef Step(string model, long startMs, bool replayed, in StepUsage u)
    {
        var key = (model, SynthTime.DayNumber(startMs));
        var all = Bucket(_steps, key);
        Apply(all, u);
        TokenTotals? unique = null;
        if (_unique is not null && !replayed)
        {
            unique = Bucket(_unique, key);
            Apply(unique, u);
        }

        return new StepRef(all, unique);
    }

    private static TokenTotals Bucket(Dictionary<(string, long), TokenTotals> map, (string, long) key)
    {
        if (!map.TryGetValue(key, out var t))
        {
            t = new TokenTotals();
            map[key] = t;
        }

        return t;
    }

    private static void Apply(TokenTotals t, in StepUsage u)
    {
        t.Steps++;
        t.InputTokensTotal += u.InputTotal;
        t.PrefixTokens += u.Prefix;
        t.NewlyAppendTokens += u.NewlyAppended;
        t.CacheCreation5mTokens += u.Creation5m;
        t.CacheCreation1hTokens += u.Creation1h;
        t.UncachedInputTokens += u.Uncached;
        t.OutputTokens += u.Output;
        t.ReasoningOutputTokens += u.Reasoning;
    }
}

/// <summary>One step's usage in ground-truth terms.</summary>
internal readonly record struct StepUsage(
    long InputTotal,
    long Prefix,
    long NewlyAppended,
    long Creation5m,
    long Creation1h,
    long Uncached,
    long Output,
    long Reasoning);

/// <summary>Folds session recorders of one provider into a <see cref="ProviderTruth"/>.</summary>
internal sealed class ProviderTruthBuilder(bool trackUnique)
{
    private readonly Dictionary<(string Model, long Day), TokenTotals> _steps = [];
    private readonly Dictionary<(string Model, long Day), TokenTotals>? _unique = trackUnique ? [] : null;
    private readonly ProviderCounts _counts = new();

    public void Add(TruthRecorder r)
    {
        _counts.Add(r.Counts);
        Merge(_steps, r.StepBuckets);
        if (_unique is not null && r.UniqueBuckets is not null)
        {
            Merge(_unique, r.UniqueBuckets);
        }
    }

    public ProviderTruth Build() => new()
    {
        Counts = _counts,
        Steps = Breakdown(_steps),
        DeduplicatedByMessage = _unique is null ? null : Breakdown(_unique),
    };

    private static void Merge(Dictionary<(string, long), TokenTotals> into, IReadOnlyDictionary<(string Model, long Day), TokenTotals> from)
    {
        foreach (var (key, value) in from)
        {
            if (into.TryGetValue(key, out var t))
            {
                t.Add(value);
            }
            else
            {
                into[key] = value.Clone();
            }
        }
    }

    private static TokenBreakdown Breakdown(Dictionary<(string Model, long Day), TokenTotals> buckets)
    {
        var b = new TokenBreakdown();
        foreach (var ((model, day), t) in buckets)
        {
            var dayKey = SynthTime.DayString(day);
            b.Totals.Add(t);
            Into(b.ByModel, model).Add(t);
            Into(b.ByDay, dayKey).Add(t);
            if (!b.ByDayModel.TryGetValue(dayKey, out var models))
            {
                models = new SortedDictionary<string, TokenTotals>(StringComparer.Ordinal);
                b.ByDayModel[dayKey] = models;
            }

            Into(models, model).Add(t);
        }

        return b;
    }

    private static TokenTotals Into(SortedDictionary<string, TokenTotals> map, string key)
    {
        if (!map.TryGetValue(key, out var t))
        {
            t = new TokenTotals();
            map[key] = t;
        }

        return t;
    }
}
