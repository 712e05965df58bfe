namespace Tracelens.Reports;

/// <summary>
/// Exact token sums over a set of steps, split the way they are billed. <see cref="Input"/> is
/// fresh (uncached) input only; <see cref="CacheRead"/>, <see cref="CacheWrite5m"/> and
/// <see cref="CacheWrite1h"/> are disjoint from it. <see cref="Reasoning"/> is every reasoning
/// token a harness reported; most of it is already inside <see cref="Output"/> (Claude, Codex),
/// and <see cref="ReasoningBilledSeparately"/> is the part that is not (OpenCode records it apart
/// and it is billed at the output rate).
/// </summary>
public readonly record struct TokenCounts(
    long Input,
    long Output,
    long CacheRead,
    long CacheWrite5m,
    long CacheWrite1h,
    long Reasoning,
    long ReasoningBilledSeparately)
{
    /// <summary>Cache writes of both lifetimes (ccusage's <c>cacheCreationTokens</c>).</summary>
    public long CacheWrite => CacheWrite5m + CacheWrite1h;

    /// <summary>Every token billed at the output rate: output plus reasoning recorded apart from it.</summary>
    public long BilledOutput => Output + ReasoningBilledSeparately;

    /// <summary>Every billed token once: fresh input, billed output, cache reads and cache writes.</summary>
    public long Total => Input + BilledOutput + CacheRead + CacheWrite;

    public static TokenCounts operator +(TokenCounts a, TokenCounts b) => new(
        a.Input + b.Input,
        a.Output + b.Output,
        a.CacheRead + b.CacheRead,
        a.CacheWrite5m + b.CacheWrite5m,
        a.CacheWrite1h + b.CacheWrite1h,
        a.Reasoning + b.Reasoning,
        a.ReasoningBilledSeparately + b.ReasoningBilledSeparately);
}
