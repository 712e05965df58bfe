using Tracelens.Experiments.Output;
using Tracelens.Model;

namespace Tracelens.Experiments;

/// <summary>What an experiment run gets: the steps (shared, read-only, in trace order) and its output folder.</summary>
public sealed class ExperimentContext
{
    /// <summary>Every step of the input in file order (TraceLab's <c>round_pk</c> order). Shared between experiments: never modify.</summary>
    public required IReadOnlyList<AgentStep> Steps { get; init; }

    /// <summary>Where this experiment writes its files (created by the runner).</summary>
    public required OutputFolder Output { get; init; }
}
