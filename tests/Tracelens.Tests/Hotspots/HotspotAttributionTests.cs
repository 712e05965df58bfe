using Microsoft.Data.Sqlite;
using Tracelens.Hotspots;
using Tracelens.Pricing;
using Tracelens.Reports;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Hotspots;

/// <summary>Attribution arithmetic on hand-made sessions, and the rollups on burn's fixtures of every harness.</summary>
public sealed class HotspotAttributionTests
{
    private static readonly ModelPrice Price = PriceBook.Embedded.Resolve(ToolTranscript.Model)!.Price;

    private static AttributedCall Call(HotspotReport r, string name) => Assert.Single(r.Calls, c => c.ToolName == name);

    [Fact]
    public void Sized_sessions_split_new_input_by_result_size_and_charge_cache_reads_while_results_stay_cached()
    {
        using var t = new ToolTranscript();
        t.Session("s-sized",
            new ToolStep(Tools: [new ToolUse("Read", new { file_path = "/work/proj/a.cs" }, new string('r', 400)), new ToolUse("Bash", new { command = "ls -la" }, new string('b', 1200))]),
            // 200 new tokens for 400 tokens of results: the cap is the new input, split 100:300.
            new ToolStep(Input: 50, Write5m: 150),
            // 1,000 cache reads hold both results (100 + 300 tokens).
            new ToolStep(Input: 5, CacheRead: 1_000),
            // 250 cache reads cannot hold the 300-token Bash result any more: only Read rides.
            new ToolStep(Input: 5, CacheRead: 250));
        var r = t.Attribute();

        var session = Assert.Single(r.Sessions);
        Assert.Equal(AttributionMethod.Sized, session.Method);
        var read = Call(r, "Read");
        var bash = Call(r, "Bash");
        Assert.Equal(100, read.SizeTokens);
        Assert.Equal(300, bash.SizeTokens);
        Assert.Equal(50m, read.InitialTokens);
        Assert.Equal(150m, bash.InitialTokens);
        Assert.Equal(100m + 100m, read.PersistenceTokens);
        Assert.Equal(300m, bash.PersistenceTokens);
        Assert.Equal(2, read.RidingTurns);
        Assert.Equal(1, bash.RidingTurns);

        var newInput = (50 * Price.Rates.Input + 150 * Price.Rates.CacheWrite5m) / 1_000_000m;
        var read1 = Price.Rates.CacheRead / 1_000_000m;
        Assert.Equal(newInput * 50 / 200 + (100 + 100) * read1, read.Cost);
        Assert.Equal(newInput * 150 / 200 + 300 * read1, bash.Cost);
        Assert.Equal(read.Cost + bash.Cost, session.AttributedCost);
        Assert.Equal(session.GrandCost - session.AttributedCost, session.UnattributedCost);

        Assert.Equal("/work/proj/a.cs", Assert.Single(r.Files).Key);
        Assert.Equal(400, Assert.Single(r.Files).OutputBytes);
        Assert.Equal("ls -la", Assert.Single(r.Bash).Key);
        Assert.Equal("ls", Assert.Single(r.BashVerbs).Key);
    }

    [Fact]
    public void Sessions_without_result_sizes_split_each_steps_new_input_evenly_and_have_no_persistence()
    {
        using var t = new ToolTranscript();
        t.Session("s-even",
            new ToolStep(Tools: [new ToolUse("Read", new { file_path = "/x" }, null), new ToolUse("Grep", new { pattern = "y" }, null), new ToolUse("Glob", new { pattern = "*" }, null)]),
            new ToolStep(Input: 90, Write5m: 210),
            new ToolStep(Input: 5, CacheRead: 5_000));
        var r = t.Attribute();

        Assert.Equal(AttributionMethod.EvenSplit, Assert.Single(r.Sessions).Method);
        var newInput = (90 * Price.Rates.Input + 210 * Price.Rates.CacheWrite5m) / 1_000_000m;
        Assert.All(r.Calls, c =>
        {
            Assert.Equal(100m, c.InitialTokens);
            Assert.Equal(newInput / 3, c.Cost);
            Assert.Equal(0m, c.PersistenceTokens);
            Assert.Equal(0, c.RidingTurns);
        });
    }

    [Fact]
    public void Rank_by_bytes_puts_the_largest_output_first_where_cost_does_not()
    {
        using var t = new ToolTranscript();
        t.Session("s-rank",
            // A large result that no later step pays for (the session ends) next to a small one that is paid.
            new ToolStep(Tools: [new ToolUse("Bash", new { command = "npm test" }, new string('t', 400))]),
            new ToolStep(Input: 100, Tools: [new ToolUse("Bash", new { command = "cat big.log" }, new string('x', 20_000))]));
        Assert.Equal("npm test", t.Attribute(HotspotRank.Cost).Bash[0].Key);
        Assert.Equal("cat big.log", t.Attribute(HotspotRank.Bytes).Bash[0].Key);
    }

    [Fact]
    public void A_bash_result_at_the_configured_length_is_truncated_and_one_below_is_not()
    {
        using var t = new ToolTranscript();
        t.Session("s-cap",
            new ToolStep(Tools: [new ToolUse("Bash", new { command = "cat a" }, new string('a', 30_000)), new ToolUse("Bash", new { command = "cat b" }, new string('b', 29_999))]),
            new ToolStep(Input: 10));
        var atDefault = t.Attribute();
        Assert.True(atDefault.Calls.Single(c => c.Target == "cat a").Truncated);
        Assert.False(atDefault.Calls.Single(c => c.Target == "cat b").Truncated);

        // A user setting above both lengths: neither is cut.
        File.WriteAllText(Path.Combine(t.Home, ".claude", "settings.json"), """{"env":{"BASH_MAX_OUTPUT_LENGTH":"50000"}}""");
        SqliteConnection.ClearAllPools();
        Assert.All(t.Attribute().Calls, c => Assert.False(c.Truncated));
    }

    [SharedFact]
    public void Codex_and_opencode_calls_count_in_the_shell_and_file_tables()
    {
        var home = Directory.CreateTempSubdirectory("tracelens-hotspots-names-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".codex", "sessions"));
            File.Copy(TestPaths.Shared("conformance", "burn", "codex", "with-tool-call.jsonl"), Path.Combine(home, ".codex", "sessions", "with-tool-call.jsonl"));
            var storage = TestPaths.Shared("conformance", "burn", "opencode", "with-tool", "storage");
            foreach (var f in Directory.GetFiles(storage, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(home, ".local", "share", "opencode", "storage", Path.GetRelativePath(storage, f));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(f, to);
            }

            var r = ToolTranscript.Attribute(home, new ReportFilter());
            Assert.Contains(r.Bash, row => row.Key == "git status");
            Assert.Contains(r.Calls, c => c.ToolName == "exec_command" && c.CanonicalName == "Bash");
            Assert.Contains(r.Calls, c => c.ToolName == "apply_patch" && HotspotAnalysis.KeyOf(c, HotspotDimension.File) is not null);
            Assert.Contains(r.Calls, c => c.ToolName == "bash" && HotspotAnalysis.KeyOf(c, HotspotDimension.Bash) is not null);
            Assert.Contains(r.Calls, c => c.ToolName is "read" or "edit" && HotspotAnalysis.KeyOf(c, HotspotDimension.File) is not null);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(home, recursive: true);
        }
    }

    [SharedFact]
    public void Burns_oversized_bash_output_ranks_first_by_bytes_not_by_cost_and_is_truncated_at_its_configured_length()
    {
        // burn's fixture with its settings in a HOME layout, beside its other Claude fixtures (whose
        // commands are paid for by a following step, unlike the oversized one, which ends its session).
        var home = Directory.CreateTempSubdirectory("tracelens-hotspots-oversized-").FullName;
        try
        {
            var project = Path.Combine(home, ".claude", "projects", "burn");
            Directory.CreateDirectory(project);
            foreach (var f in Directory.GetFiles(TestPaths.Shared("conformance", "burn", "claude"), "*.jsonl"))
            {
                File.Copy(f, Path.Combine(project, Path.GetFileName(f)));
            }

            File.Copy(TestPaths.Shared("conformance", "burn", "claude", "settings", "oversized-bash-output-length.json"), Path.Combine(home, ".claude", "settings.json"));
            var byBytes = ToolTranscript.Attribute(home, new ReportFilter(), HotspotRank.Bytes);
            var byCost = ToolTranscript.Attribute(home, new ReportFilter(), HotspotRank.Cost);

            var big = byBytes.Bash[0];
            Assert.Equal("cat huge.log", big.Key);
            Assert.Equal(80_000, big.MaxOutputBytes);
            Assert.Equal(1, big.TruncatedCount);
            Assert.Equal(80_000, byBytes.ShellOutputCap.Chars);
            Assert.NotEqual("cat huge.log", byCost.Bash[0].Key);
            Assert.True(byCost.Bash[0].Cost > big.Cost);
            Assert.Equal("80.0 KB (truncated)", Tracelens.Cli.Commands.HotspotsCommand.Bytes(big));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(home, recursive: true);
        }
    }
}
