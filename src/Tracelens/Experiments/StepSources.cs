using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Readers;

namespace Tracelens.Experiments;

/// <summary>The steps an experiment run reads, loaded once and shared by every experiment.</summary>
/// <param name="Steps">Every step in trace order.</param>
/// <param name="Diagnostics">Lines the source could not use.</param>
/// <param name="Description">What the steps came from (a path, "ledger …"), for manifests.</param>
public sealed record LoadedSteps(IReadOnlyList<AgentStep> Steps, ReadDiagnostics Diagnostics, string Description);

/// <summary>
/// Where experiment input comes from. A trace file is one source; the ledger plugs in as another
/// by returning its steps in the same order a TraceLab export would list them.
/// </summary>
public interface IStepSource
{
    /// <summary>Reads every step; bad input is reported in <see cref="LoadedSteps.Diagnostics"/>, not thrown.</summary>
    LoadedSteps Load();
}

/// <summary>A TraceLab JSONL trace (normalized or sanitized, plain or gzip), read with <see cref="TraceLabRowReader"/>.</summary>
public sealed class TraceFileStepSource(string path) : IStepSource
{
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    public LoadedSteps Load()
    {
        var diagnostics = new ReadDiagnostics();
        // Experiments never read tool inputs: leaving them out halves memory on a private trace.
        var steps = TraceLabRowReader.ReadSteps(Path, diagnostics, new TraceLabReadOptions { ToolInputs = false }).ToList();
        return new LoadedSteps(steps, diagnostics, Path);
    }
}

/// <summary>Steps already in memory (tests, generated histories).</summary>
public sealed class StepListSource(IReadOnlyList<AgentStep> steps, string description) : IStepSource
{
    public LoadedSteps Load() => new(steps, new ReadDiagnostics(), description);
}
