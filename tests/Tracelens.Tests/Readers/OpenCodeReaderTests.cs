using System.Text;
using Tracelens.Model;
using Tracelens.Readers;
using Tracelens.Readers.OpenCode;
using Xunit;

namespace Tracelens.Tests.Readers;

/// <summary>
/// OpenCode storage the burn fixtures do not cover, written to a temporary folder: tool timings,
/// failed and running calls, task links to child sessions, usage and model fallbacks, and files
/// that are broken in every way a reader must survive.
/// </summary>
public sealed class OpenCodeReaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tracelens-opencode-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string content) => WriteBytes(relative, Encoding.UTF8.GetBytes(content));

    private void WriteBytes(string relative, byte[] content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private (List<AgentStep> Steps, ReadDiagnostics Diagnostics) ReadAll()
    {
        var diagnostics = new ReadDiagnostics();
        return (new OpenCodeReader(diagnostics).ReadAll(_root), diagnostics);
    }

    private void WriteRichSession()
    {
        Write("session/global/ses_a.json", """{"id":"ses_a","directory":"/work/a","title":"main"}""");
        Write("session/proj/sub/ses_b.json", """{"id":"ses_b","parentID":"ses_a","directory":"/work/a"}""");

        Write("message/ses_a/msg_u1.json", """{"id":"msg_u1","sessionID":"ses_a","role":"user","time":{"created":1000}}""");
        Write("part/msg_u1/prt_1.json", """{"id":"prt_1","type":"text","text":"héllo"}""");
        Write("part/msg_u1/prt_2.json", """{"id":"prt_2","type":"text","text":"not sent","ignored":true}""");
        Write("part/msg_u1/prt_3.json", """{"id":"prt_3","type":"text","text":"<file>","synthetic":true}""");
        Write("part/msg_u1/prt_4.json", """{"id":"prt_4","type":"file","mime":"image/png","url":"data:,"}""");

        // No modelID, no path, no tokens: model = provider, cwd = session directory, usage = step-finish sum.
        Write("message/ses_a/msg_a1.json", """{"id":"msg_a1","sessionID":"ses_a","role":"assistant","time":{"created":2000},"parentID":"msg_u1","providerID":"openai","finish":"stop","cost":0.25}""");
        // Part files are ordered by part id, not by file name.
        Write("part/msg_a1/z_first.json", """{"id":"prt_01","type":"step-start"}""");
        Write("part/msg_a1/y.json", """{"id":"prt_02","type":"reasoning","text":"think","time":{"start":2100,"end":2150}}""");
        Write("part/msg_a1/x.json", """{"id":"prt_03","type":"text","text":"ok","time":{"start":2200}}""");
        Write("part/msg_a1/w.json", """
            {"id":"prt_04","type":"tool","callID":"c_bash","tool":"bash",
             "state":{"status":"completed","input":{"command":"cd /x && npm test"},"output":"lots [truncated]",
                      "metadata":{"exit":0},"time":{"start":2300,"end":2750}}}
            """);
        Write("part/msg_a1/v.json", """
            {"id":"prt_05","type":"tool","callID":"c_task","tool":"task",
             "state":{"status":"completed","input":{"description":"look","prompt":"p","subagent_type":"general"},
                      "output":"task_id: ses_b","metadata":{"sessionId":"ses_b","truncated":true},"time":{"start":2400,"end":2900.7}}}
            """);
        Write("part/msg_a1/u.json", """
            {"id":"prt_06","type":"tool","callID":"c_err","tool":"read",
             "state":{"status":"error","input":{"filePath":"/nope"},"error":"File not found: /nope","time":{"start":2500,"end":2510}}}
            """);
        Write("part/msg_a1/t.json", """{"id":"prt_07","type":"tool","callID":"c_run","tool":"grep","state":{"status":"running","input":{"pattern":"foo"},"time":{"start":2600}}}""");
        Write("part/msg_a1/s.json", """{"id":"prt_08","type":"tool","callID":"c_bash","tool":"bash","state":{"status":"completed","input":{"command":"again"},"output":"dup"}}""");
        Write("part/msg_a1/r.json", """{"id":"prt_09","type":"step-finish","reason":"tool-calls","tokens":{"input":3,"output":4,"reasoning":1,"cache":{"read":100,"write":10}}}""");
        Write("part/msg_a1/q.json", """{"id":"prt_10","type":"step-finish","reason":"length","tokens":{"input":5,"output":6,"reasoning":2,"cache":{"read":200,"write":20}}}""");

        // No step-finish: the message's own `finish` gives the stop reason.
        Write("message/ses_a/msg_a2.json", """{"id":"msg_a2","sessionID":"ses_a","role":"assistant","time":{"created":3000},"modelID":"gpt-5","path":{"cwd":"/work/a/sub"},"finish":"stop","tokens":{"input":7,"output":8,"reasoning":0,"cache":{"read":300,"write":0}}}""");
        Write("message/ses_a/msg_u9.json", """{"id":"msg_u9","sessionID":"ses_a","role":"user","time":{"created":4000}}""");

        Write("message/ses_b/msg_b1.json", """{"id":"msg_b1","sessionID":"ses_b","role":"assistant","time":{"created":2450},"providerID":"anthropic","modelID":"claude-haiku-4-5","tokens":{"input":1,"output":2,"reasoning":0,"cache":{"read":0,"write":0}}}""");
    }

    [Fact]
    public void Steps_carry_usage_model_and_stop_reason_fallbacks()
    {
        WriteRichSession();
        var (steps, diagnostics) = ReadAll();
        Assert.Equal(0, diagnostics.TotalSkipped);
        Assert.Equal(["msg_a1", "msg_a2", "msg_b1"], steps.Select(s => s.RoundId));

        var a1 = steps[0];
        Assert.Equal("openai", a1.Model);
        Assert.Equal("/work/a", a1.Cwd);
        Assert.Equal("msg_u1", a1.TurnId);
        Assert.Equal("1970-01-01T00:00:02.000Z", a1.StartedAt);
        Assert.Equal(StopReason.MaxTokens, a1.StopReason); // the last step-finish, not the message's `finish`
        Assert.Equal(8 + 300 + 30, a1.InputTokensTotal);
        Assert.Equal(300, a1.PrefixTokens);
        Assert.Equal(38, a1.NewlyAppendTokens);
        Assert.Equal(30, a1.CacheCreation5mTokens);
        Assert.Equal(10, a1.OutputTokens);
        Assert.Equal(3, a1.ReasoningOutputTokens);

        var a2 = steps[1];
        Assert.Equal("gpt-5", a2.Model);
        Assert.Equal("/work/a/sub", a2.Cwd);
        Assert.Equal(1, a2.RoundIndex);
        Assert.Equal(StopReason.EndTurn, a2.StopReason);
        Assert.Equal(307, a2.InputTokensTotal);
        Assert.Equal(7, a2.NewlyAppendTokens);
    }

    [Fact]
    public void Tools_get_timings_results_errors_and_links()
    {
        WriteRichSession();
        var a1 = ReadAll().Steps[0];
        Assert.Equal(["c_bash", "c_task", "c_err", "c_run"], a1.Tools.Select(t => t.ToolCallId)); // the duplicate callID is dropped
        Assert.Equal([0, 1, 2, 3], a1.Tools.Select(t => t.ToolIndex));

        var bash = a1.Tools[0];
        Assert.Equal("1970-01-01T00:00:02.300Z", bash.EmittedAt);
        Assert.Equal("1970-01-01T00:00:02.750Z", bash.ResultAt);
        Assert.Equal(450, bash.ToolWallLatencyMs);
        Assert.Null(bash.ToolInternalLatencyMs);
        Assert.Equal("cd /x && npm test", bash.Target);
        Assert.Equal("npm test", bash.ShellVerb);
        Assert.False(bash.IsError);
        Assert.True(bash.OutputTruncated); // "[truncated]" marker
        Assert.Equal(16, bash.OutputBytes);

        var task = a1.Tools[1];
        Assert.Equal("general", task.SubagentType);
        Assert.Equal("general", task.Target);
        Assert.Equal("ses_b", task.SpawnedAgentId);
        Assert.True(task.OutputTruncated); // metadata.truncated
        Assert.Equal(500, task.ToolWallLatencyMs); // fractional ms are dropped

        var failed = a1.Tools[2];
        Assert.True(failed.IsError);
        Assert.Equal("/nope", failed.Target);
        Assert.Equal("File not found: /nope".Length, failed.ResultChars);
        Assert.Equal(10, failed.ToolWallLatencyMs);

        var running = a1.Tools[3];
        Assert.Equal("foo", running.Target);
        Assert.Null(running.ResultAt);
        Assert.Null(running.IsError);
        Assert.Null(running.ResultChars);
        Assert.Null(running.OutputBytes);

        var child = ReadAll().Steps.Single(s => s.RoundId == "msg_b1");
        Assert.Equal(task.SpawnedAgentId, child.AgentId);
        Assert.Equal("opencode:ses_a", child.ParentSessionId);
        Assert.True(child.IsSidechain);
    }

    [Fact]
    public void Timing_events_follow_the_claude_reader_semantics()
    {
        WriteRichSession();
        var steps = ReadAll().Steps;
        var a1 = steps[0];
        Assert.Equal(
            [TimingEventType.UserMessage, TimingEventType.Reasoning, TimingEventType.Text, TimingEventType.ToolCall, TimingEventType.ToolCall, TimingEventType.ToolCall, TimingEventType.ToolCall],
            a1.TimingEvents.Select(e => e.EventType));

        // One event per user message: the text parts the model sees (synthetic yes, ignored no).
        var user = a1.TimingEvents[0];
        Assert.Equal("user.message", user.Source);
        Assert.Equal("1970-01-01T00:00:01.000Z", user.Timestamp);
        Assert.Equal(5 + 6, user.ContentChars);
        Assert.Equal("1970-01-01T00:00:02.100Z", a1.TimingEvents[1].Timestamp);
        Assert.Equal(5, a1.TimingEvents[1].ContentChars);
        Assert.Equal("1970-01-01T00:00:02.200Z", a1.TimingEvents[2].Timestamp);
        Assert.Equal("1970-01-01T00:00:02.300Z", a1.TimingEvents[3].Timestamp);
        Assert.Equal(3, a1.TimingEvents[6].ToolIndex);

        // The next call starts with the finished results of the previous one (not the running call).
        var a2 = steps[1];
        var inputs = a2.TimingEvents.Where(e => e.IsInputEvent).ToList();
        Assert.Equal(["c_bash", "c_task", "c_err"], inputs.Select(e => e.ToolCallId));
        Assert.Equal(["tool.output", "tool.output", "tool.error"], inputs.Select(e => e.Source));
        Assert.Equal([false, false, true], inputs.Select(e => e.IsError ?? false));
        Assert.Equal("1970-01-01T00:00:02.750Z", inputs[0].Timestamp);
        Assert.Equal(3, a2.CurrentToolResultCount);
        Assert.Equal(0, a2.CurrentUserMessageCount);
        Assert.Equal("tool_result", a2.FirstInputEventType);
        Assert.Equal(a2.TimingEvents.Count, inputs.Count); // a2 has no parts; the trailing user message is dropped
    }

    [Fact]
    public void Find_sessions_recurses_in_path_order_and_the_default_root_follows_xdg()
    {
        WriteRichSession();
        Write("session/global/notes.json", "{}");
        var found = OpenCodeStorage.FindSessions(_root);
        Assert.Equal(["ses_a.json", "ses_b.json"], found.Select(s => Path.GetFileName(s.SessionFile)));
        Assert.All(found, s => Assert.Equal(_root, s.StorageRoot));

        Assert.Equal(Path.Combine("/h", ".local", "share", "opencode", "storage"), OpenCodeStorage.DefaultRoot("/h", null));
        Assert.Equal(Path.Combine("/h", ".local", "share", "opencode", "storage"), OpenCodeStorage.DefaultRoot("/h", " "));
        Assert.Equal(Path.Combine("/data", "opencode", "storage"), OpenCodeStorage.DefaultRoot("/h", "/data"));
    }

    [Fact]
    public void Missing_storage_and_sessions_without_messages_give_no_steps()
    {
        var diagnostics = new ReadDiagnostics();
        Assert.Empty(new OpenCodeReader(diagnostics).ReadAll(Path.Combine(_root, "absent")));
        Write("session/global/ses_empty.json", """{"id":"ses_empty"}""");
        Assert.Empty(new OpenCodeReader(diagnostics).ReadAll(_root));
        Assert.Equal(0, diagnostics.TotalSkipped);
    }

    [Fact]
    public void Broken_files_are_reported_and_skipped_without_losing_the_rest()
    {
        WriteRichSession();

        // A broken session file: its messages are still read under the file's name.
        Write("session/global/ses_a.json", """{"id":"ses_a","directory":""");
        // Wrong types: time.created as a string (skipped); tokens as a string (counts 0).
        Write("message/ses_a/msg_a3.json", """{"id":"msg_a3","sessionID":"ses_a","role":"assistant","time":{"created":"soon"}}""");
        Write("message/ses_a/msg_a4.json", """{"id":"msg_a4","sessionID":"ses_a","role":"assistant","time":{"created":3500},"tokens":"many"}""");
        Write("message/ses_a/msg_a5.json", """{"id":"msg_a5","sessionID":"ses_a","role":"assistant","time":{"created":1e300}}""");
        Write("message/ses_a/msg_a6.json", """{"id":"../../x","sessionID":"ses_a","role":"assistant","time":{"created":3600}}""");
        Write("message/ses_a/msg_a7.json", """{"id":"msg_a7","role":"assistant","time":{"created":3700}}""");
        Write("message/ses_a/garbage.json", "\u0001\u0002 not json");
        Write("message/ses_a/list.json", "[1,2,3]");
        WriteBytes("message/ses_a/empty.json", []);
        WriteBytes("message/ses_a/latin1.json", Encoding.Latin1.GetBytes("""{"id":"msg_a8","sessionID":"ses_a","role":"assistant","time":{"created":3800},"modelID":"caf""" + "\u00e9\"}"));
        // Broken parts: no type, a tool without a callID, a state of the wrong type, a truncated file.
        Write("part/msg_a2/p1.json", """{"id":"p1","type":7}""");
        Write("part/msg_a2/p2.json", """{"id":"p2","type":"tool","tool":"bash","state":{}}""");
        Write("part/msg_a2/p3.json", """{"id":"p3","type":"tool","callID":"c_odd","tool":"bash","state":[1]}""");
        Write("part/msg_a2/p4.json", """{"id":"p4","type":"text","te""");

        var (steps, diagnostics) = ReadAll();
        Assert.Equal(["msg_a1", "msg_a2", "msg_a4", "msg_a8", "msg_b1"], steps.Select(s => s.RoundId));

        var a1 = steps[0];
        Assert.Equal("opencode:ses_a", a1.SessionId);
        Assert.Null(a1.Cwd); // the directory was in the broken session file

        var a2 = steps[1];
        var odd = Assert.Single(a2.Tools);
        Assert.Equal("c_odd", odd.ToolCallId);
        Assert.Equal("null", odd.InputJson);
        Assert.Null(odd.ResultAt);

        Assert.Equal(0, steps[2].InputTokensTotal);
        Assert.Equal("caf\uFFFD", steps[3].Model);

        var reasons = diagnostics.Examples.Select(e => (Path.GetFileName(e.File), e.Line, e.Reason.Split(':')[0])).ToHashSet();
        Assert.Contains(("ses_a.json", 1L, "invalid JSON"), reasons);
        Assert.Contains(("msg_a3.json", 1L, "incomplete message"), reasons);
        Assert.Contains(("msg_a5.json", 1L, "incomplete message"), reasons);
        Assert.Contains(("msg_a6.json", 1L, "incomplete message"), reasons);
        Assert.Contains(("msg_a7.json", 1L, "incomplete message"), reasons);
        Assert.Contains(("garbage.json", 1L, "invalid JSON"), reasons);
        Assert.Contains(("list.json", 1L, "not a JSON object"), reasons);
        Assert.Contains(("empty.json", 1L, "invalid JSON"), reasons);
        Assert.Contains(("p1.json", 1L, "incomplete part"), reasons);
        Assert.Contains(("p2.json", 1L, "incomplete part"), reasons);
        Assert.Contains(("p4.json", 1L, "invalid JSON"), reasons);
        Assert.Equal(11, diagnostics.TotalSkipped);
    }

    [Fact]
    public void A_session_id_that_is_not_a_plain_name_falls_back_to_the_file_name()
    {
        Write("session/global/ses_x.json", """{"id":"../../etc"}""");
        Write("message/ses_x/m.json", """{"id":"m","sessionID":"ses_x","role":"assistant","time":{"created":5}}""");
        var (steps, diagnostics) = ReadAll();
        Assert.Equal("opencode:ses_x", Assert.Single(steps).SessionId);
        Assert.Equal("incomplete session", diagnostics.CountsByReason.Single().Key);
    }

    [Fact]
    public void The_same_session_under_two_scopes_is_read_once()
    {
        Write("session/a/ses_x.json", """{"id":"ses_x"}""");
        Write("session/b/ses_x.json", """{"id":"ses_x"}""");
        Write("message/ses_x/m.json", """{"id":"m","sessionID":"ses_x","role":"assistant","time":{"created":5}}""");
        var (steps, diagnostics) = ReadAll();
        Assert.Single(steps);
        Assert.Equal(1, diagnostics.CountsByReason["duplicate session"]);
    }
}
