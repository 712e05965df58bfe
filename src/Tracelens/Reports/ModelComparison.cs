namespace Tracelens.Reports;

/// <summary>Models side by side over the same filtered steps, in the order they were named.</summary>
public sealed record ModelComparison(ReportFilter Filter, IReadOnlyList<ModelStats> Models);

/// <summary>
/// One model's usage and the per-step rates that compare models: cost, input and output per step,
/// how much of the prompt came from the cache, how often it called tools and how its calls ended.
/// A rate is null when its denominator is zero.
/// </summary>
public sealed class ModelStats
{
    /// <summary>The name as asked for.</summary>
    public required string Model { get; init; }

    /// <summary>Recorded model names it matched (ordinal order); empty when the ledger has none.</summary>
    public required IReadOnlyList<string> RecordedNames { get; init; }

    public required PricedUsage Usage { get; init; }

    /// <summary>Sessions with at least one step of this model.</summary>
    public required long Sessions { get; init; }

    public required long ToolCalls { get; init; }

    /// <summary>Tool calls whose result was an error.</summary>
    public required long ToolErrors { get; init; }

    /// <summary>Steps per stop reason (every reason listed).</summary>
    public required IReadOnlyList<StopReasonCount> StopReasons { get; init; }

    public long Steps => Usage.Steps;

    /// <summary>USD per priced step; null when no step is priced.</summary>
    public decimal? CostPerStep => Usage.PricedSteps > 0 && Usage.Cost is { } cost ? cost / Usage.PricedSteps : null;

    /// <summary>Fresh (uncached) input tokens per step.</summary>
    public double? InputPerStep => Per(Usage.Tokens.Input, Steps);

    /// <summary>Output tokens per step (with reasoning recorded apart from output).</summary>
    public double? OutputPerStep => Per(Usage.Tokens.BilledOutput, Steps);

    /// <summary>Prompt tokens per step: fresh input, cache reads and cache writes.</summary>
    public double? PromptPerStep => Per(Prompt, Steps);

    /// <summary>Cache reads over all prompt tokens (fresh input + cache reads + cache writes), as burn defines it.</summary>
    public double? CacheHitRate => Per(Usage.Tokens.CacheRead, Prompt);

    public double? StepsPerSession => Per(Steps, Sessions);

    public double? ToolCallsPerStep => Per(ToolCalls, Steps);

    public double? ToolErrorRate => Per(ToolErrors, ToolCalls);

    /// <summary>Share of steps that ended the turn (stop reason end-turn).</summary>
    public double? EndTurnRate => Per(StopReasons.Where(s => s.Reason == "end-turn").Sum(s => s.Steps), Steps);

    /// <summary>Share of steps cut off by the output limit (stop reason max-tokens).</summary>
    public double? MaxTokensRate => Per(StopReasons.Where(s => s.Reason == "max-tokens").Sum(s => s.Steps), Steps);

    private long Prompt => Usage.Tokens.Input + Usage.Tokens.CacheRead + Usage.Tokens.CacheWrite;

    private static double? Per(long amount, long of) => of > 0 ? (double)amount / of : null;
}
