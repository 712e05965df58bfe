using Tracelens.Json;
using Tracelens.Sanitize;
using Tracelens.Tests.Support;
using Xunit;
using static Tracelens.Tests.Sanitize.SanitizeTestKit;

namespace Tracelens.Tests.Sanitize;

public class TraceLabCompatSanitizerTests
{
    private static string Fixture(string name) =>
        File.ReadAllText(TestPaths.Shared("conformance", "tracelab", "expected", name));

    [SharedFact]
    public void Current_mode_reproduces_tracelab_output_byte_for_byte()
    {
        var (report, output) = Run(Fixture("round_trace.jsonl"), TraceLab("derived-example-v2"));

        Assert.True(report.Succeeded, report.Error);
        Assert.Empty(report.Refused);
        Assert.Equal(19, report.Rows);
        Assert.Equal(19, report.Tools);
        Assert.Equal(Fixture("sanitized_round_trace.seed-derived-example-v2.jsonl"), output);
    }

    [SharedFact]
    public void Legacy_mode_reproduces_the_committed_fixture_byte_for_byte()
    {
        var (report, output) = Run(Fixture("round_trace.jsonl"), TraceLab("derived-example-v2", legacy: true));

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(19, report.Rows);
        Assert.Equal(Fixture("sanitized_legacy_round_trace.jsonl"), output);
    }

    [SharedFact]
    public void Fixture_output_passes_the_leak_gate_with_the_fixture_user_planted()
    {
        // The fixture's rows were collected as user "user" with home /home/user.
        var options = TraceLab("derived-example-v2") with { Gate = new LeakGateOptions { UserName = "user", HomePath = "/home/user" } };
        var (report, _) = Run(Fixture("round_trace.jsonl"), options);

        Assert.Empty(report.Refused.Select(r => r.ToString()));
        Assert.Equal(19, report.Rows);
    }

    [Fact]
    public void Sensitive_keys_are_dropped_at_any_depth_and_tool_inputs_removed()
    {
        var row = Obj("""{"provider":"claude","home":"/h","Session-File":"x","meta":{"Repo-URL":"u","log_path":"p","hostName":"h","keep":1,"deep":[{"WORKDIR":"w","ok":true}]},"tools":[{"tool_index":0,"input":{"a":1},"input_chars":7}]}""");

        var clean = new TraceLabCompatSanitizer("s").Sanitize(row);

        Assert.Equal("""{"provider":"claude","meta":{"keep":1,"deep":[{"ok":true}]},"tools":[{"tool_index":0,"input_chars":7}]}""", clean.ToJson());
    }

    [Fact]
    public void Original_row_is_left_unchanged()
    {
        var row = Obj(ClaudeRow);
        new TraceLabCompatSanitizer("s").Sanitize(row);
        Assert.Equal(Obj(ClaudeRow).ToJson(), row.ToJson());
    }

    [Fact]
    public void Replaced_values_keep_their_key_position()
    {
        var clean = new TraceLabCompatSanitizer("s").Sanitize(Obj(CodexRow));

        Assert.Equal(
            ["provider", "session_id", "round_index", "round_id", "turn_id", "model", "input_tokens_total", "prefix_tokens",
             "newly_append_tokens", "output_tokens", "reasoning_output_tokens", "timing_events", "tools", "user", "store", "trace_key"],
            clean.Keys);
        Assert.Equal(
            ["tool_index", "tool_name", "tool_call_id", "emitted_at", "result_at", "input_chars", "result_chars",
             "tool_wall_latency_ms", "tool_internal_latency_ms", "is_error"],
            Tool(clean, 0).Keys);
    }

    [Fact]
    public void Codex_round_id_keeps_its_index_and_maps_the_turn_like_turn_id()
    {
        var clean = new TraceLabCompatSanitizer("s").Sanitize(Obj(CodexRow));

        var turn = Str(clean, "turn_id");
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", turn);
        Assert.NotEqual("0199aa11-9999-7aaa-8bbb-ccccdddd0001", turn);
        Assert.Equal(turn + ":2", Str(clean, "round_id"));
        Assert.Equal($"codex:{Str(clean, "session_id")}:{turn}:2", Str(clean, "trace_key"));
    }

    [Theory]
    [InlineData("t:12", "t", ":12")]
    [InlineData("a:b:3", "a:b", ":3")]
    [InlineData("t:\u00b2", "t", ":\u00b2")]
    [InlineData("t:\u0663", "t", ":\u0663")]
    [InlineData("t:\u2460", "t", ":\u2460")]
    [InlineData("t:\U0001D7CE", "t", ":\U0001D7CE")]
    [InlineData("t:\u216b", null, null)]
    [InlineData("t:", null, null)]
    [InlineData("t:1a", null, null)]
    [InlineData("t:\u00bd", null, null)]
    public void Codex_round_suffix_must_satisfy_python_isdigit(string roundId, string? turn, string? suffix)
    {
        var row = new PyObject { ["provider"] = new PyString("codex"), ["turn_id"] = new PyString(turn ?? "other"), ["round_id"] = new PyString(roundId) };
        var clean = new TraceLabCompatSanitizer("s").Sanitize(row);

        if (turn is null)
        {
            Assert.Matches("^round_[0-9a-f]{16}$", Str(clean, "round_id"));
        }
        else
        {
            Assert.Equal(Str(clean, "turn_id") + suffix, Str(clean, "round_id"));
        }
    }

    [Fact]
    public void Claude_round_id_with_a_colon_is_one_atomic_id()
    {
        var clean = new TraceLabCompatSanitizer("s").Sanitize(Obj("""{"provider":"claude","round_id":"abc:7"}"""));
        Assert.Matches("^round_[0-9a-f]{16}$", Str(clean, "round_id"));
    }

    [Theory]
    [InlineData("msg_0123456789abcdef0123", "^msg_[0-9a-f]{20}$")]
    [InlineData("toolu_ABCdef01", "^toolu_[0-9a-f]{8}$")]
    [InlineData("msg_01AbCdEfGhJk", "^round_[0-9a-f]{16}$")]
    [InlineData("call_Q1w2E3r4T5y6", "^call_[A-Za-z0-9]{12}$")]
    [InlineData("01a7c9e4-a8f3-7c91-b2e0-31d6f4a9c580", "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    [InlineData("0123456789ABCDEF01", "^[0-9a-f]{18}$")]
    [InlineData("0123456789a", "^round_[0-9a-f]{16}$")]
    [InlineData("whatever", "^round_[0-9a-f]{16}$")]
    [InlineData("msg_0123456789ab\n", "^msg_[0-9a-f]{12}\\z")]
    [InlineData("0123456789abcdef\n", "^[0-9a-f]{17}\\z")]
    public void Atomic_ids_keep_their_shape(string original, string pattern)
    {
        // Python's '$' also matches before a final newline, and len() then counts that newline.
        var row = new PyObject { ["provider"] = new PyString("claude"), ["round_id"] = new PyString(original) };
        Assert.Matches(pattern, Str(new TraceLabCompatSanitizer("s").Sanitize(row), "round_id"));
    }

    [Fact]
    public void Same_original_maps_to_the_same_pseudonym_everywhere_in_a_run()
    {
        var rows = RunRows(Jsonl(ClaudeRow, ClaudeRow.Replace("\"round_index\":0", "\"round_index\":1", StringComparison.Ordinal)), TraceLab());

        Assert.Equal(Str(rows[0], "session_id"), Str(rows[1], "session_id"));
        Assert.Equal(Str(rows[0], "project"), Str(rows[1], "project"));
        var callId = Str(Tool(rows[0], 0), "tool_call_id");
        Assert.Matches("^toolu_[0-9a-f]{14}$", callId);
        Assert.Equal(callId, Str(Event(rows[0], 1), "tool_call_id"));
        Assert.Equal(callId, Str(Tool(rows[1], 0), "tool_call_id"));
    }

    [Fact]
    public void A_user_key_inside_a_tool_input_consumes_randomness_before_being_dropped()
    {
        var withInputUser = new TraceLabCompatSanitizer("s").Sanitize(Obj(ClaudeRow));
        var withoutInputUser = new TraceLabCompatSanitizer("s").Sanitize(Obj(ClaudeRow.Replace(",\"user\":\"alice-laptop\"", "", StringComparison.Ordinal)));

        Assert.NotEqual(Str(withInputUser, "project"), Str(withoutInputUser, "project"));
        Assert.False(Tool(withInputUser, 0).ContainsKey("input"));
    }

    [Fact]
    public void Legacy_mode_drops_user_keys_and_current_mode_pseudonymizes_them()
    {
        var current = new TraceLabCompatSanitizer("s").Sanitize(Obj(ClaudeRow));
        var legacy = new TraceLabCompatSanitizer("s", legacyDropUser: true).Sanitize(Obj(ClaudeRow));

        Assert.Matches("^user_[0-9a-f]{8}$", Str(current, "user"));
        Assert.False(legacy.ContainsKey("user"));
    }

    [Fact]
    public void Trace_key_falls_back_to_an_atomic_id_when_an_id_is_null()
    {
        var clean = new TraceLabCompatSanitizer("s").Sanitize(Obj("""{"provider":"claude","session_id":null,"round_id":"r","trace_key":"claude:x:r"}"""));

        Assert.Equal(PyNull.Instance, clean["session_id"]);
        Assert.Matches("^trace_[0-9a-f]{16}$", Str(clean, "trace_key"));
    }

    [Fact]
    public void Trace_key_uses_python_str_of_non_string_ids()
    {
        var clean = new TraceLabCompatSanitizer("s").Sanitize(Obj("""{"provider":"codex","session_id":12,"round_id":true,"trace_key":"k"}"""));
        Assert.Equal("codex:12:True", Str(clean, "trace_key"));
    }

    [Fact]
    public void Missing_provider_is_unknown()
    {
        var clean = new TraceLabCompatSanitizer("s").Sanitize(Obj("""{"provider":"","session_id":"abc"}"""));
        Assert.StartsWith("unknown:", Str(clean, "session_id"), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_string_ids_are_returned_as_in_the_original_row()
    {
        // TraceLab's map_value returns a non-string original unchanged, sensitive keys and all;
        // the leak gate is what keeps such a row out of the output.
        var clean = new TraceLabCompatSanitizer("s").Sanitize(Obj("""{"provider":"claude","project":{"cwd":"/w","n":1}}"""));
        Assert.Equal("""{"provider":"claude","project":{"cwd":"/w","n":1}}""", clean.ToJson());
    }

    [Fact]
    public void Same_seed_and_order_give_the_same_output_and_another_seed_does_not()
    {
        var input = Jsonl(ClaudeRow, CodexRow);
        var a = Run(input, TraceLab("one")).Output;

        Assert.Equal(a, Run(input, TraceLab("one")).Output);
        Assert.NotEqual(a, Run(input, TraceLab("two")).Output);
    }
}
