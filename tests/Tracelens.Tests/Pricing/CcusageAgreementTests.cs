using Tracelens.Collect;
using Tracelens.Model;
using Tracelens.Pricing;
using Tracelens.Synth;
using Tracelens.Tests.Synth;
using Xunit;

namespace Tracelens.Tests.Pricing;

/// <summary>
/// The table agrees with ccusage 20.0.24, the tool users compare us with, on every model the
/// generator writes: rate by rate, and cost by cost on a generated history.
/// </summary>
public sealed class CcusageAgreementTests
{
    /// <summary>
    /// USD per million tokens that ccusage 20.0.24 uses: LiteLLM's <c>input_cost_per_token</c>,
    /// <c>output_cost_per_token</c>, <c>cache_read_input_token_cost</c>,
    /// <c>cache_creation_input_token_cost</c> and <c>*_above_200k_tokens</c> (× 1e6) from the
    /// LiteLLM table embedded in the @ccusage/ccusage-linux-x64 20.0.24 binary (a raw-deflate
    /// stream, decompressed 2026-11-22), overlaid by ccusage's built-in entries
    /// (<c>claude-opus-4-6</c>, <c>claude-sonnet-4-6</c>, <c>gpt-5.4</c>, <c>gpt-5.3-codex</c>); ccusage
    /// prices 1-hour cache writes at 2 × input. Each was confirmed with
    /// <c>ccusage daily --json --offline</c> on a history of 100k tokens of one type per model.
    /// Cache writes are not compared for OpenAI models: Codex logs never carry any.
    /// </summary>
    public static TheoryData<string, decimal[], decimal[]?> CcusageRates => new()
    {
        // model,                      input, output, cache read, 5m write, 1h write;  above 200k (same order) or null
        { "claude-sonnet-4-5-20250929", [3m, 15m, 0.3m, 3.75m, 6m], [6m, 22.5m, 0.6m, 7.5m, 12m] },
        { "claude-sonnet-4-6", [3m, 15m, 0.3m, 3.75m, 6m], null },
        { "claude-opus-4-6", [5m, 25m, 0.5m, 6.25m, 10m], null },
        { "claude-opus-4-1-20250805", [15m, 75m, 1.5m, 18.75m, 30m], null },
        { "claude-haiku-4-5-20251001", [1m, 5m, 0.1m, 1.25m, 2m], null },
        { "gpt-5.4", [2.5m, 15m, 0.25m], null },
        { "gpt-5.3-codex", [1.75m, 14m, 0.175m], null },
        { "gpt-5.1-codex-mini", [0.25m, 2m, 0.025m], null },
    };

    [Theory]
    [MemberData(nameof(CcusageRates))]
    public void The_rates_of_every_generated_model_equal_ccusages(string model, decimal[] rates, decimal[]? above)
    {
        var price = PriceBook.Embedded.Resolve(model)!.Price;
        Assert.Equal(rates, Rates(price.Rates).Take(rates.Length));
        Assert.Equal(above, price.Above200k is { } tier ? Rates(tier) : null);
    }

    private static decimal[] Rates(TokenRates r) => [r.Input, r.Output, r.CacheRead, r.CacheWrite5m, r.CacheWrite1h];

    /// <summary>
    /// Per-model cost from ccusage 20.0.24 on the history <c>tracelens synth --seed 3 --size-mb 6</c>
    /// generates: <c>HOME=&lt;history&gt; ccusage daily --json --offline</c>, modelBreakdowns[].cost
    /// summed over days, 2026-11-22. The history has steps with 1-hour cache writes but none with
    /// more than 200k tokens of one type, so the tier is checked in <see cref="StepCostTests"/>.
    /// </summary>
    private static readonly Dictionary<string, decimal> CcusageCostUsd = new(StringComparer.Ordinal)
    {
        ["claude-haiku-4-5-20251001"] = 0.73423795m,
        ["claude-opus-4-1-20250805"] = 8.35073775m,
        ["claude-opus-4-6"] = 4.50679975m,
        ["claude-sonnet-4-5-20250929"] = 1.94949435m,
        ["claude-sonnet-4-6"] = 0.6256743m,
        ["gpt-5.1-codex-mini"] = 0.061088m,
        ["gpt-5.3-codex"] = 0.20892095m,
        ["gpt-5.4"] = 0.697312m,
    };

    [Fact]
    public void Costs_per_model_on_a_generated_history_agree_with_ccusage_within_half_a_percent()
    {
        using var dir = new TempDir("pricing-ccusage");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = dir.Path, Seed = 3, TargetBytes = 6_000_000 });
        var steps = new List<AgentStep>();
        new Collector().Run(LogDiscovery.Discover(new DiscoveryOptions { Home = dir.Path }), dir.Path, steps.Add);

        // ccusage counts an API response once across files (a resumed session repeats its parent's
        // responses), keeping the largest usage; Tracelens keeps one step per file. Compare like with like.
        var counted = steps
            .GroupBy(s => s.Provider == Provider.Claude ? $"{s.RoundId}\n{s.RequestId}" : s.TraceKey!, StringComparer.Ordinal)
            .Select(g => g.MaxBy(s => s.InputTokensTotal + s.OutputTokens)!);
        var costs = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var step in counted)
        {
            var cost = PriceBook.Embedded.Cost(step);
            Assert.True(cost is not null, $"{step.Model} is unpriced");
            costs[step.Model!] = costs.GetValueOrDefault(step.Model!) + cost.Value.Total;
        }

        Assert.Equal(CcusageCostUsd.Keys.Order(StringComparer.Ordinal), costs.Keys);
        foreach (var (model, expected) in CcusageCostUsd)
        {
            var relative = Math.Abs(costs[model] - expected) / expected;
            Assert.True(relative < 0.005m, $"{model}: Tracelens ${costs[model]} vs ccusage ${expected}");
        }
    }
}
