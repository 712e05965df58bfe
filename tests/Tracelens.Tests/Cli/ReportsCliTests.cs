using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Tracelens.Synth;
using Tracelens.Tests.Reports;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>A small generated history as a sealed HOME, shared by the report goldens (it needs no ../shared).</summary>
public sealed class GeneratedHome : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("tracelens-reports-cli-").FullName;

    public GeneratedHome()
    {
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = Path.Combine(Home, "h"), Seed = 23, TargetAssistantRecords = 1_500 });
        // The history's own folder plays HOME: its logs are found and its ledger is ~/.tracelens/ledger.db.
        Home = Path.Combine(Home, "h");
        var first = Runner().Run("ingest");
        Assert.Equal(0, first.ExitCode);
    }

    public CliRunner Runner() => new() { Home = Home, Env = { ["TZ"] = "UTC" } };

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(Home)!, recursive: true);
    }
}

/// <summary>
/// Golden tests of the report commands (stdout, stderr, exit code; sealed HOME, NO_COLOR, TZ=UTC),
/// human and --json, on generated data and on the conformance fixtures.
/// </summary>
public sealed class ReportsCliTests(GeneratedHome fx) : IClassFixture<GeneratedHome>
{
    private CliRunner.Result Run(params string[] args) => fx.Runner().Run(args);

    private void Golden(string name, params string[] args)
    {
        var r = Run(args);
        Snapshot.Match($"$ tracelens {string.Join(' ', args)}\n" + r.Render((fx.Home, "<HOME>")), "Cli", "Reports", name + ".txt");
    }

    [Fact]
    public void Summary_by_model() => Golden("summary", "summary", "--no-ingest");

    [Fact]
    public void Summary_json() => Golden("summary-json", "summary", "--no-ingest", "--json");

    [Fact]
    public void Summary_by_day_in_a_time_zone() => Golden("summary-by-day-tokyo", "summary", "--no-ingest", "--by", "day", "--timezone", "Asia/Tokyo");

    [Fact]
    public void Summary_by_tool() => Golden("summary-by-tool", "summary", "--no-ingest", "--by", "tool");

    [Fact]
    public void Summary_by_subagent_json() => Golden("summary-by-subagent-json", "summary", "--no-ingest", "--by", "subagent", "--json");

    [Fact]
    public void Summary_by_project_filtered() =>
        Golden("summary-by-project-filtered", "summary", "--no-ingest", "--by", "project", "--provider", "codex", "--since", "2026-01-20", "--until", "2026-01-31");

    [Fact]
    public void Daily() => Golden("daily", "daily", "--no-ingest");

    [Fact]
    public void Daily_json() => Golden("daily-json", "daily", "--no-ingest", "--json", "--since", "20260201", "--until", "20260207");

    [Fact]
    public void Weekly_with_breakdown() => Golden("weekly-breakdown", "weekly", "--no-ingest", "--breakdown");

    [Fact]
    public void Monthly_json() => Golden("monthly-json", "monthly", "--no-ingest", "--json");

    [Fact]
    public void Session_report() => Golden("session", "session", "--no-ingest", "--provider", "claude");

    [Fact]
    public void Session_report_json() => Golden("session-json", "session", "--no-ingest", "--json", "--model", "gpt-5.4");

    [Fact]
    public void Sessions_list() => Golden("sessions", "sessions", "--no-ingest", "--limit", "6");

    [Fact]
    public void Sessions_list_json_with_grep() => Golden("sessions-grep-json", "sessions", "--no-ingest", "--grep", "PAYMENTS", "--limit", "3", "--json");

    [Fact]
    public void Compare() => Golden("compare", "compare", "claude-opus-4-6,gpt-5.4,claude-sonnet-4-5", "--no-ingest");

    [Fact]
    public void Compare_json() => Golden("compare-json", "compare", "claude-opus-4-6,gpt-5.4", "--no-ingest", "--json");

    [Fact]
    public void Compare_needs_two_models_exit_1()
    {
        var r = Run("compare", "gpt-5.4", "--no-ingest");
        Assert.Equal(1, r.ExitCode);
        var json = Run("compare", "gpt-5.4,gpt-5.4", "--json");
        Assert.Equal(1, json.ExitCode);
        Snapshot.Match(r.Render((fx.Home, "<HOME>")) + json.Render((fx.Home, "<HOME>")), "Cli", "Reports", "compare-one-model.txt");
    }

    [Fact]
    public void Bad_arguments_exit_1_with_a_message_or_the_json_envelope()
    {
        var results = new[]
        {
            Run("summary", "--since", "yesterday"),
            Run("daily", "--timezone", "Mars/Olympus_Mons", "--json"),
            Run("summary", "--by", "colour", "--json"),
            Run("summary", "--provider", "gemini"),
            Run("sessions", "--limit", "0", "--json"),
            Run("summary", "--since", "2026-02-02", "--until", "2026-02-01"),
        };
        Assert.All(results, r => Assert.Equal(1, r.ExitCode));
        Snapshot.Match(string.Join("\n", results.Select(r => r.Render((fx.Home, "<HOME>")))), "Cli", "Reports", "bad-arguments.txt");
    }

    [Fact]
    public void A_missing_ledger_with_no_ingest_exits_2_and_a_corrupt_one_exits_4()
    {
        var missing = Path.Combine(fx.Home, "missing", "ledger.db");
        var human = Run("daily", "--no-ingest", "--ledger", missing);
        var json = Run("summary", "--no-ingest", "--ledger", missing, "--json");
        Assert.Equal(2, human.ExitCode);
        Assert.Equal(2, json.ExitCode);
        Assert.False(File.Exists(missing), "--no-ingest never creates a ledger");

        var corrupt = Path.Combine(fx.Home, "corrupt.db");
        File.WriteAllBytes(corrupt, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);
        var bad = Run("summary", "--no-ingest", "--ledger", corrupt, "--json");
        Assert.Equal(4, bad.ExitCode);
        Snapshot.Match(string.Join("\n", human.Render((fx.Home, "<HOME>")), json.Render((fx.Home, "<HOME>")), bad.Render((fx.Home, "<HOME>"))),
            "Cli", "Reports", "ledger-missing-or-corrupt.txt");
    }

    [Fact]
    public void A_report_ingests_new_logs_first_unless_no_ingest()
    {
        using var history = new HandMadeHistory();
        history.Session("shop", "s-1", new ClaudeCall("2026-02-02T09:00:00.000Z"));
        var runner = new CliRunner { Home = history.Home, Env = { ["TZ"] = "UTC" } };
        var first = runner.Run("daily");
        history.Session("shop", "s-2", new ClaudeCall("2026-02-03T09:00:00.000Z"));
        var stale = runner.Run("daily", "--no-ingest");
        var fresh = runner.Run("daily");
        Snapshot.Match(string.Join("\n", first.Render((history.Home, "<HOME>")), stale.Render((history.Home, "<HOME>")), fresh.Render((history.Home, "<HOME>"))),
            "Cli", "Reports", "ingest-first.txt");
        Assert.Contains("1 day, 1 step ", stale.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 days, 2 steps", fresh.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpriced_models_are_named_on_stderr_and_in_json_and_never_cost_zero()
    {
        using var history = new HandMadeHistory();
        history.Session("lab", "s-1",
            new ClaudeCall("2026-02-02T09:00:00.000Z", Model: "acme-coder-9", Input: 1_000, Output: 200),
            new ClaudeCall("2026-02-02T09:05:00.000Z", Model: "claude-haiku-4-5-20251001", Input: 100, Output: 20));
        var runner = new CliRunner { Home = history.Home, Env = { ["TZ"] = "UTC" } };
        var results = new[] { runner.Run("summary"), runner.Run("summary", "--json", "--no-ingest"), runner.Run("daily", "--json", "--no-ingest"), runner.Run("sessions", "--no-ingest") };
        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        Assert.All(results[..1], r => Assert.Contains("warning: no price for acme-coder-9 (1 step)", r.Stderr, StringComparison.Ordinal));
        Snapshot.Match(string.Join("\n", results.Select(r => r.Render((history.Home, "<HOME>")))), "Cli", "Reports", "unpriced.txt");
    }

    [Fact]
    public void A_closed_stdout_ends_the_command_quietly()
    {
        // The real process, whose stdout is a pipe closed before it writes: more than a pipe
        // buffer of output, so writes must fail, yet it exits 0 and says nothing on stderr.
        using var history = new HandMadeHistory();
        for (var i = 0; i < 300; i++)
        {
            history.Session("p" + (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture), "s-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new ClaudeCall($"2026-02-{1 + (i % 28):00}T09:00:00.000Z"));
        }

        var full = new CliRunner { Home = history.Home, Env = { ["TZ"] = "UTC" } }.Run("session", "--json");
        Assert.True(full.Stdout.Length > 128 * 1024, $"the output ({full.Stdout.Length} chars) should overflow a pipe buffer");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "Tracelens.Cli.dll"), "session", "--no-ingest", "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = history.Home;
        start.Environment["TZ"] = "UTC";
        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("TRACELENS_HOME");
        using var process = Process.Start(start)!;
        process.StandardOutput.Close();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the command should end");
        Assert.Equal(string.Empty, stderr);
        Assert.Equal(0, process.ExitCode);
    }
}

/// <summary>Report goldens on the conformance fixtures (burn's Claude, Codex and OpenCode cases, TraceLab's sessions).</summary>
public sealed class ReportsConformanceCliTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-reports-fixtures-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_home, recursive: true);
    }

    private CliRunner Fixtures()
    {
        void CopyAll(string from, string to, string pattern)
        {
            Directory.CreateDirectory(to);
            foreach (var f in Directory.GetFiles(from, pattern))
            {
                File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
            }
        }

        CopyAll(TestPaths.Shared("conformance", "burn", "claude"), Path.Combine(_home, ".claude", "projects", "burn-fixtures"), "*.jsonl");
        CopyAll(TestPaths.Shared("conformance", "tracelab", "raw"), Path.Combine(_home, ".claude", "projects", "example-claude-session"), "claude-*.jsonl");
        CopyAll(TestPaths.Shared("conformance", "burn", "codex"), Path.Combine(_home, ".codex", "sessions"), "*.jsonl");
        CopyAll(TestPaths.Shared("conformance", "tracelab", "raw"), Path.Combine(_home, ".codex", "sessions"), "rollout-*.jsonl");
        var storage = TestPaths.Shared("conformance", "burn", "opencode", "multi-turn", "storage");
        foreach (var f in Directory.GetFiles(storage, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(_home, ".local", "share", "opencode", "storage", Path.GetRelativePath(storage, f));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(f, to);
        }

        return new CliRunner { Home = _home, Env = { ["TZ"] = "UTC" } };
    }

    [SharedFact]
    public void Reports_on_the_conformance_fixtures()
    {
        var runner = Fixtures();
        var runs = new[]
        {
            new[] { "summary" },
            ["summary", "--no-ingest", "--json"],
            ["summary", "--no-ingest", "--by", "tool"],
            ["summary", "--no-ingest", "--by", "provider", "--json"],
            ["daily", "--no-ingest", "--breakdown"],
            ["daily", "--no-ingest", "--json"],
            ["session", "--no-ingest"],
            ["sessions", "--no-ingest", "--limit", "50"],
            ["compare", "claude-sonnet-4-6,gpt-5.4,claude-haiku-4-5", "--no-ingest"],
            ["compare", "claude-sonnet-4-6,gpt-5.4", "--no-ingest", "--json"],
        };
        var output = string.Join("\n", runs.Select(args =>
        {
            var r = runner.Run(args);
            Assert.Equal(0, r.ExitCode);
            return $"$ tracelens {string.Join(' ', args)}\n" + r.Render((_home, "<HOME>"));
        }));
        Snapshot.Match(output, "Cli", "Reports", "conformance-fixtures.txt");
    }
}
