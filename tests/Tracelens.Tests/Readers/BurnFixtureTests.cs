using System.Text;
using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Readers;
using Tracelens.Readers.Claude;
using Tracelens.Readers.Codex;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Readers;

/// <summary>
/// burn's reader fixtures (burn-spec §3.6): every file's steps are pinned by a golden snapshot,
/// and the values burn's own tests expect are asserted explicitly.
/// </summary>
public class BurnFixtureTests
{
    public static TheoryData<string> ClaudeFixtures() => Names("claude");

    public static TheoryData<string> CodexFixtures() => Names("codex");

    private static TheoryData<string> Names(string provider)
    {
        var data = new TheoryData<string>();
        if (TestPaths.SharedRoot is null)
        {
            data.Add("(shared absent)");
            return data;
        }

        foreach (var f in Directory.GetFiles(TestPaths.Shared("conformance", "burn", provider), "*.jsonl").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(f));
        }

        return data;
    }

    internal static (List<AgentStep> Steps, ReadDiagnostics Diagnostics) ReadClaude(string name)
    {
        var diagnostics = new ReadDiagnostics();
        var path = TestPaths.Shared("conformance", "burn", "claude", name + ".jsonl");
        var steps = new ClaudeSessionReader(diagnostics).Read(new ClaudeSessionSource(path, "fixtures", name, $"burn/claude/{name}.jsonl"));
        return (steps, diagnostics);
    }

    internal static (List<AgentStep> Steps, ReadDiagnostics Diagnostics) ReadCodex(string name)
    {
        var diagnostics = new ReadDiagnostics();
        var path = TestPaths.Shared("conformance", "burn", "codex", name + ".jsonl");
        var steps = new CodexSessionReader(diagnostics).Read(new CodexSessionSource(path, $"burn/codex/{name}.jsonl"));
        return (steps, diagnostics);
    }

    private static string Render(List<AgentStep> steps, ReadDiagnostics diagnostics)
    {
        var sb = new StringBuilder();
        foreach (var s in steps)
        {
            sb.Append(NativeRowWriter.Serialize(s)).Append('\n');
        }

        foreach (var skipped in diagnostics.Examples)
        {
            sb.Append("skipped ").Append(skipped.Line).Append(": ").Append(skipped.Reason).Append('\n');
        }

        return sb.ToString();
    }

    [SharedTheory]
    [MemberData(nameof(ClaudeFixtures))]
    public void Claude_fixture_steps_match_golden(string name)
    {
        var (steps, diagnostics) = ReadClaude(name);
        Snapshot.Match(Render(steps, diagnostics), "Readers", "burn-claude", name + ".jsonl");
    }

    [SharedTheory]
    [MemberData(nameof(CodexFixtures))]
    public void Codex_fixture_steps_match_golden(string name)
    {
        var (steps, diagnostics) = ReadCodex(name);
        Snapshot.Match(Render(steps, diagnostics), "Readers", "burn-codex", name + ".jsonl");
    }

    [SharedFact]
    public void Claude_simple_turn_usage_splits_cache_writes_by_ttl()
    {
        var step = Assert.Single(ReadClaude("simple-turn").Steps);
        Assert.Equal(10, step.ClaudeUncachedInputTokens);
        Assert.Equal(5, step.OutputTokens);
        Assert.Equal(500, step.ClaudeCacheReadInputTokens);
        Assert.Equal(80, step.CacheCreation5mTokens);
        Assert.Equal(20, step.CacheCreation1hTokens);
        Assert.Equal(StopReason.EndTurn, step.StopReason);
        Assert.Equal("req_1", step.RequestId);
        Assert.Equal("/tmp/project", step.Cwd);
    }

    [SharedFact]
    public void Claude_missing_output_tokens_counts_zero_output()
    {
        var step = Assert.Single(ReadClaude("missing-output-tokens").Steps);
        Assert.Equal(0, step.OutputTokens);
        Assert.True(step.ClaudeUncachedInputTokens > 0);
    }

    [SharedFact]
    public void Claude_incomplete_then_complete_keeps_both_calls_and_their_stop_reasons()
    {
        var steps = ReadClaude("incomplete-then-complete").Steps;
        Assert.Equal(2, steps.Count);
        Assert.NotNull(steps[0].StopReason);
        Assert.Null(steps[1].StopReason);
    }

    [SharedFact]
    public void Claude_sidechain_turn_is_marked()
    {
        Assert.Contains(ReadClaude("sidechain-turn").Steps, s => s.IsSidechain);
    }

    [SharedFact]
    public void Claude_slash_command_triad_has_three_calls_and_input_55()
    {
        var steps = ReadClaude("slash-command-triad").Steps;
        Assert.Equal(3, steps.Count);
        Assert.Equal(55, steps.Sum(s => s.ClaudeUncachedInputTokens ?? 0));
    }

    [SharedFact]
    public void Claude_task_notification_yields_two_assistant_calls()
    {
        Assert.Equal(2, ReadClaude("task-notification").Steps.Count);
    }

    [SharedFact]
    public void Claude_oversized_bash_output_measures_output_bytes()
    {
        var tool = ReadClaude("oversized-bash-output").Steps.SelectMany(s => s.Tools).Single(t => t.ToolName == "Bash");
        Assert.Equal(80_000, tool.OutputBytes);
        Assert.Equal("cat huge.log", tool.Target);
        Assert.Equal("cat", tool.ShellVerb);
        Assert.False(tool.OutputTruncated);
    }

    [SharedFact]
    public void Claude_consecutive_failures_mark_three_failed_tools()
    {
        var tools = ReadClaude("consecutive-failures").Steps.SelectMany(s => s.Tools).ToList();
        Assert.Equal(3, tools.Count(t => t.IsError == true));
        Assert.Equal(3, tools.Select(t => t.ToolName).Distinct().Count());
    }

    [SharedFact]
    public void Claude_files_touched_targets_are_file_paths_for_file_tools()
    {
        var tools = ReadClaude("files-touched").Steps.SelectMany(s => s.Tools).ToList();
        Assert.Equal(["/src/a.ts", "/src/b.ts"], tools.Where(t => t.ToolName == "Read").Select(t => t.Target));
        Assert.Equal("foo.*bar", tools.Single(t => t.ToolName == "Grep").Target);
    }

    [SharedFact]
    public void Claude_every_fixture_reads_without_skipped_lines()
    {
        foreach (var f in Directory.GetFiles(TestPaths.Shared("conformance", "burn", "claude"), "*.jsonl"))
        {
            Assert.Equal(0, ReadClaude(Path.GetFileNameWithoutExtension(f)).Diagnostics.TotalSkipped);
        }
    }

    [SharedFact]
    public void Codex_simple_turn_usage_is_per_call()
    {
        var step = Assert.Single(ReadCodex("simple-turn").Steps);
        Assert.Equal(1000, step.InputTokensTotal);
        Assert.Equal(400, step.PrefixTokens);
        Assert.Equal(600, step.NewlyAppendTokens);
        Assert.Equal(120, step.OutputTokens);
        Assert.Equal(30, step.ReasoningOutputTokens);
        Assert.Equal("gpt-5.4", step.Model);
        Assert.Null(step.StopReason);
    }

    [SharedFact]
    public void Codex_usage_with_only_cumulative_totals_becomes_a_per_call_delta()
    {
        var step = Assert.Single(ReadCodex("oversized-shell-output").Steps);
        Assert.Equal(1000, step.InputTokensTotal);
        Assert.Equal(600, step.NewlyAppendTokens);
        var tool = Assert.Single(step.Tools);
        Assert.Equal(80_000, tool.OutputBytes);
        Assert.Equal("cat huge.log", tool.Target);
        Assert.Equal("cat", tool.ShellVerb);
        Assert.False(tool.IsError);
    }

    [SharedFact]
    public void Codex_with_tool_call_targets_command_and_patch_files()
    {
        var tools = ReadCodex("with-tool-call").Steps.SelectMany(s => s.Tools).ToList();
        Assert.Contains(tools, t => t.ToolName == "exec_command" && t.Target == "git status" && t.ShellVerb == "git status");
        Assert.Contains(tools, t => t.ToolName == "apply_patch" && t.Target is not null);
    }
}
