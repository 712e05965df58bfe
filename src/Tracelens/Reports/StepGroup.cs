using Tracelens.Model;
using Tracelens.Pricing;

namespace Tracelens.Reports;

/// <summary>
/// One row of an aggregate query: the counted steps that share a report key, a model, a provider
/// (and, when asked, a stop reason), with their token sums and, per token type, the sum of each
/// step's tokens beyond the long-context threshold, which is what prices the group exactly.
/// </summary>
internal sealed record StepGroup(
    string? Key,
    string? Model,
    Provider Provider,
    string? StopReason,
    long Steps,
    TokenUsage Total,
    TokenUsage AboveThreshold,
    string? FirstStartedAt,
    string? LastStartedAt,
    long ToolCalls)
{
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

    /// <summary>The group's cost, or null when its model is unpriced.</summary>
    public CostBreakdown? Price(PriceBook prices) =>
        prices.Resolve(Model) is { } resolution ? PriceBook.Price(resolution.Price, Total, AboveThreshold) : null;
}
