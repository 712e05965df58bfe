using Tracelens.Pricing;
using Xunit;

namespace Tracelens.Tests.Pricing;

/// <summary>How model names as harnesses and gateways write them find (or do not find) a price.</summary>
public sealed class ModelResolutionTests
{
    private static readonly PriceBook Book = PriceBook.Embedded;

    [Theory]
    [InlineData("claude-sonnet-4-5", "claude-sonnet-4-5", "exact")]
    [InlineData("gpt-5.1-codex-mini", "gpt-5.1-codex-mini", "exact")]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5", "normalized")]
    [InlineData("claude-opus-4-1-20250805", "claude-opus-4-1", "normalized")]
    [InlineData("claude-haiku-4-5-20251001", "claude-haiku-4-5", "normalized")]
    [InlineData("claude-3-5-sonnet-20241022", "claude-3-5-sonnet", "normalized")]
    [InlineData("claude-sonnet-4-5@20250929", "claude-sonnet-4-5", "normalized")]
    [InlineData("gpt-5-2025-08-07", "gpt-5", "normalized")]
    [InlineData("o3-2025-04-16", "o3", "normalized")]
    [InlineData("claude-sonnet-4.5", "claude-sonnet-4-5", "normalized")]
    [InlineData("Claude-Sonnet-4-5", "claude-sonnet-4-5", "normalized")]
    [InlineData("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", "normalized")]
    [InlineData("openai/gpt-5.4", "gpt-5.4", "normalized")]
    [InlineData("openrouter/anthropic/claude-opus-4.6", "claude-opus-4-6", "normalized")]
    [InlineData("vertex_ai/claude-opus-4-1@20250805", "claude-opus-4-1", "normalized")]
    [InlineData("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", "normalized")]
    [InlineData("anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku", "normalized")]
    [InlineData("claude-3-7-sonnet-latest", "claude-3-7-sonnet", "normalized")]
    [InlineData("claude-4-sonnet", "claude-sonnet-4", "alias")]
    [InlineData("claude-4.5-sonnet", "claude-sonnet-4-5", "alias")]
    [InlineData("claude-sonnet-4-5-thinking", "claude-sonnet-4-5", "prefix")]
    [InlineData("claude-opus-4-1-20250805-thinking", "claude-opus-4-1", "prefix")]
    [InlineData("gpt-5.3-codex-spark", "gpt-5.3-codex", "prefix")]
    public void Resolves(string model, string expectedId, string expectedRule)
    {
        var resolution = Book.Resolve(model);
        Assert.NotNull(resolution);
        Assert.Equal(expectedId, resolution.Price.Id);
        Assert.Equal(expectedRule, resolution.RuleName);
    }

    [Theory]
    [InlineData("gpt-9")]
    [InlineData("claude-opus-4-9")] // a newer version is not claude-opus-4's price
    [InlineData("claude-opus-5")]
    [InlineData("gpt-5.6")] // not gpt-5's price: a version, not a variant
    [InlineData("gpt-5.4-codex-mini")] // a smaller sibling is never billed at the big model's rate
    [InlineData("gpt-5-codex-mini")]
    [InlineData("gemini-2.5-pro")]
    [InlineData("<synthetic>")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_models_resolve_to_null_never_to_a_zero_price(string? model)
    {
        Assert.Null(Book.Resolve(model));
        Assert.Null(Book.Cost(model, new TokenUsage(1000, 1000, 1000, 1000, 1000)));
    }

    [Fact]
    public void Every_model_the_generator_writes_is_priced()
    {
        string[] generated = [.. Tracelens.Synth.SessionPlanner.ClaudeModels, .. Tracelens.Synth.SessionPlanner.CodexModels];
        Assert.NotEmpty(generated);
        Assert.All(generated, model => Assert.NotNull(Book.Resolve(model)));
    }

    [Fact]
    public void Every_embedded_price_is_positive_and_its_tier_costs_more()
    {
        foreach (var m in Book.Models)
        {
            Assert.True(m.Rates.Input > 0 && m.Rates.Output > 0 && m.Rates.CacheRead > 0 && m.Rates.CacheWrite5m > 0 && m.Rates.CacheWrite1h > 0, m.Id);
            Assert.True(m.Rates.CacheRead < m.Rates.Input, m.Id);
            if (m.Above200k is { } above)
            {
                Assert.True(above.Input > m.Rates.Input && above.Output > m.Rates.Output, m.Id);
            }
        }
    }
}
