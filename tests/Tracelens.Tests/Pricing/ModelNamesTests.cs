using Tracelens.Pricing;
using Xunit;

namespace Tracelens.Tests.Pricing;

/// <summary>Each decoration a harness or gateway adds to a model name, removed exactly (and near misses kept).</summary>
public sealed class ModelNamesTests
{
    [Theory]
    [InlineData("claude-sonnet-4-5-v1", "claude-sonnet-4-5")]
    [InlineData("claude-sonnet-4-5-v2:0", "claude-sonnet-4-5")]
    [InlineData("claude-sonnet-4-5-v:0", "claude-sonnet-4-5-v")] // no version digits: kept
    [InlineData("us.anthropic.claude-opus-4-1", "claude-opus-4-1")]
    [InlineData("us-gov.anthropic.claude-opus-4-1", "claude-opus-4-1")]
    [InlineData("apac.anthropic.claude-opus-4-1", "claude-opus-4-1")]
    [InlineData("x.anthropic.claude-opus-4-1", "x-anthropic-claude-opus-4-1")] // a one-letter region is not one
    [InlineData("toolong1.anthropic.claude", "toolong1-anthropic-claude")]
    [InlineData("gpt-5-20250807", "gpt-5")]
    [InlineData("gpt-5-2025-08-07", "gpt-5")]
    [InlineData("gpt-5-2025-8-07", "gpt-5-2025-8-07")]
    [InlineData("gpt-5-2025080", "gpt-5-2025080")] // seven digits: not a date
    [InlineData("bedrock/eu.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5")]
    [InlineData("claude-sonnet-4-5-latest", "claude-sonnet-4-5")]
    public void The_most_normalized_form_drops_every_decoration(string name, string expected) =>
        Assert.Equal(expected, ModelNames.Normalized(name));
}
