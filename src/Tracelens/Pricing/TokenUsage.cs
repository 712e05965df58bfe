using Tracelens.Model;

namespace Tracelens.Pricing;

/// <summary>
/// The tokens of one request, split the way they are billed. Every count is disjoint from the
/// others except <see cref="Reasoning"/>, which is part of <see cref="Output"/> when
/// <see cref="ReasoningIncludedInOutput"/> is set.
/// </summary>
public readonly record struct TokenUsage(
    long FreshInput,
    long Output,
    long CacheRead,
    long CacheWrite5m,
    long CacheWrite1h,
    long Reasoning = 0,
    bool ReasoningIncludedInOutput = true)
{
    /// <summary>Every input token of the request: fresh, read from the cache, and written to it.</summary>
    public long PromptTokens => FreshInput + CacheRead + CacheWrite5m + CacheWrite1h;

    /// <summary>
    /// The billed split of a step. Claude: fresh = <c>input_tokens</c>, cache read =
    /// <c>cache_read_input_tokens</c>, writes from <c>cache_creation.ephemeral_5m/1h</c>. Codex:
    /// <c>input_tokens</c> includes the cached tokens, so fresh = input − cached and cache read =
    /// <c>cached_input_tokens</c> (the reader stores them as <see cref="AgentStep.PrefixTokens"/>);
    /// <c>output_tokens</c> already contains <c>reasoning_output_tokens</c>. OpenCode records
    /// reasoning apart from output, so it is billed on its own at the output rate.
    /// </summary>
    public static TokenUsage Of(AgentStep step) => new(
        step.FreshInputTokens,
        step.OutputTokens,
        step.PrefixTokens,
        step.CacheCreation5mTokens,
        step.CacheCreation1hTokens,
        step.ReasoningOutputTokens ?? 0,
        ReasoningIncludedInOutput: step.Provider != Provider.OpenCode);
}
