using Tracelens.Analysis.Statistics;
using Tracelens.Experiments.Output;
using Tracelens.Model;

namespace Tracelens.Experiments.LlmGeneration.OutputTokens;

/// <summary>How <see cref="OutputTokensExperiment"/> groups steps (TraceLab's <c>--group-by</c>).</summary>
public enum OutputTokensGrouping
{
    Provider,
    Model,
    ProviderModel,
}

/// <summary>
/// Seed experiment 1 (tracelab-spec §6.1): the distribution of generated tokens per step, by
/// provider (or model), over every step. Definitions and outputs: README.md beside this file.
/// </summary>
public sealed class OutputTokensExperiment(OutputTokensGrouping groupBy = OutputTokensGrouping.Provider) : IExperiment
{
    public const string SummaryFile = "output_tokens_summary.csv";
    private const string AllGroup = "all";

    private static readonly string[] Header = ["group", "count", "min", "p50", "p90", "p95", "p99", "max", "mean", "sample_count", "sampled"];

    public string Id => "llm_generation/output_tokens";

    public string Title => "Output tokens per step";

    public string Question => "How many tokens does one agent step generate, by provider or model?";

    public OutputTokensGrouping GroupBy { get; } = groupBy;

    public ExperimentResult Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var all = new List<double>();
        var groups = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var firstSeen = new List<string>();
        foreach (var step in context.Steps)
        {
            if (step.OutputTokens < 0)
            {
                continue;
            }

            var label = GroupLabel(step);
            if (!groups.TryGetValue(label, out var values))
            {
                groups[label] = values = [];
                firstSeen.Add(label);
            }

            values.Add(step.OutputTokens);
            all.Add(step.OutputTokens);
        }

        var rows = new List<string?[]> { SummaryRow(AllGroup, all) };
        rows.AddRange(groups.Keys.Order(StringComparer.Ordinal).Select(label => SummaryRow(label, groups[label])));
        context.Output.WriteCsv(SummaryFile, Header, rows);
        if (OutputTokensFigure.Draw([.. firstSeen.Select(label => (label, (IReadOnlyList<double>)groups[label]))], all) is var (figure, series))
        {
            context.Output.WriteFigure(OutputTokensFigure.Stem, figure, series);
        }

        return new ExperimentResult
        {
            Outputs = context.Output.Files,
            Filters = ["output_tokens >= 0 (negative counts are dropped; zero is kept)"],
            Counts = [new("steps_used", all.Count), new("steps_dropped", context.Steps.Count - all.Count), new("groups", groups.Count)],
            Parameters = [new("group_by", GroupBy switch { OutputTokensGrouping.Model => "model", OutputTokensGrouping.ProviderModel => "provider_model", _ => "provider" })],
        };
    }

    private string GroupLabel(AgentStep step) => GroupBy switch
    {
        OutputTokensGrouping.Model => step.Model ?? "<unknown-model>",
        OutputTokensGrouping.ProviderModel => $"{step.Provider.WireName()}:{step.Model ?? "<unknown-model>"}",
        _ => step.Provider.WireName(),
    };

    /// <summary>count, min, NumPy-linear p50/p90/p95/p99, max, NumPy mean over every value (file order for the mean).</summary>
    private static string?[] SummaryRow(string label, List<double> values)
    {
        var sorted = Percentiles.Sorted(values);
        string Percentile(double p) => PythonCsv.Float(Percentiles.NumpyLinear(sorted, p));
        var empty = sorted.Length == 0;
        return
        [
            label,
            PythonCsv.Int(sorted.Length),
            empty ? string.Empty : PythonCsv.Float(sorted[0]),
            Percentile(50),
            Percentile(90),
            Percentile(95),
            Percentile(99),
            empty ? string.Empty : PythonCsv.Float(sorted[^1]),
            PythonCsv.Float(Summation.NumpyMean(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values))),
            PythonCsv.Int(sorted.Length),
            PythonCsv.Bool(false),
        ];
    }
}
