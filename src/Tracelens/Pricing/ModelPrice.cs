namespace Tracelens.Pricing;

/// <summary>One model's prices, as listed by <c>tracelens prices</c>.</summary>
public sealed record ModelPrice
{
    /// <summary>The table's key for the model (undated, e.g. <c>claude-sonnet-4-5</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The vendor whose source the prices came from (<c>anthropic</c>, <c>openai</c>, or <c>user</c>).</summary>
    public required string Vendor { get; init; }

    public required TokenRates Rates { get; init; }

    /// <summary>
    /// Rates for the tokens of one type beyond the first 200,000 in one request; null when the
    /// model has no long-context tier. A type the tier does not mention keeps its base rate.
    /// </summary>
    public TokenRates? Above200k { get; init; }

    /// <summary>
    /// Rates for <em>every</em> token of a request whose input (fresh, cached and cache writes)
    /// exceeds 272,000 tokens, replacing <see cref="Rates"/> and <see cref="Above200k"/> for it
    /// (OpenAI's long-context pricing of gpt-5.4 and gpt-5.5); null when the model has none.
    /// </summary>
    public TokenRates? Above272kInput { get; init; }

    /// <summary>True when the user's override file changed or added this model.</summary>
    public bool Overridden { get; init; }
}
