namespace Tracelens.Experiments;

/// <summary>
/// One study of a trace: a question, exact metric definitions (its folder's README.md) and the
/// files it writes. Experiments read the steps they are given and nothing else, so any step
/// source (a trace file today, the ledger later) can feed them, and several can run at once.
/// </summary>
public interface IExperiment
{
    /// <summary><c>category/name</c>, TraceLab's id; also the output sub-folder and the CLI argument.</summary>
    string Id { get; }

    /// <summary>A short human title.</summary>
    string Title { get; }

    /// <summary>The question the experiment answers, in one sentence.</summary>
    string Question { get; }

    /// <summary>
    /// Computes the experiment over <see cref="ExperimentContext.Steps"/> and writes its outputs
    /// through <see cref="ExperimentContext.Output"/>. Must not modify the steps.
    /// </summary>
    ExperimentResult Run(ExperimentContext context);
}
