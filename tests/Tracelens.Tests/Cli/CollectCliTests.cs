using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>Golden tests of everything `tracelens collect` prints: stdout, stderr and exit code.</summary>
public sealed class CollectCliTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-cli-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private CliRunner Runner() => new() { Home = _home };

    private string Golden(CliRunner.Result r) => r.Render((_home, "<HOME>"), (Path.GetFileName(_home), "<USER>"));

    /// <summary>A home holding TraceLab's two example sessions and one damaged Claude file.</summary>
    private void PlantHistory()
    {
        var claude = Path.Combine(_home, ".claude", "projects", "example-claude-session");
        Directory.CreateDirectory(claude);
        File.Copy(TestPaths.Shared("conformance", "tracelab", "raw", "claude-public-example.jsonl"), Path.Combine(claude, "claude-public-example.jsonl"));
        var codex = Path.Combine(_home, ".codex", "sessions", "2026", "03", "21");
        Directory.CreateDirectory(codex);
        var rollout = "rollout-2026-03-21T10-05-38-01a7c9e4-6d12-7b3a-9f42-8c6d5e1a0b73.jsonl";
        File.Copy(TestPaths.Shared("conformance", "tracelab", "raw", rollout), Path.Combine(codex, rollout));
        var broken = Path.Combine(_home, ".claude", "projects", "-tmp-project");
        Directory.CreateDirectory(broken);
        var simple = File.ReadAllLines(TestPaths.Shared("conformance", "burn", "claude", "simple-turn.jsonl"));
        File.WriteAllText(Path.Combine(broken, "broken.jsonl"),
            simple[0] + "\n{\"type\":\"user\",\"message\":\n" + string.Join('\n', simple[1..]) + "\n{\"truncated\":");
    }

    [Fact]
    public void Help_lists_commands() => Snapshot.Match(Golden(Runner().Run("--help")), "Cli", "help.txt");

    [Fact]
    public void Version_prints_the_version() => Snapshot.Match(Golden(Runner().Run("--version")), "Cli", "version.txt");

    [Fact]
    public void Collect_help() => Snapshot.Match(Golden(Runner().Run("collect", "--help")), "Cli", "collect-help.txt");

    [Fact]
    public void Collect_on_a_machine_without_history_says_so_and_exits_0()
    {
        var r = Runner().Run("collect");
        Assert.Equal(0, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "collect-empty.txt");
    }

    [Fact]
    public void Collect_json_on_a_machine_without_history() =>
        Snapshot.Match(Golden(Runner().Run("collect", "--json")), "Cli", "collect-empty-json.txt");

    [Fact]
    public void Collect_rejects_an_unknown_provider_as_a_usage_error()
    {
        var r = Runner().Run("collect", "--provider", "gemini");
        Assert.Equal(1, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "collect-bad-provider.txt");
    }

    [SharedFact]
    public void Collect_summarizes_steps_and_reports_skipped_lines_with_file_and_line()
    {
        PlantHistory();
        var r = Runner().Run("collect");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("broken.jsonl:2: invalid JSON", r.Stdout, StringComparison.Ordinal);
        Snapshot.Match(Golden(r), "Cli", "collect-summary.txt");
    }

    [SharedFact]
    public void Collect_json_summary()
    {
        PlantHistory();
        Snapshot.Match(Golden(Runner().Run("collect", "--json")), "Cli", "collect-summary-json.txt");
    }

    [SharedFact]
    public void Collect_to_stdout_writes_tracelab_rows_and_the_summary_to_stderr()
    {
        PlantHistory();
        var r = Runner().Run("collect", "-o", "-", "--provider", "codex");
        Assert.Equal(9, r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Snapshot.Match(Golden(r), "Cli", "collect-stdout-codex.txt");
    }

    [SharedFact]
    public void Collect_to_a_file_writes_rows_atomically_and_gzip_when_asked()
    {
        PlantHistory();
        var target = Path.Combine(_home, "out.jsonl.gz");
        var r = Runner().Run("collect", "-o", target, "--project", "example");
        Assert.Equal(0, r.ExitCode);
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(target), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(19, rows.Length); // the project filter keeps example-claude-session (10) and all Codex (9)
        Assert.Empty(Directory.GetFiles(_home, ".*.tmp"));
    }

    [SharedFact]
    public void Collect_reads_opencode_storage_too()
    {
        var source = TestPaths.Shared("conformance", "burn", "opencode", "multi-turn", "storage");
        var target = Path.Combine(_home, ".local", "share", "opencode", "storage");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        var r = Runner().Run("collect", "--provider", "opencode");
        Assert.Equal(0, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "collect-opencode.txt");
    }

    [SharedFact]
    public void Collect_to_an_unwritable_place_fails_with_exit_3_and_no_partial_file()
    {
        PlantHistory();
        var r = Runner().Run("collect", "-o", Path.Combine(_home, "missing-dir", "out.jsonl"));
        Assert.Equal(3, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "collect-unwritable.txt");
    }
}
