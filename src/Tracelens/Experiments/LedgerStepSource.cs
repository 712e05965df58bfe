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
        foreach (var step in new LedgerReader(ledger).Steps())
        {
            if (filter is null || filter(step))
            {
                // Experiments never read tool inputs: dropping them keeps a large ledger's steps small.
                foreach (var tool in step.Tools)
                {
                    tool.InputPythonJson = [];
                }

                steps.Add(step);
            }
        }

        return new LoadedSteps(steps, new ReadDiagnostics(), description ?? $"ledger {ledger.Path}");
    }
}
