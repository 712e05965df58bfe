using System.Text;
using Tracelens.Json;
using Tracelens.Sanitize;

namespace Tracelens.Tests.Sanitize;

/// <summary>Hand-made rows and helpers shared by the sanitizer tests.</summary>
internal static class SanitizeTestKit
{
    public static readonly byte[] Secret = Convert.FromHexString("8f1c0a7d2e4b69305a1f8c7e6d5b4a3928170f6e5d4c3b2a1908f7e6d5c4b3a2");

    public static readonly byte[] OtherSecret = Convert.FromHexString("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

    /// <summary>A Claude row of a user "alice" with private paths in the usual places.</summary>
    public const string ClaudeRow =
        """{"provider":"claude","project":"-home-alice-src-widget","session_id":"claude:3f2a9c4e-1b7d-4e8a-9c0f-5d6e7f8a9b0c","session_file":"/home/alice/.claude/projects/-home-alice-src-widget/3f2a9c4e.jsonl","round_index":0,"round_id":"msg_01AbCdEfGhJkLmNoPqRsTuVw","model":"claude-sonnet-4-5","input_tokens_total":1200,"prefix_tokens":1000,"newly_append_tokens":200,"output_tokens":50,"reasoning_output_tokens":null,"timing_events":[{"event_type":"user_message","timestamp":"2026-01-02T03:04:05.678Z","source":"user.message","content_chars":12},{"event_type":"tool_call","timestamp":"2026-01-02T03:04:07.000Z","source":"assistant.content.tool_use","tool_call_id":"toolu_0145abcdef0123","tool_name":"Read","tool_index":0}],"tools":[{"tool_index":0,"tool_name":"Read","tool_call_id":"toolu_0145abcdef0123","emitted_at":"2026-01-02T03:04:07.000Z","input":{"file_path":"/home/alice/src/widget/main.py","user":"alice-laptop"},"input_chars":57,"result_chars":300,"tool_wall_latency_ms":12,"tool_internal_latency_ms":null,"is_error":false,"result_at":"2026-01-02T03:04:07.012Z"}],"current_input_event_count":1,"first_input_event_type":"user_message","home":"/home/alice","user":"alice","store":".claude","trace_key":"claude:claude:3f2a9c4e-1b7d-4e8a-9c0f-5d6e7f8a9b0c:msg_01AbCdEfGhJkLmNoPqRsTuVw"}""";

    /// <summary>A Codex row of a user "bob" (round id "&lt;turn&gt;:2", call_ ids, cwd, workdir in the input).</summary>
    public const string CodexRow =
        """{"provider":"codex","session_id":"codex:0199aa11-2233-7444-8555-666677778888","session_file":"/Users/bob/.codex/sessions/rollout.jsonl","round_index":3,"round_id":"0199aa11-9999-7aaa-8bbb-ccccdddd0001:2","turn_id":"0199aa11-9999-7aaa-8bbb-ccccdddd0001","cwd":"/Users/bob/work/api","model":"gpt-5","input_tokens_total":5000,"prefix_tokens":4096,"newly_append_tokens":904,"output_tokens":77,"reasoning_output_tokens":12,"timing_events":[{"event_type":"tool_result","timestamp":"2026-02-03T04:05:06.789Z","source":"response_item.function_call_output","tool_call_id":"call_Q1w2E3r4T5y6U7i8O9p0AsDf","result_chars":44}],"tools":[{"tool_index":0,"tool_name":"exec_command","tool_call_id":"call_Q1w2E3r4T5y6U7i8O9p0AsDf","emitted_at":"2026-02-03T04:05:06.000Z","result_at":"2026-02-03T04:05:06.789Z","input":"{\"cmd\":\"ls\",\"workdir\":\"/Users/bob/work/api\"}","input_chars":44,"result_chars":44,"tool_wall_latency_ms":789,"tool_internal_latency_ms":700,"is_error":false}],"home":"/Users/bob","user":"bob","store":".codex","trace_key":"codex:codex:0199aa11-2233-7444-8555-666677778888:0199aa11-9999-7aaa-8bbb-ccccdddd0001:2"}""";

    public static string Jsonl(params string[] rows) => string.Concat(rows.Select(r => r + "\n"));

    public static PyObject Obj(string json) => (PyObject)PyValue.Parse(json);

    public static SanitizeOptions Keyed(byte[]? secret = null) =>
        new() { Mode = SanitizeMode.Keyed, Secret = secret ?? Secret, Gate = LeakGateOptions.None };

    public static SanitizeOptions TraceLab(string seed = "test-seed", bool legacy = false) =>
        new() { Mode = legacy ? SanitizeMode.TraceLabLegacy : SanitizeMode.TraceLab, Seed = seed, Gate = LeakGateOptions.None };

    public static (SanitizeReport Report, string Output) Run(string input, SanitizeOptions options) =>
        Run(Encoding.UTF8.GetBytes(input), options);

    public static (SanitizeReport Report, string Output) Run(byte[] input, SanitizeOptions options)
    {
        using var output = new MemoryStream();
        var report = Sanitizer.Run(new MemoryStream(input), output, options);
        return (report, Encoding.UTF8.GetString(output.ToArray()));
    }

    /// <summary>Runs and parses every output line.</summary>
    public static List<PyObject> RunRows(string input, SanitizeOptions options)
    {
        var (report, output) = Run(input, options);
        Xunit.Assert.True(report.Succeeded, report.Error);
        Xunit.Assert.Empty(report.Refused);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Obj)];
    }

    public static string Str(PyObject obj, string key) => ((PyString)obj[key]).Value;

    public static PyObject Tool(PyObject row, int i) => (PyObject)((PyArray)row["tools"])[i];

    public static PyObject Event(PyObject row, int i) => (PyObject)((PyArray)row["timing_events"])[i];
}
