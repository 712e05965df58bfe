using Tracelens.Collect;
using Tracelens.Synth;
using Xunit;

namespace Tracelens.Tests.Collect;

/// <summary>
/// Collecting a generated history must reproduce the totals its generator recorded while writing
/// it, per provider, model and day: an oracle independent of the readers, at scale.
/// </summary>
public sealed class GroundTruthScaleTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-truth-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Theory]
    [InlineData(7UL, 24)]
    [InlineData(2026UL, 6)]
    public void Collected_totals_equal_the_generators_ground_truth(ulong seed, int megabytes)
    {
        var summary = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = _home, Seed = seed, TargetBytes = megabytes * 1_000_000L });
        var logs = LogDiscovery.Discover(new DiscoveryOptions { Home = _home, ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null });
        var check = new GroundTruthCheck();
        var report = new Collector().Run(logs, _home, check.Add);

        Assert.Empty(check.Differences(summary.GroundTruth));
        Assert.Equal(0, report.Diagnostics.TotalSkipped);
        Assert.True(report.SyntheticRecords > 0, "the generator writes <synthetic> API-error lines; they must be seen and ignored");
        Assert.Contains(logs, l => l.Path.Contains("/subagents/agent-", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_total_is_reported()
    {
        var summary = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = _home, Seed = 3, TargetBytes = 2_000_000 });
        var logs = LogDiscovery.Discover(new DiscoveryOptions { Home = _home, ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null });
        var check = new GroundTruthCheck();
        var first = true;
        new Collector().Run(logs, _home, step =>
        {
            if (first)
            {
                step.OutputTokens += 1; // one token off must not go unnoticed
                first = false;
            }

            check.Add(step);
        });
        Assert.NotEmpty(check.Differences(summary.GroundTruth));
    }
}
