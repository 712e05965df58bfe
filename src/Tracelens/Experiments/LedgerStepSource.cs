using Tracelens.Ledger;
using Tracelens.Model;
using Tracelens.Readers;

namespace Tracelens.Experiments;

/// <summary>
/// The ledger as experiment input: every stored step in the order <c>export --format tracelab</c>
/// writes them, so an experiment over the ledger equals the same experiment over its export.
/// </summary>
public sealed class LedgerStepSource(LedgerDatabase ledger, Func<AgentStep, bool>? filter = null, string? description = null) : IStepSource
{
    public LoadedSteps Load()
    {
        var steps = new List<AgentStep>();
        // Experiments never read tool inputs: leaving them in the ledger keeps the read short and the steps small.
        foreach (var step in new LedgerReader(ledger).Steps(toolInputs: false))
        {
            if (filter is null || filter(step))
            {
                steps.Add(step);
            }
        }

        return new LoadedSteps(steps, new ReadDiagnostics(), description ?? $"ledger {ledger.Path}");
    }
}
