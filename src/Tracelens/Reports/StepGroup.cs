using Tracelens.Model;
using Tracelens.Pricing;

namespace Tracelens.Reports;

/// <summary>
/// One row of an aggregate query: the counted steps that share a report key, a model, a provider
/// and a stop reason, with their token sums and, one by one, the few steps large enough for a
/// long-context tier to apply (<see cref="LargeRequests"/>), which is what prices the group exactly.
/// </summary>
internal sealed record StepGroup(
    string? Key,
    string? Model,
    Provider Provider,
    string? StopReason,
    long Steps,
    TokenUsage Total,
    string? FirstStartedAt,
    string? LastStartedAt,
    long ToolCalls)
{
    /// <summary>Steps of the group with more than 200,000 tokens in total (also in <see cref="Total"/>); null when none.</summary>
    public List<LargeRequest>? LargeRequests { get; set; }

    /// <summary>Steps without a recorded model are reported under this name (and are unpriced).</summary>
    public const string UnknownModel = "(unknown)";

    public string ModelName => Model ?? UnknownModel;

    public TokenCounts Tokens => new(
        Total.FreshInput,
        Total.Output,
        Total.CacheRead,
        Total.CacheWrite5m,
        Total.CacheWrite1h,
        Total.Reasoning,
        Total.ReasoningIncludedInOutput ? 0 : Total.Reasoning);

    /// <summary>
    /// The group's cost, or null when its model is unpriced: its sums at base rates (linear), plus,
    /// for each large request, what its tier adds to its base cost. Equal to pricing every step alone.
    /// </summary>
    public CostBreakdown? Price(PriceBook prices)
    {
        if (prices.Resolve(Model) is not { } resolution)
        {
            return null;
        }

        var cost = PriceBook.PriceAtBaseRates(resolution.Price, Total);
        foreach (var large in LargeRequests ?? [])
        {
            cost += PriceBook.Price(resolution.Price, large.Usage) - PriceBook.PriceAtBaseRates(resolution.Price, large.Usage);
        }

        return cost;
    }
}

/// <summary>One step's tokens (a class, so lists of it need no jitting; see <see cref="StepAggregation"/>).</summary>
internal sealed record LargeRequest(TokenUsage Usage);
