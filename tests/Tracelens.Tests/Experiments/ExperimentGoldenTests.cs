using System.Text;
using Tracelens.Experiments;
using Tracelens.Readers;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Experiments;

/// <summary>
/// Every catalogued experiment's outputs (and manifest) on a generated trace, as goldens under
/// Golden/Experiments/&lt;id&gt;/. A new experiment is covered by registering it: its first run writes
/// the goldens to review.
/// </summary>
public sealed class ExperimentGoldenTests(SyntheticTrace trace) : IClassFixture<SyntheticTrace>, IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tracelens-experiment-golden-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    public static TheoryData<string> Ids => new(ExperimentCatalog.All.Select(e => e.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Outputs_on_a_generated_trace_match_their_goldens(string id)
    {
        var input = new LoadedSteps(trace.Steps, new ReadDiagnostics(), "generated history (synth seed 7, 600 kB)");
        var run = Assert.Single(ExperimentRunner.Run([ExperimentCatalog.Find(id)!], input, _out));
        Assert.True(run.Succeeded, run.Error);
        Assert.NotEmpty(run.Result!.Outputs);
        var files = run.Result.Outputs.Select(o => o.FileName).Append(ExperimentRunner.ManifestFileName);
        foreach (var file in files)
        {
            var text = File.ReadAllText(Path.Combine(run.OutputDirectory, file), Encoding.UTF8);
            Snapshot.Match(text, ["Experiments", .. id.Split('/'), file]);
        }
    }

    [Fact]
    public void Reading_the_trace_file_gives_the_same_outputs_as_the_collected_steps()
    {
        var fromFile = new TraceFileStepSource(trace.TracePath).Load();
        Assert.Equal(0, fromFile.Diagnostics.TotalSkipped);
        Assert.Equal(trace.Steps.Count, fromFile.Steps.Count);
        var inMemory = new LoadedSteps(trace.Steps, new ReadDiagnostics(), "x");
        var a = ExperimentRunner.Run(ExperimentCatalog.All, fromFile, Path.Combine(_out, "file"));
        var b = ExperimentRunner.Run(ExperimentCatalog.All, inMemory, Path.Combine(_out, "memory"));
        foreach (var (fileRun, memoryRun) in a.Zip(b))
        {
            foreach (var output in fileRun.Result!.Outputs)
            {
                Assert.Equal(
                    File.ReadAllBytes(Path.Combine(memoryRun.OutputDirectory, output.FileName)),
                    File.ReadAllBytes(Path.Combine(fileRun.OutputDirectory, output.FileName)));
            }
        }
    }

    [Fact]
    public void The_ledger_as_input_gives_the_same_outputs_as_its_trace()
    {
        var ledgerPath = Path.Combine(_out, "ledger.db");
        using (var ledger = Tracelens.Ledger.LedgerDatabase.Open(ledgerPath))
        {
            new Tracelens.Ledger.TraceImporter(ledger).Import(trace.TracePath);
            var fromLedger = new LedgerStepSource(ledger).Load();
            Assert.Equal(trace.Steps.Count, fromLedger.Steps.Count);
            var fromFile = new TraceFileStepSource(trace.TracePath).Load();
            var a = ExperimentRunner.Run(ExperimentCatalog.All, fromLedger, Path.Combine(_out, "ledger"));
            var b = ExperimentRunner.Run(ExperimentCatalog.All, fromFile, Path.Combine(_out, "file"));
            foreach (var (ledgerRun, fileRun) in a.Zip(b))
            {
                Assert.NotEmpty(fileRun.Result!.Outputs);
                foreach (var output in fileRun.Result.Outputs)
                {
                    Assert.Equal(
                        File.ReadAllBytes(Path.Combine(fileRun.OutputDirectory, output.FileName)),
                        File.ReadAllBytes(Path.Combine(ledgerRun.OutputDirectory, output.FileName)));
                }
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
