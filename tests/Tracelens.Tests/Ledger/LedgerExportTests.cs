using Microsoft.Data.Sqlite;
using Tracelens.Json;
using Tracelens.Sanitize;
using Tracelens.Synth;
using Tracelens.Tests.Cli;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Ledger;

/// <summary>Ingest, then export as TraceLab rows, equals a direct collect of the same history, byte for byte.</summary>
public sealed class LedgerExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-export-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private void AssertExportEqualsCollect(string home)
    {
        var runner = new CliRunner { Home = _dir };
        var direct = Path.Combine(_dir, "direct.jsonl");
        Assert.Equal(0, runner.Run("collect", "--home", home, "-o", direct).ExitCode);
        Assert.Equal(0, runner.Run("ingest", "--home", home).ExitCode);
        var exported = Path.Combine(_dir, "exported.jsonl");
        var r = runner.Run("export", "--format", "tracelab", "-o", exported);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllBytes(direct), File.ReadAllBytes(exported));
    }

    [SharedFact]
    public void Tracelab_fixtures_round_trip_through_the_ledger()
    {
        var home = Path.Combine(_dir, "home");
        var claude = Path.Combine(home, ".claude", "projects", "example-claude-session");
        Directory.CreateDirectory(claude);
        File.Copy(TestPaths.Shared("conformance", "tracelab", "raw", "claude-public-example.jsonl"), Path.Combine(claude, "claude-public-example.jsonl"));
        var codex = Path.Combine(home, ".codex", "sessions");
        Directory.CreateDirectory(codex);
        const string Rollout = "rollout-2026-03-21T10-05-38-01a7c9e4-6d12-7b3a-9f42-8c6d5e1a0b73.jsonl";
        File.Copy(TestPaths.Shared("conformance", "tracelab", "raw", Rollout), Path.Combine(codex, Rollout));
        AssertExportEqualsCollect(home);
    }

    [Fact]
    public void A_generated_history_round_trips_through_the_ledger()
    {
        var home = Path.Combine(_dir, "gen");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 31, TargetBytes = 3_000_000 });
        AssertExportEqualsCollect(home);
    }

    [Fact]
    public void Sanitized_export_passes_the_leak_gate()
    {
        var home = Path.Combine(_dir, "gen");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 32, TargetBytes = 1_500_000 });
        var runner = new CliRunner { Home = _dir };
        Assert.Equal(0, runner.Run("ingest", "--home", home).ExitCode);
        var output = Path.Combine(_dir, "shared.jsonl");
        var r = runner.Run("export", "-o", output, "--sanitize");
        Assert.Equal(0, r.ExitCode);
        var gate = new LeakGate(new LeakGateOptions { HomePath = home, UserName = Path.GetFileName(home) });
        var rows = File.ReadAllLines(output);
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Empty(gate.Find(PyValue.Parse(row))));
    }
}
