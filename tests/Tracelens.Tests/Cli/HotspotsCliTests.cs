using Microsoft.Data.Sqlite;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>Goldens of <c>tracelens hotspots</c> (human and --json, by cost and bytes, findings) on a generated history.</summary>
public sealed class HotspotsCliTests(GeneratedHome fx) : IClassFixture<GeneratedHome>
{
    private void Golden(string name, params string[] args)
    {
        var r = fx.Runner().Run(args);
        Assert.Equal(0, r.ExitCode);
        Snapshot.Match($"$ tracelens {string.Join(' ', args)}\n" + r.Render((fx.Home, "<HOME>")), "Cli", "Hotspots", name + ".txt");
    }

    [Fact]
    public void Hotspots_by_cost() => Golden("hotspots", "hotspots", "--no-ingest");

    [Fact]
    public void Hotspots_json() => Golden("hotspots-json", "hotspots", "--no-ingest", "--json", "--limit", "3");

    [Fact]
    public void Hotspots_by_bytes_one_table() => Golden("hotspots-bytes-bash", "hotspots", "--no-ingest", "--rank-by", "bytes", "--group-by", "bash", "--provider", "codex");

    [Fact]
    public void Hotspots_findings() => Golden("hotspots-findings", "hotspots", "--no-ingest", "--findings");

    [Fact]
    public void Hotspots_findings_json() => Golden("hotspots-findings-json", "hotspots", "--no-ingest", "--findings", "--json", "--provider", "claude");

    [Fact]
    public void Bad_arguments_exit_1()
    {
        var results = new[]
        {
            fx.Runner().Run("hotspots", "--no-ingest", "--rank-by", "tokens"),
            fx.Runner().Run("hotspots", "--no-ingest", "--group-by", "colour", "--json"),
            fx.Runner().Run("hotspots", "--no-ingest", "--findings", "--group-by", "file"),
        };
        Assert.All(results, r => Assert.Equal(1, r.ExitCode));
        Snapshot.Match(string.Join("\n", results.Select(r => r.Render((fx.Home, "<HOME>")))), "Cli", "Hotspots", "bad-arguments.txt");
    }
}

/// <summary>Hotspots goldens on burn's fixtures (Claude with its Bash settings, Codex), through the CLI.</summary>
public sealed class HotspotsConformanceCliTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-hotspots-fixtures-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_home, recursive: true);
    }

    [SharedFact]
    public void Hotspots_on_burns_fixtures()
    {
        foreach (var (from, to) in new[] { ("claude", Path.Combine(_home, ".claude", "projects", "burn")), ("codex", Path.Combine(_home, ".codex", "sessions")) })
        {
            Directory.CreateDirectory(to);
            foreach (var f in Directory.GetFiles(TestPaths.Shared("conformance", "burn", from), "*.jsonl"))
            {
                File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
            }
        }

        File.Copy(TestPaths.Shared("conformance", "burn", "claude", "settings", "oversized-bash-output-length.json"), Path.Combine(_home, ".claude", "settings.json"));
        var runner = new CliRunner { Home = _home, Env = { ["TZ"] = "UTC" } };
        var runs = new[]
        {
            new[] { "hotspots" },
            ["hotspots", "--no-ingest", "--rank-by", "bytes"],
            ["hotspots", "--no-ingest", "--rank-by", "bytes", "--group-by", "bash", "--provider", "claude"],
            ["hotspots", "--no-ingest", "--json", "--group-by", "bash", "--rank-by", "bytes"],
            ["hotspots", "--no-ingest", "--findings"],
            ["hotspots", "--no-ingest", "--findings", "--json"],
        };
        var results = runs.Select(args => (args, r: runner.Run(args))).ToList();
        Assert.All(results, x => Assert.Equal(0, x.r.ExitCode));
        // Claude's 80,000-character result is cut at its configured length; Codex's as large one is not.
        Assert.Matches(@"cat huge\.log +2 .* 160\.0 KB \(1 truncated\)", results[1].r.Stdout);
        Assert.Matches(@"cat huge\.log +1 .* 80\.0 KB \(truncated\)", results[2].r.Stdout);
        Snapshot.Match(string.Join("\n", results.Select(x => $"$ tracelens {string.Join(' ', x.args)}\n" + x.r.Render((_home, "<HOME>")))),
            "Cli", "Hotspots", "burn-fixtures.txt");
    }
}
