namespace Tracelens.Pricing;

/// <summary>USD per million tokens for each kind of token a request can carry.</summary>
public sealed record TokenRates(decimal Input, decimal Output, decimal CacheRead, decimal CacheWrite5m, decimal CacheWrite1h);
