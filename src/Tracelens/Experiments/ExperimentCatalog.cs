using Tracelens.Experiments.LlmGeneration.OutputTokens;
using Tracelens.Experiments.LlmGeneration.TokenSpindles;
using Tracelens.Experiments.PrefixCache.CacheHitRatio;
using Tracelens.Experiments.TraceFacts.CsvExport;
using Tracelens.Experiments.TraceFacts.OverviewSummary;

namespace Tracelens.Experiments;

/// <summary>Every experiment, one line each, in TraceLab's run order. The CLI, the runner and the tests read this list.</summary>
public static class ExperimentCatalog
{
    public static IReadOnlyList<IExperiment> All { get; } =
    [
        new OutputTokensExperiment(),
        new TokenSpindlesExperiment(),
        new CacheHitRatioExperiment(),
        new OverviewSummaryExperiment(),
        new CsvExportExperiment(),
    ];

    /// <summary>The experiment with this id, or null.</summary>
    public static IExperiment? Find(string id) => All.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.Ordinal));

    /// <summary>The experiment's README.md (question, definitions, outputs), embedded beside its code; null if it has none.</summary>
    public static string? Readme(IExperiment experiment) => Output.FigurePngs.Readme(experiment);
}
