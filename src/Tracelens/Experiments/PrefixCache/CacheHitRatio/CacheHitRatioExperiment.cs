using System.Text;
using Tracelens.Analysis;
using Tracelens.Analysis.Statistics;
using Tracelens.Experiments.Output;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Experiments.PrefixCache.CacheHitRatio;

/// <summary>
/// Seed experiment 3 (tracelab-spec §6.3): per-step prefix cache hit ratio, split by provider and
/// by what started the step, plus the token-weighted hit rate table. Definitions and outputs:
/// README.md beside this file.
/// </summary>
public sealed class CacheHitRatioExperiment : IExperiment
{
    public const string SummaryFile = "cache_hit_ratio_summary.csv";
    public const string BinsFile = "cache_hit_ratio_bins.csv";
    public const string RoundSplitFile = "cache_hit_ratio_round_split.csv";
    public const string TokenWeightedFile = "cache_hit_ratio_token_weighted.csv";
    public const string LatexTableFile = "prefix_cache_hit_rate_table.tex";
    public const string MarkdownTableFile = "cache_hit_ratio_table.md";

    private const string AllTriggers = "all";

    private static readonly string[] Scopes = ["merged", "claude", "codex"];
    private static readonly string[] Triggers = [AllTriggers, "user", "tool_result"];

    // Bin 0 holds ratio 0 exactly; bin i ≥ 1 holds (edge[i-1], edge[i]]. The last edge is just above 1 so 1.0 lands in "(.995,1]".
    private static readonly double[] HitBinEdges = [0.0, 0.01, 0.05, 0.10, 0.20, 0.40, 0.60, 0.80, 0.90, 0.95, 0.98, 0.99, 0.995, 1.0000001];
    private static readonly string[] HitBinLabels =
        ["0", "(0,.01]", "(.01,.05]", "(.05,.10]", "(.10,.20]", "(.20,.40]", "(.40,.60]", "(.60,.80]", "(.80,.90]", "(.90,.95]", "(.95,.98]", "(.98,.99]", "(.99,.995]", "(.995,1]"];

    private static readonly (string Label, double Lower, double? Upper)[] RoundSplitBuckets =
        [("<10%", 0.0, 0.10), ("10-40%", 0.10, 0.40), ("40-80%", 0.40, 0.80), ("80%+", 0.80, null)];

    private static readonly (string Label, string Trigger)[] TableRows =
        [("Prefix cache-hit rate", AllTriggers), ("Prefix hit rate (user-initiated)", "user"), ("Prefix hit rate (tool-result)", "tool_result")];

    public string Id => "prefix_cache/cache_hit_ratio";

    public string Title => "Prefix cache hit ratio per step";

    public string Question => "What share of each step's input is served from the prefix cache, by provider and by what started the step?";

    public ExperimentResult Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ratioGroups = new Dictionary<(string, string), RatioGroup>();
        var weightedGroups = new Dictionary<(string, string), TokenGroup>();
        long eligible = 0, triggered = 0;
        foreach (var step in context.Steps)
        {
            var total = step.PrefixTokens + step.NewlyAppendTokens;
            if (total <= 0)
            {
                continue;
            }

            eligible++;
            var provider = step.Provider.WireName();
            var trigger = StepTriggers.Of(step);
            foreach (var scope in (string[])["merged", provider])
            {
                GetOrAdd(weightedGroups, (scope, AllTriggers)).Add(step.PrefixTokens, step.NewlyAppendTokens);
                if (trigger is { } t)
                {
                    GetOrAdd(weightedGroups, (scope, t.Label())).Add(step.PrefixTokens, step.NewlyAppendTokens);
                }
            }

            if (trigger is not { } started)
            {
                continue;
            }

            triggered++;
            var ratio = (double)step.PrefixTokens / total;
            foreach (var scope in (string[])["merged", provider])
            {
                GetOrAdd(ratioGroups, (scope, started.Label())).Add(ratio, step.NewlyAppendTokens);
                GetOrAdd(ratioGroups, (scope, AllTriggers)).Add(ratio, step.NewlyAppendTokens);
            }
        }

        var groups = Scopes.SelectMany(scope => Triggers.Select(trigger => (scope, trigger))).ToList();
        RatioGroup Ratios((string, string) key) => ratioGroups.GetValueOrDefault(key) ?? new RatioGroup();
        TokenGroup Tokens((string, string) key) => weightedGroups.GetValueOrDefault(key) ?? new TokenGroup();

        context.Output.WriteCsv(SummaryFile, SummaryHeader, groups.Select(g => SummaryRow(g.scope, g.trigger, Ratios(g))));
        context.Output.WriteCsv(BinsFile, ["scope", "trigger", "bin", "rounds", "round_share", "append_tokens", "append_token_share"], groups.SelectMany(g => BinRows(g.scope, g.trigger, Ratios(g))));
        context.Output.WriteCsv(RoundSplitFile, ["scope", "trigger", "hit_ratio_bucket", "rounds", "round_share"], groups.SelectMany(g => RoundSplitRows(g.scope, g.trigger, Ratios(g))));
        context.Output.WriteCsv(
            TokenWeightedFile,
            ["scope", "trigger", "rounds", "prefix_tokens", "append_tokens", "total_input_tokens", "token_weighted_hit_rate"],
            groups.Select(g => Tokens(g).Row(g.scope, g.trigger)));
        string Cell(string scope, string trigger, string percentSign) =>
            Tokens((scope, trigger)).Rate is { } rate ? PythonFormat.Fixed(rate * 100, 1) + percentSign : "--";
        context.Output.WriteText(LatexTableFile, LatexTable(Cell), TableRows.Length);
        context.Output.WriteText(MarkdownTableFile, MarkdownTable(Cell), TableRows.Length);
        var bins = groups.Select(g => (Panel: $"{g.scope} / {g.trigger}", Totals: BinTotals(Ratios(g)))).ToList();
        context.Output.WriteFigure(
            CacheHitRatioFigures.StepWeightedStem,
            CacheHitRatioFigures.Draw(bins.Select(b => (b.Panel, b.Totals.Steps)).ToList(), HitBinEdges, HitBinLabels, appendWeighted: false),
            series: groups.Count);
        context.Output.WriteFigure(
            CacheHitRatioFigures.AppendWeightedStem,
            CacheHitRatioFigures.Draw(bins.Select(b => (b.Panel, b.Totals.AppendTokens)).ToList(), HitBinEdges, HitBinLabels, appendWeighted: true),
            series: groups.Count);
        return new ExperimentResult
        {
            Outputs = context.Output.Files,
            Filters =
            [
                "every file: prefix_tokens + newly_append_tokens > 0",
                "summary, bins, round split: the step's first timing event is user_message (trigger user) or tool_result (trigger tool_result)",
                "token-weighted rate: every such step in trigger all, and in its trigger group when it has one",
            ],
            Counts = [new("steps", context.Steps.Count), new("steps_with_input", eligible), new("steps_with_trigger", triggered)],
        };
    }

    private static T GetOrAdd<T>(Dictionary<(string, string), T> groups, (string, string) key)
        where T : new()
    {
        if (!groups.TryGetValue(key, out var group))
        {
            groups[key] = group = new T();
        }

        return group;
    }

    private static readonly string[] SummaryHeader =
    [
        "scope", "trigger", "rounds", "append_tokens", "mean_hit_ratio", "p01", "p05", "p10", "p25", "median", "p75", "p90", "p95", "p99",
        "round_hit_lt_0_5_pct", "round_hit_0_5_to_0_9_pct", "round_hit_gte_0_9_pct", "round_hit_gte_0_95_pct", "round_hit_gte_0_98_pct", "round_hit_gte_0_99_pct",
        "append_hit_lt_0_5_pct", "append_hit_0_5_to_0_9_pct", "append_hit_gte_0_9_pct",
    ];

    private static string?[] SummaryRow(string scope, string trigger, RatioGroup group)
    {
        var count = group.Ratios.Count;
        var totalAppend = group.AppendTokens.Sum();
        var sorted = Percentiles.Sorted(group.Ratios);
        string StepShare(Func<double, bool> test) => PythonCsv.Percent(count == 0 ? null : (double)group.Ratios.Count(test) / count);
        string AppendShare(Func<double, bool> test) =>
            PythonCsv.Percent(totalAppend == 0 ? null : (double)group.Ratios.Zip(group.AppendTokens).Where(p => test(p.First)).Sum(p => p.Second) / totalAppend);
        var row = new List<string?>
        {
            scope,
            trigger,
            PythonCsv.Int(count),
            PythonCsv.Int(totalAppend),
            // Python's sum() over the ratios in trace order (CPython 3.11 adds left to right).
            count == 0 ? string.Empty : PythonCsv.Float(Summation.PythonSum(group.Ratios) / count),
        };
        row.AddRange(((double[])[0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]).Select(q => PythonCsv.Float(Percentiles.WeightedLinear(sorted, q))));
        row.Add(StepShare(r => r < 0.5));
        row.Add(StepShare(r => r is >= 0.5 and < 0.9));
        row.Add(StepShare(r => r >= 0.9));
        row.Add(StepShare(r => r >= 0.95));
        row.Add(StepShare(r => r >= 0.98));
        row.Add(StepShare(r => r >= 0.99));
        row.Add(AppendShare(r => r < 0.5));
        row.Add(AppendShare(r => r is >= 0.5 and < 0.9));
        row.Add(AppendShare(r => r >= 0.9));
        return [.. row];
    }

    private static int HitBin(double ratio)
    {
        if (ratio == 0)
        {
            return 0;
        }

        for (var i = 1; i < HitBinEdges.Length; i++)
        {
            if (ratio <= HitBinEdges[i])
            {
                return i;
            }
        }

        return HitBinLabels.Length - 1;
    }

    /// <summary>Steps and append tokens per hit bin of one group.</summary>
    private static (long[] Steps, long[] AppendTokens) BinTotals(RatioGroup group)
    {
        var steps = new long[HitBinLabels.Length];
        var append = new long[HitBinLabels.Length];
        for (var i = 0; i < group.Ratios.Count; i++)
        {
            var bin = HitBin(group.Ratios[i]);
            steps[bin]++;
            append[bin] += group.AppendTokens[i];
        }

        return (steps, append);
    }

    private static IEnumerable<string?[]> BinRows(string scope, string trigger, RatioGroup group)
    {
        var (steps, append) = BinTotals(group);
        long totalSteps = steps.Sum(), totalAppend = append.Sum();
        return HitBinLabels.Select((label, bin) => new string?[]
        {
            scope, trigger, label,
            PythonCsv.Int(steps[bin]), PythonCsv.Percent(totalSteps == 0 ? null : (double)steps[bin] / totalSteps),
            PythonCsv.Int(append[bin]), PythonCsv.Percent(totalAppend == 0 ? null : (double)append[bin] / totalAppend),
        });
    }

    private static IEnumerable<string?[]> RoundSplitRows(string scope, string trigger, RatioGroup group) =>
        RoundSplitBuckets.Select(bucket =>
        {
            var count = group.Ratios.Count(r => r >= bucket.Lower && (bucket.Upper is not { } upper || r < upper));
            return new string?[]
            {
                scope, trigger, bucket.Label, PythonCsv.Int(count), PythonCsv.Percent(group.Ratios.Count == 0 ? null : (double)count / group.Ratios.Count),
            };
        });

    private static string LatexTable(Func<string, string, string, string> cell)
    {
        var lines = new List<string>
        {
            "% ==========================================================================",
            "% Data source: TraceLab/artifacts/prefix_cache/cache_hit_ratio/analyze.py",
            "%   (token-weighted prefix-cache hit rates; auto-generates this table).",
            "% ==========================================================================",
            "\\begin{table}[t]",
            "\\centering",
            "\\caption{Token-weighted prefix cache hit rate by provider and step trigger.}",
            "\\label{tab:prefix_cache_hit_rate}",
            "\\small",
            "\\setlength{\\tabcolsep}{6pt}",
            "\\renewcommand{\\arraystretch}{1.15}",
            "\\begin{tabular}{l r r r}",
            "\\toprule",
            "\\textbf{Metric} & \\textbf{Claude} & \\textbf{Codex} & \\textbf{Total} \\\\",
            "\\midrule",
        };
        lines.AddRange(TableRows.Select(r => $"{r.Label} & {cell("claude", r.Trigger, "\\%")} & {cell("codex", r.Trigger, "\\%")} & {cell("merged", r.Trigger, "\\%")} \\\\"));
        lines.AddRange(["\\bottomrule", "\\end{tabular}", "\\end{table}"]);
        return string.Join('\n', lines) + "\n";
    }

    private static string MarkdownTable(Func<string, string, string, string> cell)
    {
        var sb = new StringBuilder();
        sb.Append("| Metric | Claude | Codex | Total |\n");
        sb.Append("| :-- | --: | --: | --: |\n");
        foreach (var (label, trigger) in TableRows)
        {
            sb.Append($"| {label} | {cell("claude", trigger, "%")} | {cell("codex", trigger, "%")} | {cell("merged", trigger, "%")} |\n");
        }

        return sb.ToString();
    }

    /// <summary>Hit ratios and append tokens of one (scope, trigger) group, in trace order.</summary>
    private sealed class RatioGroup
    {
        public List<double> Ratios { get; } = [];
        public List<long> AppendTokens { get; } = [];

        public void Add(double ratio, long appendTokens)
        {
            Ratios.Add(ratio);
            AppendTokens.Add(appendTokens);
        }
    }

    /// <summary>Token sums of one (scope, trigger) group for the token-weighted rate Σprefix / Σ(prefix + append).</summary>
    private sealed class TokenGroup
    {
        private long _steps;
        private long _prefix;
        private long _append;

        public double? Rate => _prefix + _append == 0 ? null : (double)_prefix / (_prefix + _append);

        public void Add(long prefix, long append)
        {
            _steps++;
            _prefix += prefix;
            _append += append;
        }

        public string?[] Row(string scope, string trigger) =>
            [scope, trigger, PythonCsv.Int(_steps), PythonCsv.Int(_prefix), PythonCsv.Int(_append), PythonCsv.Int(_prefix + _append), PythonCsv.Float(Rate)];
    }
}
