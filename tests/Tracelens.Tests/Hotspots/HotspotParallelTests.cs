using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Hotspots;
using Tracelens.Ledger;
using Tracelens.Pricing;
using Tracelens.Reports;
using Tracelens.Synth;
using Xunit;

namespace Tracelens.Tests.Hotspots;

/// <summary>Large histories walk sessions and build rollups in parallel; the report must not change.</summary>
public sealed class HotspotParallelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-hotspots-parallel-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void The_parallel_walk_and_rollups_give_the_same_report_as_the_sequential_ones()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 51, TargetBytes = 12_000_000 });
        using var ledger = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(ledger).Run(new DiscoveryOptions { Home = home, ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null });

        string Report(int parallelFrom)
        {
            var report = new HotspotAnalysis(ledger, PriceBook.Embedded, home) { ParallelFromSteps = parallelFrom }
                .Attribute(new ReportFilter(), HotspotRank.Cost, withInputs: true);
            Assert.True(report.Steps > 300 && report.Sessions.Count > 10, "too small a history to mean anything");
            using var buffer = new MemoryStream();
            using (var j = new Utf8JsonWriter(buffer))
            {
                HotspotJson.Write(j, report, null, Enum.GetValues<HotspotDimension>(), int.MaxValue);
            }

            var sessions = string.Join('\n', report.Sessions.Select(s => s.ToString()));
            var calls = string.Join('\n', report.Calls.Select(c => $"{c.StepId}|{c.ToolName}|{c.InitialTokens}|{c.PersistenceTokens}|{c.RidingTurns}|{c.Cost}"));
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + sessions + calls;
        }

        Assert.Equal(Report(int.MaxValue), Report(0));
    }
}
