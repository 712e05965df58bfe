using System.Globalization;
using Tracelens.Model;
using Tracelens.Readers;

namespace Tracelens.Synth;

/// <summary>
/// Compares what Tracelens extracted from a generated history with the totals the generator
/// recorded while writing it (per provider, per model and per UTC day). An independent oracle for
/// the readers at any scale.
/// </summary>
public sealed class GroundTruthCheck
{
    private readonly Dictionary<string, TokenBreakdown> _actual = new(StringComparer.Ordinal);

    /// <summary>Adds one extracted step.</summary>
    public void Add(AgentStep step)
    {
        var provider = step.Provider.WireName();
        if (!_actual.TryGetValue(provider, out var breakdown))
        {
            _actual[provider] = breakdown = new TokenBreakdown();
        }

        var t = new TokenTotals
        {
            Steps = 1,
            InputTokensTotal = step.InputTokensTotal,
            PrefixTokens = step.PrefixTokens,
            NewlyAppendTokens = step.NewlyAppendTokens,
            CacheCreation5mTokens = step.CacheCreation5mTokens,
            CacheCreation1hTokens = step.CacheCreation1hTokens,
            UncachedInputTokens = step.FreshInputTokens,
            OutputTokens = step.OutputTokens,
            ReasoningOutputTokens = step.ReasoningOutputTokens ?? 0,
            ToolCalls = step.Tools.Count,
            ToolResults = step.Tools.Count(x => x.ResultAt is not null),
            ToolErrors = step.Tools.Count(x => x.IsError == true),
        };
        var model = step.Model ?? "(unknown)";
        var day = Day(step.StartedAt);
        breakdown.Totals.Add(t);
        Bucket(breakdown.ByModel, model).Add(t);
        Bucket(breakdown.ByDay, day).Add(t);
        if (!breakdown.ByDayModel.TryGetValue(day, out var models))
        {
            breakdown.ByDayModel[day] = models = new SortedDictionary<string, TokenTotals>(StringComparer.Ordinal);
        }

        Bucket(models, model).Add(t);
    }

    /// <summary>Every difference from the truth, as readable lines; empty when everything matches.</summary>
    public List<string> Differences(GroundTruth truth)
    {
        var diffs = new List<string>();
        foreach (var provider in truth.Providers.Keys.Union(_actual.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var expected = truth.Providers.TryGetValue(provider, out var p) ? p.Steps : new TokenBreakdown();
            var actual = _actual.TryGetValue(provider, out var a) ? a : new TokenBreakdown();
            Compare(diffs, $"{provider} total", expected.Totals, actual.Totals);
            CompareMap(diffs, $"{provider} model", expected.ByModel, actual.ByModel);
            CompareMap(diffs, $"{provider} day", expected.ByDay, actual.ByDay);
        }

        return diffs;
    }

    /// <summary>Steps added so far.</summary>
    public long Steps => _actual.Values.Sum(b => b.Totals.Steps);

    private static void CompareMap(List<string> diffs, string label, SortedDictionary<string, TokenTotals> expected, SortedDictionary<string, TokenTotals> actual)
    {
        foreach (var key in expected.Keys.Union(actual.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            Compare(diffs, $"{label} {key}", expected.GetValueOrDefault(key) ?? new TokenTotals(), actual.GetValueOrDefault(key) ?? new TokenTotals());
        }
    }

    private static void Compare(List<string> diffs, string label, TokenTotals expected, TokenTotals actual)
    {
        if (!expected.ValueEquals(actual))
        {
            diffs.Add(string.Create(CultureInfo.InvariantCulture,
                $"{label}: expected {expected.Steps} steps / {expected.InputTokensTotal} input / {expected.OutputTokens} output / {expected.ToolCalls} tools, got {actual.Steps} / {actual.InputTokensTotal} / {actual.OutputTokens} / {actual.ToolCalls}"));
        }
    }

    private static TokenTotals Bucket(SortedDictionary<string, TokenTotals> map, string key)
    {
        if (!map.TryGetValue(key, out var t))
        {
            map[key] = t = new TokenTotals();
        }

        return t;
    }

    private static string Day(string? timestamp) =>
        IsoTimestamp.TryParse(timestamp, out var micros, out _)
            ? DateTime.UnixEpoch.AddTicks(micros * 10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : "(unknown)";
}
