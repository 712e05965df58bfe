using Tracelens.Collect;
using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Synth;
using Tracelens.Tests.Synth;

namespace Tracelens.Tests.Experiments;

/// <summary>
/// A small generated Claude Code + Codex history (seed 7), collected in-process and written as a
/// TraceLab trace file, shared by the experiment and CLI golden tests so they run without ../shared.
/// </summary>
public sealed class SyntheticTrace : IDisposable
{
    private readonly TempDir _dir = new("experiments-synth");

    public SyntheticTrace()
    {
        var home = Path.Combine(_dir.Path, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 7, TargetBytes = 600_000, MaxDegreeOfParallelism = 1 });
        var logs = LogDiscovery.Discover(new DiscoveryOptions { Home = home, ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null });
        var steps = new List<AgentStep>();
        new Collector(1).Run(logs, home, steps.Add);
        Steps = steps;
        TracePath = Path.Combine(_dir.Path, "trace.jsonl");
        using var output = File.Create(TracePath);
        TraceLabRowWriter.WriteAll(output, steps);
    }

    /// <summary>The collected steps in trace order.</summary>
    public IReadOnlyList<AgentStep> Steps { get; }

    /// <summary>The same steps as a TraceLab JSONL trace.</summary>
    public string TracePath { get; }

    public string Folder => _dir.Path;

    public void Dispose() => _dir.Dispose();
}
