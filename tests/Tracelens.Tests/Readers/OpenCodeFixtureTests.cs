using System.Text;
using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Readers;
using Tracelens.Readers.OpenCode;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Readers;

/// <summary>
/// burn's OpenCode storage fixtures (burn-spec §3.5, §3.6): every case's steps are pinned by a
/// golden snapshot, and the values burn's own tests expect are asserted explicitly.
/// </summary>
public class OpenCodeFixtureTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        if (TestPaths.SharedRoot is null)
        {
            data.Add("(shared absent)");
            return data;
        }

        foreach (var dir in Directory.GetDirectories(TestPaths.Shared("conformance", "burn", "opencode")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    internal static string StorageRoot(string name) => TestPaths.Shared("conformance", "burn", "opencode", name, "storage");

    /// <summary>Reads every session of a case, labelled by its path relative to the case folder.</summary>
    internal static (List<AgentStep> Steps, ReadDiagnostics Diagnostics) Read(string storageRoot, string labelPrefix)
    {
        var diagnostics = new ReadDiagnostics();
        var reader = new OpenCodeReader(diagnostics);
        var steps = new List<AgentStep>();
        foreach (var source in OpenCodeStorage.FindSessions(storageRoot))
        {
            var relative = Path.GetRelativePath(storageRoot, source.SessionFile).Replace('\\', '/');
            steps.AddRange(reader.Read(source with { SessionFileLabel = $"{labelPrefix}/storage/{relative}" }));
        }

        return (steps, diagnostics);
    }

    internal static (List<AgentStep> Steps, ReadDiagnostics Diagnostics) ReadCase(string name) =>
        Read(StorageRoot(name), $"burn/opencode/{name}");

    internal static string Render(List<AgentStep> steps, ReadDiagnostics diagnostics, string storageRoot)
    {
        var sb = new StringBuilder();
        foreach (var s in steps)
        {
            sb.Append(NativeRowWriter.Serialize(s)).Append('\n');
        }

        foreach (var skipped in diagnostics.Examples.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Reason, StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(storageRoot, skipped.File).Replace('\\', '/');
            sb.Append("skipped ").Append(file).Append(':').Append(skipped.Line).Append(": ").Append(skipped.Reason).Append('\n');
        }

        return sb.ToString();
    }

    private static AgentStep Step(List<AgentStep> steps, string roundId) => Assert.Single(steps, s => s.RoundId == roundId);

    [SharedTheory]
    [MemberData(nameof(Cases))]
    public void Fixture_steps_match_golden(string name)
    {
        var (steps, diagnostics) = ReadCase(name);
        Snapshot.Match(Render(steps, diagnostics, StorageRoot(name)), "Readers", "opencode", name + ".jsonl");
    }

    [SharedTheory]
    [MemberData(nameof(Cases))]
    public void Fixture_reads_without_skipped_files_and_read_all_agrees(string name)
    {
        var (steps, diagnostics) = ReadCase(name);
        Assert.Equal(0, diagnostics.TotalSkipped);
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.Equal(Provider.OpenCode, s.Provider));

        var all = new OpenCodeReader(new ReadDiagnostics()).ReadAll(StorageRoot(name));
        Assert.Equal(steps.Select(s => (s.SessionId, s.RoundId)), all.Select(s => (s.SessionId, s.RoundId)));
        Assert.All(all, s => Assert.EndsWith(".json", s.SessionFile, StringComparison.Ordinal));
    }

    [SharedFact]
    public void Simple_usage_and_stop_reason_come_from_the_message_and_its_step_finish()
    {
        var step = Assert.Single(ReadCase("simple").Steps);
        Assert.Equal("opencode:ses_simple", step.SessionId);
        Assert.Equal("msg_simple_asst", step.RoundId);
        Assert.Equal("msg_simple_user", step.TurnId);
        Assert.Equal(0, step.RoundIndex);
        Assert.Equal("anthropic/claude-sonnet-4-5", step.Model);
        Assert.Equal("/tmp/project", step.Cwd);
        Assert.Equal("2026-04-24T00:00:02.000Z", step.StartedAt);

        // input 10 (fresh), output 5, cache read 500, cache write 80.
        Assert.Null(step.ClaudeUncachedInputTokens);
        Assert.Null(step.ClaudeCacheReadInputTokens);
        Assert.Null(step.ClaudeCacheCreationInputTokens);
        Assert.Equal(590, step.InputTokensTotal);
        Assert.Equal(500, step.PrefixTokens);
        Assert.Equal(90, step.NewlyAppendTokens);
        Assert.Equal(80, step.CacheCreation5mTokens);
        Assert.Equal(0, step.CacheCreation1hTokens);
        Assert.Equal(5, step.OutputTokens);
        Assert.Equal(0, step.ReasoningOutputTokens);
        Assert.Equal(StopReason.EndTurn, step.StopReason);
        Assert.False(step.IsSidechain);
        Assert.Null(step.ParentSessionId);

        // The user message, then the reply's text part "Hello.".
        Assert.Equal([TimingEventType.UserMessage, TimingEventType.Text], step.TimingEvents.Select(e => e.EventType));
        Assert.Equal("2026-04-24T00:00:01.000Z", step.TimingEvents[0].Timestamp);
        Assert.Equal(6, step.TimingEvents[1].ContentChars);
        Assert.Equal(1, step.CurrentUserMessageCount);
        Assert.Equal("user_message", step.FirstInputEventType);
        Assert.Empty(step.Tools);
    }

    [SharedFact]
    public void Multi_turn_has_two_assistants_and_a_child_session_linked_as_sidechain()
    {
        var steps = ReadCase("multi-turn").Steps;
        Assert.Equal(3, steps.Count);

        var main = steps.Where(s => s.SessionId == "opencode:ses_multi").ToList();
        Assert.Equal(["msg_multi_a1", "msg_multi_a2"], main.Select(s => s.RoundId));
        Assert.Equal([0, 1], main.Select(s => s.RoundIndex));
        Assert.All(main, s => Assert.False(s.IsSidechain));
        Assert.All(main, s => Assert.Null(s.ParentSessionId));

        Assert.Equal("anthropic/claude-sonnet-4-5", main[0].Model);
        Assert.Equal(15005, main[0].InputTokensTotal);
        Assert.Equal(15000, main[0].CacheCreation5mTokens);
        Assert.Equal(100, main[0].OutputTokens);
        Assert.Equal(StopReason.EndTurn, main[0].StopReason);

        Assert.Equal("anthropic/claude-opus-4-5", main[1].Model);
        Assert.Equal(18005, main[1].InputTokensTotal);
        Assert.Equal(15000, main[1].PrefixTokens);
        Assert.Equal(3005, main[1].NewlyAppendTokens);
        Assert.Equal(200, main[1].OutputTokens);
        Assert.Equal(50, main[1].ReasoningOutputTokens);
        Assert.Equal(StopReason.ToolUse, main[1].StopReason);
        var bash = Assert.Single(main[1].Tools);
        Assert.Equal("git status", bash.Target);
        Assert.Equal("git status", bash.ShellVerb);

        var child = Step(steps, "msg_child_asst");
        Assert.Equal("opencode:ses_child", child.SessionId);
        Assert.Equal(0, child.RoundIndex);
        Assert.True(child.IsSidechain);
        Assert.Equal("opencode:ses_multi", child.ParentSessionId);
        Assert.Equal("ses_child", child.AgentId);
        Assert.Equal("anthropic/claude-haiku-4-5", child.Model);
        Assert.Equal(2003, child.InputTokensTotal);
    }

    [SharedFact]
    public void With_tool_targets_files_and_the_shell_command()
    {
        var step = Assert.Single(ReadCase("with-tool").Steps);
        Assert.Equal(StopReason.ToolUse, step.StopReason);
        Assert.Equal(["read", "edit", "bash"], step.Tools.Select(t => t.ToolName));
        Assert.Equal([0, 1, 2], step.Tools.Select(t => t.ToolIndex));
        Assert.Equal(["/src/a.ts", "/src/b.ts", "ls -la"], step.Tools.Select(t => t.Target));
        Assert.Equal([null, null, "ls"], step.Tools.Select(t => t.ShellVerb));
        Assert.All(step.Tools, t => Assert.False(t.IsError));
        Assert.Equal("""{"filePath":"/src/b.ts","oldString":"a","newString":"b"}""", step.Tools[1].InputJson);
        Assert.Equal(step.Tools[1].InputJson.Length, step.Tools[1].InputChars);
        Assert.Equal([3L, 6L, 12L], step.Tools.Select(t => t.OutputBytes ?? -1));
        Assert.Equal(["toolu_read_1", "toolu_edit_1", "toolu_bash_1"],
            step.TimingEvents.Where(e => e.EventType == TimingEventType.ToolCall).Select(e => e.ToolCallId));

        // No timestamps in the fixture's tool states: no result time and no latency.
        Assert.All(step.Tools, t => Assert.Null(t.ToolWallLatencyMs));
    }

    [SharedFact]
    public void With_compaction_keeps_the_summary_call_between_the_two_turns()
    {
        var steps = ReadCase("with-compaction").Steps;
        Assert.Equal(["msg_compact_a1", "msg_compact_summary", "msg_compact_a2"], steps.Select(s => s.RoundId));
        Assert.Equal([0, 1, 2], steps.Select(s => s.RoundIndex));

        // The compaction request is the summary call's input; the next call's input is the new prompt.
        var summary = steps[1];
        var request = Assert.Single(summary.TimingEvents, e => e.IsInputEvent);
        Assert.Equal("user.compaction", request.Source);
        Assert.Equal(808, summary.InputTokensTotal);
        Assert.Equal(150, summary.OutputTokens);

        Assert.Equal(38, steps[0].CurrentUserMessageChars); // "do some long work that fills the cache"
        Assert.Equal(16, steps[2].CurrentUserMessageChars); // "continue working"
        Assert.Equal(950, steps[2].PrefixTokens);
        Assert.All(steps, s => Assert.Equal(StopReason.EndTurn, s.StopReason));
    }

    [SharedFact]
    public void User_turn_blocks_mark_the_failed_bash_and_feed_results_to_the_next_call()
    {
        var steps = ReadCase("user-turn-blocks").Steps;
        Assert.Equal(2, steps.Count);
        var tools = steps[0].Tools;
        Assert.Equal(["call_b1", "call_fail"], tools.Select(t => t.ToolCallId));
        Assert.Equal([false, true], tools.Select(t => t.IsError ?? false));
        Assert.Equal(["ls", "test"], tools.Select(t => t.Target));
        Assert.Equal([3L, 19L], tools.Select(t => t.OutputBytes ?? -1));
        Assert.Equal([3, 19], tools.Select(t => t.ResultChars ?? -1));
        Assert.All(tools, t => Assert.False(t.OutputTruncated));

        // The next call's input: both tool results (in part order), then the user's new prompt.
        var next = steps[1];
        var inputs = next.TimingEvents.Where(e => e.IsInputEvent).ToList();
        Assert.Equal([TimingEventType.ToolResult, TimingEventType.ToolResult, TimingEventType.UserMessage], inputs.Select(e => e.EventType));
        Assert.Equal(["call_b1", "call_fail", null], inputs.Select(e => e.ToolCallId));
        Assert.Equal([false, true], inputs.Take(2).Select(e => e.IsError ?? false));
        Assert.Equal(13, inputs[2].ContentChars); // "now run tests"
        Assert.Equal(2, next.CurrentToolResultCount);
        Assert.Equal(1, next.CurrentUserMessageCount);
        Assert.Equal(22, next.CurrentToolResultChars);
        Assert.Equal(35, next.CurrentInputChars);
        Assert.Equal("tool_result", next.FirstInputEventType);
        Assert.Equal(StopReason.ToolUse, steps[0].StopReason);
        Assert.Equal(StopReason.EndTurn, next.StopReason);
    }
}
