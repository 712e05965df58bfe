using Tracelens.Model;

namespace Tracelens.Analysis;

/// <summary>Token and call totals of a set of steps (exact integer sums).</summary>
public sealed class UsageTotal
{
    public long Steps { get; private set; }
    public long InputTokensTotal { get; private set; }
    public long CacheReadTokens { get; private set; }
    public long FreshInputTokens { get; private set; }
    public long CacheWrite5mTokens { get; private set; }
    public long CacheWrite1hTokens { get; private set; }
    public long OutputTokens { get; private set; }
    public long ReasoningTokens { get; private set; }
    public long ToolCalls { get; private set; }

    public void Add(AgentStep step)
    {
        Steps++;
        InputTokensTotal += step.InputTokensTotal;
        CacheReadTokens += step.PrefixTokens;
        FreshInputTokens += step.FreshInputTokens;
        CacheWrite5mTokens += step.CacheCreation5mTokens;
        CacheWrite1hTokens += step.CacheCreation1hTokens;
        OutputTokens += step.OutputTokens;
        ReasoningTokens += step.ReasoningOutputTokens ?? 0;
        ToolCalls += step.Tools.Count;
    }
}

/// <summary>Totals per (provider, model), plus the grand total; fed one step at a time.</summary>
public sealed class UsageTotals
{
    private readonly Dictionary<(Provider Provider, string Model), UsageTotal> _byModel = [];

    public UsageTotal All { get; } = new();

    public void Add(AgentStep step)
    {
        var key = (step.Provider, step.Model ?? "(unknown)");
        if (!_byModel.TryGetValue(key, out var total))
        {
            _byModel[key] = total = new UsageTotal();
        }

        total.Add(step);
        All.Add(step);
    }

    /// <summary>Rows ordered by provider, then by output tokens (largest first), then model name.</summary>
    public IEnumerable<(Provider Provider, string Model, UsageTotal Total)> ByModel() =>
        _byModel.OrderBy(kv => kv.Key.Provider)
            .ThenByDescending(kv => kv.Value.OutputTokens)
            .ThenBy(kv => kv.Key.Model, StringComparer.Ordinal)
            .Select(kv => (kv.Key.Provider, kv.Key.Model, kv.Value));
}
