namespace Tracelens.Pricing;

/// <summary>
/// A cost in USD, split by token type. Amounts are exact decimals (tokens × rate ÷ 1,000,000,
/// never rounded), so adding breakdowns gives the same total in any order; round only to display.
/// </summary>
public readonly record struct CostBreakdown(
    decimal Input,
    decimal Output,
    decimal Reasoning,
    decimal CacheRead,
    decimal CacheWrite5m,
    decimal CacheWrite1h)
{
    /// <summary>The sum of the line items, added in declaration order.</summary>
    public decimal Total => Input + Output + Reasoning + CacheRead + CacheWrite5m + CacheWrite1h;

    public static CostBreakdown operator -(CostBreakdown a, CostBreakdown b) => new(
        a.Input - b.Input,
        a.Output - b.Output,
        a.Reasoning - b.Reasoning,
        a.CacheRead - b.CacheRead,
        a.CacheWrite5m - b.CacheWrite5m,
        a.CacheWrite1h - b.CacheWrite1h);

    public static CostBreakdown operator +(CostBreakdown a, CostBreakdown b) => new(
        a.Input + b.Input,
        a.Output + b.Output,
        a.Reasoning + b.Reasoning,
        a.CacheRead + b.CacheRead,
        a.CacheWrite5m + b.CacheWrite5m,
        a.CacheWrite1h + b.CacheWrite1h);
}
