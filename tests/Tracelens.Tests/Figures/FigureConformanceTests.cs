using Tracelens.Experiments;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Figures;

/// <summary>
/// Each seed experiment's figure on TraceLab's conformance trace, as an SVG golden (the same
/// figures on a generated trace are covered by the experiment goldens). TraceLab's figures are
/// matplotlib renderings, so these are checked for what they draw, not against TraceLab's pixels.
/// </summary>
public sealed class FigureConformanceTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tracelens-figure-conformance-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [SharedTheory]
    [InlineData("llm_generation/output_tokens", "output_tokens_distribution")]
    [InlineData("llm_generation/token_spindles", "token_spindles_transparent")]
    [InlineData("prefix_cache/cache_hit_ratio", "cache_hit_ratio_histogram")]
    [InlineData("prefix_cache/cache_hit_ratio", "cache_hit_ratio_append_weighted_histogram")]
    public void Seed_figure_on_the_conformance_trace_matches_its_golden(string id, string stem)
    {
        var input = new TraceFileStepSource(TestPaths.Shared("conformance", "tracelab", "expected", "round_trace.jsonl")).Load();
        var run = Assert.Single(ExperimentRunner.Run([ExperimentCatalog.Find(id)!], input, _out));
        Assert.True(run.Succeeded, run.Error);
        Assert.Contains(run.Result!.Outputs, o => o.FileName == stem + ".svg");
        Snapshot.Match(File.ReadAllText(Path.Combine(run.OutputDirectory, stem + ".svg")), "Figures", "conformance", stem + ".svg");
    }
}
