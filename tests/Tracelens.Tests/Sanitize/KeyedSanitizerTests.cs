using Tracelens.Json;
using Tracelens.Sanitize;
using Tracelens.Tests.Support;
using Xunit;
using static Tracelens.Tests.Sanitize.SanitizeTestKit;

namespace Tracelens.Tests.Sanitize;

public class KeyedSanitizerTests
{
    private static readonly HashSet<string> PseudonymKeys = ["project", "session_id", "round_id", "turn_id", "tool_call_id", "user", "trace_key"];

    private static readonly LeakGateOptions PlantedUsers = new() { UserName = "alice", HomePath = "/home/alice" };

    [Fact]
    public void Output_passes_the_leak_gate_and_holds_no_trace_of_the_users()
    {
        var (report, output) = Run(Jsonl(ClaudeRow, CodexRow), Keyed() with { Gate = PlantedUsers });

        Assert.True(report.Succeeded, report.Error);
        Assert.Empty(report.Refused);
        Assert.Equal(2, report.Rows);
        Assert.Equal(2, report.Tools);
        Assert.DoesNotContain("alice", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("bob", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("/Users", output, StringComparison.Ordinal);
        var gate = new LeakGate(PlantedUsers);
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Empty(gate.Find(Obj(line))));
    }

    [Fact]
    public void Pseudonyms_have_tracelab_formats()
    {
        var rows = RunRows(Jsonl(ClaudeRow, CodexRow), Keyed());
        var claude = rows[0];
        var codex = rows[1];

        Assert.Matches("^project_[0-9a-f]{8}$", Str(claude, "project"));
        Assert.Matches("^user_[0-9a-f]{8}$", Str(claude, "user"));
        Assert.Matches("^claude:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", Str(claude, "session_id"));
        Assert.Matches("^round_[0-9a-f]{16}$", Str(claude, "round_id"));
        Assert.Matches("^toolu_[0-9a-f]{14}$", Str(Tool(claude, 0), "tool_call_id"));
        Assert.Equal($"claude:{Str(claude, "session_id")}:{Str(claude, "round_id")}", Str(claude, "trace_key"));

        var turn = Str(codex, "turn_id");
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", turn);
        Assert.Equal(turn + ":2", Str(codex, "round_id"));
        var call = Str(Tool(codex, 0), "tool_call_id");
        Assert.Matches("^call_[A-Za-z0-9]{24}$", call);
        Assert.NotEqual("call_Q1w2E3r4T5y6U7i8O9p0AsDf", call);
        Assert.Equal(call, Str(Event(codex, 0), "tool_call_id"));
    }

    [Fact]
    public void Sizes_timestamps_and_other_fields_are_kept_verbatim()
    {
        var clean = RunRows(Jsonl(CodexRow), Keyed())[0];
        var tool = Tool(clean, 0);

        Assert.Equal("44", tool["input_chars"].ToJson());
        Assert.Equal("2026-02-03T04:05:06.000Z", Str(tool, "emitted_at"));
        Assert.Equal("2026-02-03T04:05:06.789Z", Str(tool, "result_at"));
        Assert.Equal("5000", clean["input_tokens_total"].ToJson());
        Assert.Equal(".codex", Str(clean, "store"));
        Assert.False(tool.ContainsKey("input"));
        Assert.False(clean.ContainsKey("cwd"));
        Assert.False(clean.ContainsKey("home"));
        Assert.False(clean.ContainsKey("session_file"));
    }

    [Fact]
    public void Two_runs_give_identical_output()
    {
        var input = Jsonl(ClaudeRow, CodexRow);
        Assert.Equal(Run(input, Keyed()).Output, Run(input, Keyed()).Output);
    }

    [Fact]
    public void An_id_maps_the_same_way_in_separate_inputs_whatever_comes_before_it()
    {
        var alone = RunRows(Jsonl(CodexRow), Keyed())[0];
        var afterOthers = RunRows(Jsonl(ClaudeRow, ClaudeRow.Replace("msg_01AbCdEfGh", "msg_01ZzYyXxWw", StringComparison.Ordinal), CodexRow), Keyed())[2];

        Assert.Equal(alone.ToJson(), afterOthers.ToJson());
    }

    [Fact]
    public void A_session_id_shared_by_two_providers_keeps_each_rows_provider_in_any_order()
    {
        const string claude = """{"provider":"claude","session_id":"shared-id"}""";
        const string codex = """{"provider":"codex","session_id":"shared-id"}""";
        var forward = RunRows(Jsonl(claude, codex), Keyed());
        var backward = RunRows(Jsonl(codex, claude), Keyed());

        Assert.Equal(forward[0].ToJson(), backward[1].ToJson());
        Assert.Equal(forward[1].ToJson(), backward[0].ToJson());
        Assert.StartsWith("codex:", Str(forward[1], "session_id"), StringComparison.Ordinal);
        Assert.Equal(Str(forward[0], "session_id")["claude:".Length..], Str(forward[1], "session_id")["codex:".Length..]);
    }

    [Fact]
    public void A_different_secret_gives_different_pseudonyms()
    {
        var a = RunRows(Jsonl(ClaudeRow), Keyed())[0];
        var b = RunRows(Jsonl(ClaudeRow), Keyed(OtherSecret))[0];

        foreach (var key in new[] { "project", "user", "session_id", "round_id", "trace_key" })
        {
            Assert.NotEqual(Str(a, key), Str(b, key));
        }

        Assert.NotEqual(Str(Tool(a, 0), "tool_call_id"), Str(Tool(b, 0), "tool_call_id"));
    }

    [Fact]
    public void The_same_value_in_different_kinds_gets_unrelated_pseudonyms()
    {
        var clean = new KeyedSanitizer(Secret).Sanitize(Obj("""{"provider":"claude","turn_id":"0123456789abcdef","round_id":"0123456789abcdef"}"""));
        Assert.NotEqual(Str(clean, "turn_id"), Str(clean, "round_id"));
    }

    [Fact]
    public void Non_string_ids_keep_the_walked_value_so_nested_private_keys_are_still_removed()
    {
        var clean = new KeyedSanitizer(Secret).Sanitize(Obj("""{"provider":"claude","project":{"cwd":"/w","n":1}}"""));
        Assert.Equal("""{"provider":"claude","project":{"n":1}}""", clean.ToJson());
    }

    [Fact]
    public void Output_has_the_shape_of_tracelab_output()
    {
        AssertSameShape(Jsonl(ClaudeRow, CodexRow));
    }

    [SharedFact]
    public void Fixture_output_has_the_shape_of_tracelab_output_and_passes_the_gate()
    {
        var input = File.ReadAllText(TestPaths.Shared("conformance", "tracelab", "expected", "round_trace.jsonl"));
        AssertSameShape(input);
        var (report, _) = Run(input, Keyed() with { Gate = new LeakGateOptions { UserName = "user", HomePath = "/home/user" } });
        Assert.Empty(report.Refused.Select(r => r.ToString()));
        Assert.Equal(19, report.Rows);
    }

    [Fact]
    public void A_short_secret_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new KeyedSanitizer(new byte[15]));

    // Same keys in the same order, equal non-pseudonym values, and pseudonyms only where TraceLab
    // puts them, with the same skeleton (letters and digits alike, punctuation and length equal).
    private static void AssertSameShape(string input)
    {
        var keyed = RunRows(input, Keyed());
        var traceLab = RunRows(input, TraceLab());
        Assert.Equal(traceLab.Count, keyed.Count);
        var pseudonyms = 0;
        for (var i = 0; i < keyed.Count; i++)
        {
            pseudonyms += CompareShape(traceLab[i], keyed[i], string.Empty);
        }

        Assert.True(pseudonyms > 0);
    }

    private static int CompareShape(PyValue expected, PyValue actual, string key)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        switch (expected)
        {
            case PyObject obj:
                var other = (PyObject)actual;
                Assert.Equal(obj.Keys, other.Keys);
                return obj.Sum(kv => CompareShape(kv.Value, other[kv.Key], kv.Key));
            case PyArray arr:
                var otherArr = (PyArray)actual;
                Assert.Equal(arr.Count, otherArr.Count);
                return Enumerable.Range(0, arr.Count).Sum(j => CompareShape(arr[j], otherArr[j], key));
            case PyString s when PseudonymKeys.Contains(key):
                var a = ((PyString)actual).Value;
                Assert.NotEqual(s.Value, a);
                Assert.Equal(Skeleton(s.Value), Skeleton(a));
                return 1;
            default:
                Assert.Equal(expected.ToJson(), actual.ToJson());
                return 0;
        }
    }

    private static string Skeleton(string s)
    {
        // Keep a literal word prefix (project_, user_, msg_, toolu_, call_, round_, claude:).
        var prefix = System.Text.RegularExpressions.Regex.Match(s, "^[a-z]+[_:]").Length;
        var chars = s.ToCharArray();
        for (var i = prefix; i < chars.Length; i++)
        {
            if (char.IsAsciiLetterOrDigit(chars[i]))
            {
                chars[i] = 'x';
            }
        }

        return new string(chars);
    }
}
