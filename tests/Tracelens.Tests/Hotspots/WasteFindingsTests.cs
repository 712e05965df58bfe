using Microsoft.Data.Sqlite;
using Tracelens.Hotspots;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Hotspots;

/// <summary>The waste detectors on hand-made sessions and on burn's fixtures.</summary>
public sealed class WasteFindingsTests
{
    [Fact]
    public void Four_identical_failing_calls_are_one_retry_loop_and_not_also_a_failure_run()
    {
        using var t = new ToolTranscript();
        var fail = new ToolUse("Bash", new { command = "npm run build" }, "error TS2304", IsError: true);
        t.Session("s-retry", new ToolStep(Tools: [fail]), new ToolStep(Tools: [fail]), new ToolStep(Tools: [fail]), new ToolStep(Tools: [fail]), new ToolStep());
        var findings = t.Findings();

        var loop = Assert.Single(findings, f => f.Kind == "retry-loop");
        Assert.Equal("Retry loop: Bash npm run build failed 4× in a row", loop.Title);
        Assert.DoesNotContain(findings, f => f.Kind == "failure-run");
        Assert.Equal("command", loop.Actions[0].Type);
        Assert.Equal("tracelens hotspots --session claude:s-retry", loop.Actions[0].Text);
    }

    [Fact]
    public void Two_failing_calls_are_no_run_and_a_success_ends_a_run()
    {
        using var t = new ToolTranscript();
        var fail = new ToolUse("Bash", new { command = "make" }, "boom", IsError: true);
        var ok = new ToolUse("Bash", new { command = "make" }, "fine");
        t.Session("s-short", new ToolStep(Tools: [fail]), new ToolStep(Tools: [fail]), new ToolStep(Tools: [ok]), new ToolStep(Tools: [fail]), new ToolStep());
        Assert.DoesNotContain(t.Findings(), f => f.Kind is "retry-loop" or "failure-run");
    }

    [SharedFact]
    public void Three_different_failing_tools_are_one_failure_run() =>
        WithFixture("consecutive-failures", findings =>
        {
            var run = Assert.Single(findings, f => f.Kind == "failure-run");
            Assert.Equal("Failure run: 3 failing calls in a row (Bash, Read, Grep)", run.Title);
            Assert.DoesNotContain(findings, f => f.Kind == "retry-loop");
        });

    [SharedFact]
    public void An_edit_that_restores_the_text_an_earlier_edit_replaced_is_an_edit_revert() =>
        WithFixture("edit-revert", findings =>
        {
            var revert = Assert.Single(findings, f => f.Kind == "edit-revert");
            Assert.Equal("claude:edit-revert", revert.SessionId);
            Assert.Contains("/src/foo.ts", revert.Title, StringComparison.Ordinal);
        });

    [Fact]
    public void An_edit_to_new_text_is_no_revert()
    {
        using var t = new ToolTranscript();
        t.Session("s-edits",
            new ToolStep(Tools: [new ToolUse("Edit", new { file_path = "/a.cs", old_string = "x = 1", new_string = "x = 2" }, "ok")]),
            new ToolStep(Tools: [new ToolUse("Edit", new { file_path = "/a.cs", old_string = "x = 2", new_string = "x = 3" }, "ok")]),
            new ToolStep(Tools: [new ToolUse("Edit", new { file_path = "/b.cs", old_string = "y", new_string = "x = 1" }, "ok")]),
            new ToolStep());
        Assert.DoesNotContain(t.Findings(), f => f.Kind == "edit-revert");
    }

    [SharedFact]
    public void An_output_limit_above_15000_tokens_and_an_oversized_result_are_tool_output_bloat() =>
        WithFixture("oversized-bash-output", findings =>
        {
            var bloat = findings.Where(f => f.Kind == "tool-output-bloat").ToList();
            Assert.Equal(2, bloat.Count);
            var setting = Assert.Single(bloat, f => f.SessionId.StartsWith("settings:", StringComparison.Ordinal));
            Assert.Equal(FindingSeverity.Warn, setting.Severity);
            Assert.Equal("\"BASH_MAX_OUTPUT_LENGTH\": \"60000\"", setting.Actions[0].Text);
            var observed = Assert.Single(bloat, f => f.SessionId == "claude:oversized-bash-output");
            Assert.Equal(20_000, observed.Tokens);
        }, withSettings: true);

    [Fact]
    public void A_session_with_unpriced_steps_gets_an_unpriced_usage_finding_and_its_other_findings_lose_their_usd()
    {
        using var t = new ToolTranscript();
        var fail = new ToolUse("Bash", new { command = "x" }, "no", IsError: true);
        t.Session("s-priced", new ToolStep(Tools: [fail]), new ToolStep(Tools: [fail]), new ToolStep(Tools: [fail]), new ToolStep());
        var path = Path.Combine(t.Home, ".claude", "projects", "proj", "s-priced.jsonl");
        File.WriteAllText(path, File.ReadAllText(path).Replace(ToolTranscript.Model, "acme-coder-9", StringComparison.Ordinal));
        var findings = t.Findings();

        Assert.Single(findings, f => f.Kind == "unpriced-usage");
        Assert.All(findings, f => Assert.True(f.Unpriced));
        Assert.All(findings, f => Assert.Null(f.Usd));
        Assert.Single(findings, f => f.Kind == "retry-loop");
    }

    private static void WithFixture(string name, Action<List<WasteFinding>> check, bool withSettings = false)
    {
        var home = Directory.CreateTempSubdirectory("tracelens-findings-").FullName;
        try
        {
            var project = Path.Combine(home, ".claude", "projects", "burn");
            Directory.CreateDirectory(project);
            File.Copy(TestPaths.Shared("conformance", "burn", "claude", name + ".jsonl"), Path.Combine(project, name + ".jsonl"));
            if (withSettings)
            {
                File.Copy(TestPaths.Shared("conformance", "burn", "claude", "settings", "oversized-bash-output-length.json"), Path.Combine(home, ".claude", "settings.json"));
            }

            check(ToolTranscript.Findings(home));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(home, recursive: true);
        }
    }
}
