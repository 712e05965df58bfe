using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>`tracelens demo` and `tracelens synth`: what a user sees on a machine with no agent history.</summary>
public sealed class DemoCliTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-demo-test-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private CliRunner Runner() => new() { Home = _home };

    [Fact]
    public void Demo_says_the_data_is_generated_and_checks_it_against_the_ground_truth()
    {
        static HashSet<string> DemoFolders() =>
            Directory.GetDirectories(Path.GetTempPath(), "tracelens-demo-*").Where(d => !d.Contains("demo-test-", StringComparison.Ordinal)).ToHashSet();
        var before = DemoFolders();
        var r = Runner().Run("demo", "--size-mb", "3");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("DEMO: the history below is GENERATED", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("steps match the generator's totals", r.Stdout, StringComparison.Ordinal);
        Snapshot.Match(Normalize(r.Render()), "Cli", "demo.txt");
        Assert.Subset(before, DemoFolders()); // the generated history is removed afterwards
        Assert.False(Directory.Exists(Path.Combine(_home, ".tracelens")), "the demo must not create or touch the user's ledger");
        Assert.Contains("Where the money went", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_keep_leaves_the_history_and_the_rows()
    {
        var kept = Path.Combine(_home, "kept");
        var r = Runner().Run("demo", "--size-mb", "2", "--keep", kept);
        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(Path.Combine(kept, "ground_truth.json")));
        Assert.True(new FileInfo(Path.Combine(kept, "steps.jsonl")).Length > 0);
        var ledger = Path.Combine(kept, ".tracelens", "ledger.db");
        Assert.True(File.Exists(ledger));
        Assert.Contains($"tracelens serve --no-ingest --ledger {ledger}", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Synth_writes_a_history_and_refuses_a_non_empty_folder()
    {
        var output = Path.Combine(_home, "h");
        var r = Runner().Run("synth", "--out", output, "--size-mb", "2", "--seed", "5");
        Assert.Equal(0, r.ExitCode);
        Snapshot.Match(r.Render((_home, "<HOME>")), "Cli", "synth.txt");
        var again = Runner().Run("synth", "--out", output, "--size-mb", "2");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("tracelens synth:", again.Stderr, StringComparison.Ordinal);
        var overwrite = Runner().Run("synth", "--out", output, "--size-mb", "2", "--seed", "5", "--overwrite");
        Assert.Equal(r.Stdout, overwrite.Stdout);
    }

    /// <summary>The demo folder is a fresh temp folder each run.</summary>
    private static string Normalize(string s) =>
        System.Text.RegularExpressions.Regex.Replace(s, @"/[^\s]*tracelens-demo-[^\s/]+", "<demo>");
}
