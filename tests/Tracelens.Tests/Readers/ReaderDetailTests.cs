using System.Text;
using System.Text.Json;
using Tracelens.Json;
using Tracelens.Readers;
using Tracelens.Readers.Codex;
using Xunit;

namespace Tracelens.Tests.Readers;

/// <summary>Details of the fast paths that must give the same answers as the straightforward ones.</summary>
public class ReaderDetailTests
{
    [Theory]
    [InlineData("2026-06-01T05:40:29.420Z", "2026-06-01T05:40:30.000Z", 580L)]
    [InlineData("2026-06-01T05:40:29Z", "2026-06-01T05:40:29.0005Z", 0L)]      // 0.5 ms rounds half to even
    [InlineData("2026-06-01T05:40:29Z", "2026-06-01T05:40:29.0015Z", 2L)]      // 1.5 ms rounds half to even
    [InlineData("2026-06-01T05:40:29.123456789+00:00", "2026-06-01T07:40:29.123456+02:00", 0L)]
    [InlineData("2026-06-01T05:40:29.5-01:30", "2026-06-01T07:10:30.5Z", 1000L)]
    [InlineData("2026-06-01 05:40:29", "2026-06-01 05:40:31", 2000L)]          // naive, general pattern
    public void Latency_is_exact_microseconds_rounded_like_python(string start, string end, long expected) =>
        Assert.Equal(expected, IsoTimestamp.LatencyMs(start, end));

    [Theory]
    [InlineData("2026-06-01T05:40:29Z", "2026-06-01 05:40:31")]               // aware vs naive: Python cannot subtract
    [InlineData("2026-02-30T00:00:00Z", "2026-03-01T00:00:00Z")]              // no such day
    [InlineData("not a time", "2026-03-01T00:00:00Z")]
    public void Latency_is_null_when_python_could_not_compute_it(string start, string end) =>
        Assert.Null(IsoTimestamp.LatencyMs(start, end));

    [Theory]
    [InlineData("plain output", false)]
    [InlineData("... [truncated] ...", true)]
    [InlineData("Output TRUNCATED to 30000 chars", true)]
    [InlineData("<system-truncated>", true)]
    [InlineData("the Truncated flag", false)]
    [InlineData("response truncated here", true)]
    public void Truncation_markers(string text, bool expected) => Assert.Equal(expected, ToolOutput.HasMarker(text));

    /// <summary>One Codex call whose output puts its exit code at a chosen distance from the start.</summary>
    private static AgentStepResult ReadCodexOutput(string output)
    {
        string Line(object o) => JsonSerializer.Serialize(o);
        var lines = new[]
        {
            Line(new { timestamp = "2026-04-20T00:00:00.000Z", type = "session_meta", payload = new { id = "s1", cwd = "/w" } }),
            Line(new { timestamp = "2026-04-20T00:00:00.100Z", type = "turn_context", payload = new { turn_id = "t1", model = "gpt-5.4" } }),
            Line(new { timestamp = "2026-04-20T00:00:01.000Z", type = "response_item", payload = new { type = "function_call", name = "exec_command", arguments = "{\"cmd\":\"make\"}", call_id = "c1" } }),
            Line(new { timestamp = "2026-04-20T00:00:02.000Z", type = "response_item", payload = new { type = "function_call_output", call_id = "c1", output } }),
            Line(new { timestamp = "2026-04-20T00:00:03.000Z", type = "event_msg", payload = new { type = "token_count", info = new { total_token_usage = new { input_tokens = 10, cached_input_tokens = 0, output_tokens = 1 }, last_token_usage = new { input_tokens = 10, cached_input_tokens = 0, output_tokens = 1 } } } }),
        };
        using var reader = new JsonlLineReader(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")));
        var step = Assert.Single(new CodexSessionReader(new ReadDiagnostics()).Read(new CodexSessionSource("mem.jsonl"), reader));
        var tool = Assert.Single(step.Tools);
        return new AgentStepResult(tool.IsError, tool.ToolInternalLatencyMs, tool.ResultChars);
    }

    private sealed record AgentStepResult(bool? IsError, long? InternalMs, int? ResultChars);

    [Fact]
    public void Exit_code_and_wall_time_in_the_header_of_a_huge_output()
    {
        var body = new string('x', 200_000) + "\nProcess exited with code 0\n";
        var r = ReadCodexOutput("Chunk ID: a\nWall time: 1.2345 seconds\nProcess exited with code 3\nOutput:\n\"quoted\"\n" + body);
        Assert.True(r.IsError); // the first match (code 3) wins, not the later code 0
        Assert.Equal(1234L, r.InternalMs);
    }

    [Fact]
    public void Exit_code_found_only_far_beyond_the_header_window()
    {
        var r = ReadCodexOutput(new string('y', 10_000) + "\nExit code: 7\n");
        Assert.True(r.IsError);
        Assert.Null(r.InternalMs);
    }

    [Fact]
    public void Exit_code_straddling_the_header_window_reads_all_its_digits()
    {
        // Place "Exit code: 0" so that the window cut falls inside its digits: "…code: 1" + "0" must read 10, an error.
        var padding = new string('z', 4096 - "Exit code: 1".Length);
        var r = ReadCodexOutput(padding + "Exit code: 10\nmore");
        Assert.True(r.IsError);
        var ok = ReadCodexOutput(padding + "Exit code: 00\nmore");
        Assert.False(ok.IsError);
    }

    /// <summary>
    /// A usage report whose cumulative total equals the previous one's as Python compares them
    /// (<c>json.dumps(sort_keys=True)</c>: key order and number spelling aside) is an echo, not a call.
    /// </summary>
    [Theory]
    [InlineData("""{"input_tokens":10,"cached_input_tokens":0,"output_tokens":1}""", """{"output_tokens":1,"input_tokens":10,"cached_input_tokens":0}""", 1)]
    [InlineData("""{"input_tokens":10,"cached_input_tokens":0,"output_tokens":1}""", """{"input_tokens":1E1,"cached_input_tokens":0,"output_tokens":1}""", 2)]
    [InlineData("""{"input_tokens":10,"cached_input_tokens":0,"output_tokens":1}""", """{"input_tokens":10,"cached_input_tokens":0,"output_tokens":2}""", 2)]
    [InlineData("""{"a":{"y":1,"x":[2,"é"]},"input_tokens":10}""", """{"input_tokens":10,"a":{"y":1,"x":[2,"\u00e9"]}}""", 1)]
    public void A_repeated_cumulative_total_is_an_echo(string first, string second, int calls)
    {
        string Usage(string time, string total) =>
            $$"""{"timestamp":"{{time}}","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":""" + total + "}}}";
        var text = string.Join('\n',
            """{"timestamp":"2026-04-20T00:00:00.000Z","type":"session_meta","payload":{"id":"s1","cwd":"/w"}}""",
            Usage("2026-04-20T00:00:01.000Z", first),
            Usage("2026-04-20T00:00:02.000Z", second)) + "\n";
        using var reader = new JsonlLineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(calls, new CodexSessionReader(new ReadDiagnostics()).Read(new CodexSessionSource("mem.jsonl"), reader).Count);
    }

    [Theory]
    [InlineData("*** Begin Patch\n*** Update File: src/a.cs\n@@\n-x\n+y\n*** End Patch", "src/a.cs")]
    [InlineData("*** Add File:  b.txt \r\n+hello", "b.txt")]
    [InlineData("*** Begin Patch\n*** Delete File: c.md", "c.md")]
    [InlineData("*** Begin Patch\n  *** Update File: indented.cs\n*** Update File: second.cs\n", "second.cs")]
    [InlineData("*** Begin Patch\n*** End Patch\n", null)]
    [InlineData("", null)]
    public void A_patch_names_the_first_file_it_touches(string patch, string? expected) =>
        Assert.Equal(expected, Tracelens.Readers.ToolTargets.PatchTarget(patch));

    [Fact]
    public void Header_window_ending_inside_an_escaped_backslash_is_cut_before_it()
    {
        // The window ends 96 bytes past "Exit code", and the two bytes of the escaped backslash are
        // its last two. Cutting between them left a dangling escape, and the decode threw.
        var r = ReadCodexOutput("Exit code: 1" + new string('x', 82) + "\\" + "tail");
        Assert.True(r.IsError);
    }

    /// <summary>
    /// The header search decodes only a window after the first occurrence of the header words; on
    /// generated outputs (headers anywhere, repeated, cut short, with escapes and multi-byte text
    /// around them) it must find what the patterns find in the whole decoded text.
    /// </summary>
    [Fact]
    public void Header_matches_equal_those_in_the_whole_text()
    {
        var exitCode = new System.Text.RegularExpressions.Regex(@"(?:Exit code|Process exited with code)[: ]+(-?[0-9]+)");
        var wallTime = new System.Text.RegularExpressions.Regex(@"^Wall time:\s*([0-9]+(?:\.[0-9]+)?)\s*seconds\b", System.Text.RegularExpressions.RegexOptions.Multiline);
        string[] pieces =
        [
            "Exit code: ", "Exit code ", "Process exited with code ", "Wall time: ", "Wall time:", " seconds", "seconds", "\n",
            "0", "3", "-1", "12", "0.25", "7.", "\"", "\\", "\t", "é", "日本", "😀", "x", " ", ": ", "Output:\n",
        ];
        var rng = new Random(5);
        for (var i = 0; i < 3000; i++)
        {
            var text = new StringBuilder(rng.Next(2) == 0 ? "Chunk ID: a\n" : "");
            var count = rng.Next(1, 24);
            for (var k = 0; k < count; k++)
            {
                text.Append(rng.Next(10) == 0 ? new string('p', rng.Next(20, 400)) : pieces[rng.Next(pieces.Length)]);
            }

            var output = text.ToString();
            var r = ReadCodexOutput(output);
            var exit = exitCode.Match(output);
            var wall = wallTime.Match(output);
            bool? isError = exit.Success ? long.Parse(exit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) != 0 : null;
            long? wallMs = wall.Success ? (long)Math.Round(double.Parse(wall.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 1000, MidpointRounding.ToEven) : null;
            Assert.True(isError == r.IsError, $"exit code of {JsonSerializer.Serialize(output)}: expected {isError}, read {r.IsError}");
            Assert.True(wallMs == r.InternalMs, $"wall time of {JsonSerializer.Serialize(output)}: expected {wallMs}, read {r.InternalMs}");
        }
    }

    [Fact]
    public void Json_object_output_with_metadata_exit_code()
    {
        Assert.False(ReadCodexOutput("{\"output\":\"done\",\"metadata\":{\"exit_code\":0}}").IsError);
        Assert.True(ReadCodexOutput("\n {\"output\":\"x\",\"metadata\":{\"success\":false}}").IsError);
        Assert.Null(ReadCodexOutput("no code here").IsError);
    }

    [Fact]
    public void Wrong_typed_records_are_skipped_and_reported_with_their_line()
    {
        var claude = "{\"type\":\"user\",\"message\":\"hi\"}\n{\"type\":\"assistant\",\"message\":{\"role\":\"assistant\",\"id\":7}}\n{\"type\":\"mode\"}\n";
        var diagnostics = new ReadDiagnostics();
        using (var lines = new JsonlLineReader(new MemoryStream(Encoding.UTF8.GetBytes(claude))))
        {
            Assert.Empty(new Tracelens.Readers.Claude.ClaudeSessionReader(diagnostics).Read(new Tracelens.Readers.Claude.ClaudeSessionSource("c.jsonl", "p", "s"), lines));
        }

        Assert.Equal(["c.jsonl:1: message is not an object", "c.jsonl:2: assistant record without message.id"],
            diagnostics.Examples.Select(e => $"{e.File}:{e.Line}: {e.Reason}"));

        var codex = new ReadDiagnostics();
        using (var lines = new JsonlLineReader(new MemoryStream("{\"type\":\"event_msg\",\"payload\":[1]}\n"u8.ToArray())))
        {
            Assert.Empty(new CodexSessionReader(codex).Read(new CodexSessionSource("x.jsonl"), lines));
        }

        Assert.Equal("x.jsonl:1: payload is not an object", codex.Examples.Select(e => $"{e.File}:{e.Line}: {e.Reason}").Single());
    }

    [Fact]
    public void Utf8_measure_of_escaped_and_multibyte_text_matches_decoded_text()
    {
        var text = "héllo \"wörld\"\n\t😀 \u0001 end";
        var raw = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(text));
        var tape = new JsonTape();
        Assert.True(tape.Parse(raw));
        var (chars, bytes) = ToolOutput.Measure(tape, JsonTape.Root);
        Assert.Equal(JsonStringCodec.CountCodePoints(text), chars);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), bytes);
    }

    [Fact]
    public void A_line_reader_keeps_the_head_of_a_file_read_from_its_start_and_none_when_it_starts_mid_file()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("tracelens-head-").FullName, "s.jsonl");
        try
        {
            var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 600).Select(i => $"{{\"n\":{i}}}\n")));
            Assert.True(content.Length > ReadCheckpoint.HeadBytes);
            File.WriteAllBytes(path, content);

            using (var plain = JsonlLineReader.Open(path))
            {
                while (plain.TryReadLine(out _))
                {
                }

                Assert.Null(plain.Head); // not asked for: no copy
            }

            using (var whole = JsonlLineReader.Open(path))
            {
                whole.KeepHead = true;
                Assert.Null(whole.Head); // nothing read yet
                while (whole.TryReadLine(out _))
                {
                }

                Assert.Equal(content[..ReadCheckpoint.HeadBytes], whole.Head);
                Assert.Equal(ReadCheckpoint.ReadHead(path), whole.Head);
            }

            using (var tail = JsonlLineReader.Open(path, offset: 100))
            {
                tail.KeepHead = true;
                while (tail.TryReadLine(out _))
                {
                }

                Assert.Null(tail.Head);
            }

            File.WriteAllBytes(path, content[..50]);
            using var small = JsonlLineReader.Open(path);
            small.KeepHead = true;
            Assert.True(small.TryReadLine(out _));
            Assert.Equal(content[..50], small.Head);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
