using System.Globalization;
using System.Text;
using Tracelens.Analysis.Statistics;
using Tracelens.Experiments.Output;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Experiments.LlmGeneration.TokenSpindles;

/// <summary>
/// Seed experiment 2 (tracelab-spec §6.2): the full distributions of cached prefix, adjusted
/// append and output tokens per step, side by side. Definitions and outputs: README.md beside this file.
/// </summary>
public sealed class TokenSpindlesExperiment : IExperiment
{
    public const string SummaryFile = "token_spindle_summary.csv";
    public const string StatsFile = "token_spindles_stats.json";

    private static readonly string[] Header = ["metric", "count", "positive_count", "zero_count", "p25", "median", "p90", "p95", "p99", "min", "max"];

    public string Id => "llm_generation/token_spindles";

    public string Title => "Prefix, adjusted append and output token spindles";

    public string Question => "How are cached prefix, newly appended (net of the previous step's output) and output tokens per step distributed?";

    public ExperimentResult Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var counters = new PairCounters();
        var prefix = new List<double>();
        var adjustedAppend = new List<double>();
        var output = context.Steps.Select(s => (double)s.OutputTokens).ToList();

        // Sessions in session_id order, steps by (round_index, trace order): a stable sort keeps ties in trace order.
        var ordered = context.Steps.Order(Comparer<AgentStep>.Create((a, b) =>
        {
            var bySession = string.CompareOrdinal(a.SessionId, b.SessionId);
            return bySession != 0 ? bySession : a.RoundIndex.CompareTo(b.RoundIndex);
        }));
        AgentStep? previous = null;
        foreach (var step in ordered)
        {
            counters.Rows++;
            if (previous is not null && string.Equals(previous.SessionId, step.SessionId, StringComparison.Ordinal))
            {
                if (step.RoundIndex != previous.RoundIndex + 1)
                {
                    counters.SkippedNonAdjacentPairs++;
                }
                else
                {
                    counters.Pairs++;
                    var subtracted = SubtractsPreviousOutput(previous);
                    if (subtracted)
                    {
                        counters.SubtractedPairs++;
                    }
                    else
                    {
                        counters.NotSubtractedPairs++;
                    }

                    var outputUsed = subtracted ? OutputProxy(previous) : 0;
                    prefix.Add(step.PrefixTokens);
                    adjustedAppend.Add(Math.Max(0, step.NewlyAppendTokens - outputUsed));
                }
            }

            previous = step;
        }

        string?[][] rows = [SummaryRow("prefix_tokens", prefix), SummaryRow("adjusted_append_tokens", adjustedAppend), SummaryRow("output_tokens", output)];
        context.Output.WriteCsv(SummaryFile, Header, rows);
        var stats = counters.Nonzero();
        context.Output.WriteText(StatsFile, StatsJson(stats), stats.Count);
        if (TokenSpindlesFigure.Draw([prefix, adjustedAppend, output]) is { } figure)
        {
            context.Output.WriteFigure(TokenSpindlesFigure.Stem, figure, series: 3);
        }

        return new ExperimentResult
        {
            Outputs = context.Output.Files,
            Filters =
            [
                "pairs: consecutive steps of one session (sorted by session_id, then round_index, then trace order) whose round_index differs by exactly 1",
                "prefix_tokens and adjusted_append_tokens: the later step of every pair; output_tokens: every step",
            ],
            Counts =
            [
                new("rows", counters.Rows), new("pairs", counters.Pairs), new("subtracted_pairs", counters.SubtractedPairs),
                new("not_subtracted_pairs", counters.NotSubtractedPairs), new("skipped_non_adjacent_pair", counters.SkippedNonAdjacentPairs),
            ],
            Parameters = [new("subtract_previous_output_after", "claude, codex gpt-5.5")],
        };
    }

    /// <summary>Whether the previous step's output is assumed re-sent as part of this step's append (TraceLab's fixed policy).</summary>
    private static bool SubtractsPreviousOutput(AgentStep previous) =>
        previous.Provider == Provider.Claude || (previous.Provider == Provider.Codex && previous.Model == "gpt-5.5");

    /// <summary>The output that comes back as input: Codex's visible output (reasoning is not re-sent), else all output.</summary>
    private static long OutputProxy(AgentStep step) =>
        step.Provider == Provider.Codex ? Math.Max(0, step.OutputTokens - (step.ReasoningOutputTokens ?? 0)) : step.OutputTokens;

    /// <summary>count, positive/zero counts, TraceLab-weighted p25/median/p90/p95/p99, min, max; floats as <c>%.6g</c>.</summary>
    private static string?[] SummaryRow(string metric, List<double> values)
    {
        var sorted = Percentiles.Sorted(values);
        var positive = sorted.Count(v => v > 0);
        string Quantile(double q) => Percentiles.WeightedLinear(sorted, q) is { } v ? PythonFormat.General(v) : string.Empty;
        return
        [
            metric,
            PythonCsv.Int(sorted.Length),
            PythonCsv.Int(positive),
            PythonCsv.Int(sorted.Length - positive),
            Quantile(0.25),
            Quantile(0.50),
            Quantile(0.90),
            Quantile(0.95),
            Quantile(0.99),
            sorted.Length == 0 ? string.Empty : PythonFormat.General(sorted[0]),
            sorted.Length == 0 ? string.Empty : PythonFormat.General(sorted[^1]),
        ];
    }

    /// <summary><c>json.dumps(counter, indent=2, sort_keys=True)</c> without a final newline, as TraceLab writes it.</summary>
    private static string StatsJson(List<KeyValuePair<string, long>> stats)
    {
        if (stats.Count == 0)
        {
            return "{}";
        }

        var sb = new StringBuilder("{\n");
        var sorted = stats.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  \"{sorted[i].Key}\": {sorted[i].Value}");
            sb.Append(i + 1 < sorted.Count ? ",\n" : "\n");
        }

        return sb.Append('}').ToString();
    }

    /// <summary>TraceLab counts with a Python Counter, so a counter that never fired is absent from the JSON.</summary>
    private sealed class PairCounters
    {
        public long Rows;
        public long Pairs;
        public long SubtractedPairs;
        public long NotSubtractedPairs;
        public long SkippedNonAdjacentPairs;

        public List<KeyValuePair<string, long>> Nonzero() =>
            new KeyValuePair<string, long>[]
            {
                new("rows", Rows), new("pairs", Pairs), new("subtracted_pairs", SubtractedPairs),
                new("not_subtracted_pairs", NotSubtractedPairs), new("skipped_non_adjacent_pair", SkippedNonAdjacentPairs),
            }.Where(c => c.Value > 0).ToList();
    }
}
