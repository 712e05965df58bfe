using Tracelens.Model;
using Tracelens.Pricing;

namespace Tracelens.Reports;

/// <summary>
/// Steps, tokens and cost of a set of steps. Tokens count every step; the cost covers the priced
/// steps only, and steps whose model has no price are counted in <see cref="UnpricedSteps"/> and
/// named in <see cref="UnpricedModels"/> instead of being priced at $0.
/// </summary>
public sealed class PricedUsage
{
    private readonly SortedSet<string> _models = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _unpricedModels = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _providers = new(StringComparer.Ordinal);

    public long Steps { get; private set; }

    public TokenCounts Tokens { get; private set; }

    /// <summary>The cost of the priced steps, by token type (exact; round only to display).</summary>
    public CostBreakdown PricedCost { get; private set; }

    public long UnpricedSteps { get; private set; }

    /// <summary>Tokens of the unpriced steps (also included in <see cref="Tokens"/>).</summary>
    public TokenCounts UnpricedTokens { get; private set; }

    public long PricedSteps => Steps - UnpricedSteps;

    /// <summary>The cost in USD, or null when no step is priced (never a made-up $0).</summary>
    public decimal? Cost => PricedSteps > 0 ? PricedCost.Total : null;

    /// <summary>Some steps are priced and some are not: <see cref="Cost"/> covers only the priced ones.</summary>
    public bool IsPartiallyPriced => UnpricedSteps > 0 && PricedSteps > 0;

    /// <summary>Model names as recorded, ordinal order.</summary>
    public IReadOnlySet<string> Models => _models;

    public IReadOnlySet<string> UnpricedModels => _unpricedModels;

    /// <summary>Harness wire names (<c>claude</c>, <c>codex</c>, <c>opencode</c>), ordinal order.</summary>
    public IReadOnlySet<string> Providers => _providers;

    /// <summary>Earliest and latest step start (UTC ISO text as recorded), null when unknown.</summary>
    public string? FirstStartedAt { get; private set; }

    public string? LastStartedAt { get; private set; }

    /// <summary>Tool calls the steps made (filled by reports that count them).</summary>
    public long ToolCalls { get; private set; }

    internal void Add(StepGroup group, CostBreakdown? cost)
    {
        Steps += group.Steps;
        Tokens += group.Tokens;
        ToolCalls += group.ToolCalls;
        _models.Add(group.ModelName);
        _providers.Add(group.Provider.WireName());
        if (cost is { } priced)
        {
            PricedCost += priced;
        }
        else
        {
            UnpricedSteps += group.Steps;
            UnpricedTokens += group.Tokens;
            _unpricedModels.Add(group.ModelName);
        }

        if (group.FirstStartedAt is { } first && (FirstStartedAt is null || string.CompareOrdinal(first, FirstStartedAt) < 0))
        {
            FirstStartedAt = first;
        }

        if (group.LastStartedAt is { } last && (LastStartedAt is null || string.CompareOrdinal(last, LastStartedAt) > 0))
        {
            LastStartedAt = last;
        }
    }
}
