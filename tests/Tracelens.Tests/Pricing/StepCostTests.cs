using Tracelens.Model;
using Tracelens.Pricing;
using Xunit;

namespace Tracelens.Tests.Pricing;

/// <summary>The cost arithmetic: each token type at its own rate, the long-context tier, reasoning.</summary>
public sealed class StepCostTests
{
    private static readonly PriceBook Book = PriceBook.Embedded;

    private static AgentStep Claude(string model, long input, long output, long cacheRead, long write5m, long write1h) => new()
    {
        Provider = Provider.Claude,
        SessionId = "claude:s",
        RoundId = "msg_1",
        Model = model,
        ClaudeUncachedInputTokens = input,
        ClaudeCacheReadInputTokens = cacheRead,
        ClaudeCacheCreationInputTokens = write5m + write1h,
        InputTokensTotal = input + cacheRead + write5m + write1h,
        PrefixTokens = cacheRead,
        NewlyAppendTokens = input + write5m + write1h,
        CacheCreation5mTokens = write5m,
        CacheCreation1hTokens = write1h,
        OutputTokens = output,
    };

    /// <summary>A step as the Codex and OpenCode readers fill it: no Claude fields, cached input inside the input total.</summary>
    private static AgentStep Uncached(Provider provider, string model, long input, long cached, long output, long reasoning) => new()
    {
        Provider = provider,
        SessionId = "s",
        RoundId = "1",
        Model = model,
        InputTokensTotal = input,
        PrefixTokens = cached,
        NewlyAppendTokens = input - cached,
        OutputTokens = output,
        ReasoningOutputTokens = reasoning,
    };

    [Fact]
    public void Each_claude_token_type_is_billed_at_its_own_rate()
    {
        // claude-opus-4-1: input 15, output 75, cache read 1.5, 5m write 18.75, 1h write 30 (USD / 1M).
        var cost = Book.Cost(Claude("claude-opus-4-1-20250805", 1_000, 2_000, 100_000, 10_000, 20_000))!.Value;
        Assert.Equal(0.015m, cost.Input);
        Assert.Equal(0.15m, cost.Output);
        Assert.Equal(0.15m, cost.CacheRead);
        Assert.Equal(0.1875m, cost.CacheWrite5m);
        Assert.Equal(0.6m, cost.CacheWrite1h);
        Assert.Equal(0m, cost.Reasoning);
        Assert.Equal(1.1025m, cost.Total);
    }

    [Fact]
    public void One_hour_cache_writes_cost_their_own_rate_not_the_five_minute_rate()
    {
        var fiveMinute = Book.Cost(Claude("claude-sonnet-4-6", 0, 0, 0, 1_000_000 / 10, 0))!.Value;
        var oneHour = Book.Cost(Claude("claude-sonnet-4-6", 0, 0, 0, 0, 1_000_000 / 10))!.Value;
        Assert.Equal(0.375m, fiveMinute.Total); // 100k × $3.75 / 1M
        Assert.Equal(0.6m, oneHour.Total); // 100k × $6 / 1M (2 × input), as Anthropic bills and ccusage prices
    }

    /// <summary>
    /// Expected totals measured with ccusage 20.0.24 (<c>HOME=… ccusage daily --json --offline</c>)
    /// on a one-line Claude history per case, 2026-11-22: 4.245, 4.80018, 2.62518, 6.65.
    /// </summary>
    [Theory]
    [InlineData("claude-sonnet-4-5-20250929", 250_000, 210_000, 300_000, 0, 0, "4.245")]
    [InlineData("claude-sonnet-4-5-20250929", 10, 10, 0, 0, 500_000, "4.80018")]
    [InlineData("claude-sonnet-4-5-20250929", 10, 10, 0, 450_000, 0, "2.62518")]
    [InlineData("claude-opus-4-6", 250_000, 210_000, 300_000, 0, 0, "6.65")] // no long-context tier
    public void Tokens_of_a_type_beyond_200k_in_one_request_take_the_tier_rate(string model, long input, long output, long read, long w5m, long w1h, string expected)
    {
        var cost = Book.Cost(Claude(model, input, output, read, w5m, w1h))!.Value;
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), cost.Total);
    }

    [Fact]
    public void The_tier_applies_type_by_type_not_to_the_request_total()
    {
        // 150k fresh + 150k cache read: 300k in the request, but neither type passes 200k.
        var cost = Book.Cost(Claude("claude-sonnet-4-5", 150_000, 0, 150_000, 0, 0))!.Value;
        Assert.Equal(0.45m + 0.045m, cost.Total);
    }

    /// <summary>
    /// Expected totals measured with ccusage 20.0.24 (<c>daily --json --offline</c>) on one-step
    /// Codex histories, 2026-11-22: a gpt-5.4 or gpt-5.5 request with more than 272,000 input
    /// tokens (cached included) is billed whole at 2 × input and 1.5 × output; 272,000 is not.
    /// </summary>
    [Theory]
    [InlineData("gpt-5.4", 272_000, 264_000, 372, "0.09158")]
    [InlineData("gpt-5.4", 272_001, 264_000, 372, "0.180375")]
    [InlineData("gpt-5.4", 272_841, 264_832, 372, "0.180831")]
    [InlineData("gpt-5.4", 300_000, 0, 1_000, "1.5225")]
    [InlineData("gpt-5.5", 300_000, 290_000, 1_000, "0.435")]
    [InlineData("gpt-5.4-mini", 300_000, 290_000, 1_000, "0.03375")] // no whole-request tier
    [InlineData("gpt-5.3-codex", 300_000, 290_000, 1_000, "0.08225")]
    public void A_gpt_5_4_request_above_272k_input_is_billed_whole_at_the_long_context_rates(string model, long input, long cached, long output, string expected)
    {
        var cost = Book.Cost(Uncached(Provider.Codex, model, input, cached, output, reasoning: 0))!.Value;
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), cost.Total);
    }

    [Fact]
    public void Codex_bills_cached_input_at_the_cache_rate_and_never_bills_reasoning_twice()
    {
        // Codex's input_tokens (10,000) include the 8,000 cached ones; output_tokens (3,000)
        // include the 1,200 reasoning tokens.
        var cost = Book.Cost(Uncached(Provider.Codex, "gpt-5.3-codex", input: 10_000, cached: 8_000, output: 3_000, reasoning: 1_200))!.Value;
        Assert.Equal(2_000 * 1.75m / 1_000_000, cost.Input);
        Assert.Equal(8_000 * 0.175m / 1_000_000, cost.CacheRead);
        Assert.Equal(3_000 * 14m / 1_000_000, cost.Output);
        Assert.Equal(0m, cost.Reasoning);
        Assert.Equal(0.0035m + 0.0014m + 0.042m, cost.Total);
    }

    [Fact]
    public void Opencode_reasoning_is_billed_at_the_output_rate_because_its_output_excludes_it()
    {
        var cost = Book.Cost(Uncached(Provider.OpenCode, "anthropic/claude-sonnet-4-5", input: 1_000, cached: 0, output: 500, reasoning: 300))!.Value;
        Assert.Equal(300 * 15m / 1_000_000, cost.Reasoning);
        Assert.Equal(0.003m + 0.0075m + 0.0045m, cost.Total);
    }

    [Fact]
    public void A_step_of_an_unknown_model_is_unpriced()
    {
        Assert.Null(Book.Cost(Claude("claude-opus-9", 1, 1, 1, 1, 1)));
        var withoutModel = Claude("claude-sonnet-4-5", 1, 1, 1, 1, 1);
        withoutModel.Model = null;
        Assert.Null(Book.Cost(withoutModel));
    }

    [Fact]
    public void Breakdowns_add_exactly_so_the_order_of_summing_does_not_matter()
    {
        var costs = Enumerable.Range(1, 200)
            .Select(i => Book.Cost(Claude("claude-haiku-4-5", i * 37, i * 11, i * 1_003, i * 7, i * 3))!.Value)
            .ToList();
        var forward = costs.Aggregate((a, b) => a + b);
        var backward = Enumerable.Reverse(costs).Aggregate((a, b) => a + b);
        Assert.Equal(forward, backward);
        Assert.Equal(forward.Total, costs.Sum(c => c.Total));
    }
}
