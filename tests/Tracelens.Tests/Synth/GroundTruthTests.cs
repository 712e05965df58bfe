using System.Globalization;
using Tracelens.Synth;
using Xunit;

namespace Tracelens.Tests.Synth;

public class GroundTruthTests(SynthFixture fx) : IClassFixture<SynthFixture>
{
    [Fact]
    public void Breakdowns_sum_to_their_totals()
    {
        foreach (var (provider, truth) in fx.Truth.Providers)
        {
            foreach (var breakdown in new[] { truth.Steps, truth.DeduplicatedByMessage })
            {
                if (breakdown is null)
                {
                    Assert.Equal("codex", provider);
                    continue;
                }

                Assert.True(breakdown.Totals.Steps > 0);
                AssertSum(breakdown.Totals, breakdown.ByDay.Values, provider + " by day");
                AssertSum(breakdown.Totals, breakdown.ByModel.Values, provider + " by model");
                foreach (var (day, models) in breakdown.ByDayModel)
                {
                    AssertSum(breakdown.ByDay[day], models.Values, provider + " " + day);
                }

                Assert.Equal(breakdown.Totals.InputTokensTotal, breakdown.Totals.PrefixTokens + breakdown.Totals.NewlyAppendTokens);
                Assert.Equal(breakdown.Totals.ToolCalls, breakdown.Totals.ToolResults);
                Assert.True(breakdown.Totals.ReasoningOutputTokens <= breakdown.Totals.OutputTokens);
            }
        }

        var claude = fx.Truth.Providers["claude"].Steps.Totals;
        Assert.Equal(claude.NewlyAppendTokens, claude.UncachedInputTokens + claude.CacheCreation5mTokens + claude.CacheCreation1hTokens);
        var days = fx.Truth.Providers.Values.SelectMany(p => p.Steps.ByDay.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(days.Count >= 10, $"sessions should spread over many days, got {days.Count}");
        var span = DateOnly.Parse(days[^1], CultureInfo.InvariantCulture).DayNumber - DateOnly.Parse(days[0], CultureInfo.InvariantCulture).DayNumber;
        Assert.InRange(span, 25, 75);
        Assert.Equal("2026-01-05", fx.Truth.BaseDate);
        Assert.True(string.CompareOrdinal(days[0], fx.Truth.BaseDate) >= 0);
    }

    [Fact]
    public void Counts_match_the_files_on_disk()
    {
        var claude = fx.Truth.Providers["claude"].Counts;
        Assert.Equal(fx.ClaudeFiles.Count, claude.Files);
        Assert.Equal(fx.ClaudeSessionFiles.Count(), claude.Sessions);
        Assert.Equal(fx.ClaudeFiles.Sum(f => new FileInfo(f).Length), claude.Bytes);
        var metas = Directory.EnumerateFiles(fx.ClaudeRoot, "*.meta.json", SearchOption.AllDirectories).ToList();
        Assert.Equal(metas.Count, claude.MetaFiles);
        Assert.Equal(metas.Sum(f => new FileInfo(f).Length), claude.MetaBytes);

        var codex = fx.Truth.Providers["codex"].Counts;
        Assert.Equal(fx.CodexFiles.Count, codex.Files);
        Assert.Equal(fx.CodexFiles.Count, codex.Sessions);
        Assert.Equal(fx.CodexFiles.Sum(f => new FileInfo(f).Length), codex.Bytes);
        Assert.Equal(fx.CodexFiles.Sum(f => File.ReadLines(f).LongCount()), codex.Lines);
        Assert.Equal(claude.Bytes + claude.MetaBytes + codex.Bytes, fx.Truth.TotalBytes);
    }

    [Fact]
    public void Claude_truth_matches_an_independent_reading_of_the_files()
    {
        var steps = ReferenceReader.ClaudeSteps(fx.ClaudeRoot, fx.Lines);
        var truth = fx.Truth.Providers["claude"];
        AssertTotals(ReferenceReader.Sum(steps), truth.Steps.Totals, "claude");
        foreach (var group in steps.GroupBy(s => s.Day))
        {
            AssertTotals(ReferenceReader.Sum(group), truth.Steps.ByDay[group.Key], "claude " + group.Key);
        }

        foreach (var group in steps.GroupBy(s => s.Model))
        {
            AssertTotals(ReferenceReader.Sum(group), truth.Steps.ByModel[group.Key], "claude " + group.Key);
        }

        // ccusage view: one entry per (message.id, requestId) across all files.
        var unique = steps.GroupBy(s => s.MessageKey).Select(g => g.MaxBy(s => s.Totals.OutputTokens)!).ToList();
        Assert.True(unique.Count < steps.Count);
        AssertTotals(ReferenceReader.Sum(unique), truth.DeduplicatedByMessage!.Totals, "claude deduplicated");
    }

    [Fact]
    public void Codex_truth_matches_an_independent_reading_of_the_files()
    {
        var steps = ReferenceReader.CodexSteps(fx.CodexRoot, fx.Lines);
        var truth = fx.Truth.Providers["codex"];
        AssertTotals(ReferenceReader.Sum(steps), truth.Steps.Totals, "codex");
        foreach (var group in steps.GroupBy(s => (s.Day, s.Model)))
        {
            AssertTotals(ReferenceReader.Sum(group), truth.Steps.ByDayModel[group.Key.Day][group.Key.Model], "codex " + group.Key);
        }
    }

    [Fact]
    public void Ground_truth_file_round_trips()
    {
        var path = Path.Combine(fx.Home, GroundTruth.FileName);
        var text = File.ReadAllText(path);
        var loaded = GroundTruth.Load(path);
        Assert.Equal(text, loaded.ToJson());
        Assert.Equal(GroundTruth.CurrentSchema, loaded.Schema);
        Assert.Equal(42UL, loaded.Seed);
        Assert.Contains("\"cache_creation_5m_tokens\":", text, StringComparison.Ordinal);
        Assert.Contains("\"deduplicated_by_message\":", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        Assert.True(loaded.Providers["claude"].Steps.Totals.ValueEquals(fx.Truth.Providers["claude"].Steps.Totals));
    }

    private static void AssertSum(TokenTotals expected, IEnumerable<TokenTotals> parts, string what)
    {
        var sum = new TokenTotals();
        foreach (var p in parts)
        {
            sum.Add(p);
        }

        AssertTotals(sum, expected, what);
    }

    private static void AssertTotals(TokenTotals actual, TokenTotals expected, string what)
    {
        Assert.True(actual.ValueEquals(expected), $"{what}: {System.Text.Json.JsonSerializer.Serialize(actual)} != {System.Text.Json.JsonSerializer.Serialize(expected)}");
    }
}
