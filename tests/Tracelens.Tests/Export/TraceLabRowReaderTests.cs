using System.IO.Compression;
using System.Text;
using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Readers;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Export;

/// <summary>Reading TraceLab rows back: byte round trip through the writer, gzip, sanitized key sets, bad lines.</summary>
public sealed class TraceLabRowReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-rowreader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Expected(string name) => TestPaths.Shared("conformance", "tracelab", "expected", name);

    private static byte[] WriteBack(IEnumerable<AgentStep> steps)
    {
        using var output = new MemoryStream();
        TraceLabRowWriter.WriteAll(output, steps);
        return output.ToArray();
    }

    [SharedFact]
    public void Reading_the_conformance_trace_and_writing_it_back_reproduces_every_byte()
    {
        var diagnostics = new ReadDiagnostics();
        var rows = TraceLabRowReader.ReadRows(Expected("round_trace.jsonl"), diagnostics).ToList();
        Assert.Equal(0, diagnostics.TotalSkipped);
        Assert.Equal(19, rows.Count);
        Assert.Equal(Enumerable.Range(1, 19).Select(i => (long)i), rows.Select(r => r.Line));
        Assert.Equal(File.ReadAllBytes(Expected("round_trace.jsonl")), WriteBack(rows.Select(r => r.Step)));
    }

    [SharedFact]
    public void A_gzip_trace_is_detected_by_its_magic_bytes_whatever_its_name()
    {
        var gz = Path.Combine(_dir, "trace.jsonl");
        using (var file = File.Create(gz))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        {
            zip.Write(File.ReadAllBytes(Expected("round_trace.jsonl")));
        }

        var steps = TraceLabRowReader.ReadSteps(gz, new ReadDiagnostics()).ToList();
        Assert.Equal(File.ReadAllBytes(Expected("round_trace.jsonl")), WriteBack(steps));
    }

    [SharedFact]
    public void Sanitized_rows_are_read_and_the_absent_private_keys_are_recorded()
    {
        var diagnostics = new ReadDiagnostics();
        var rows = TraceLabRowReader.ReadRows(Expected("sanitized_legacy_round_trace.jsonl"), diagnostics).ToList();
        Assert.Equal(0, diagnostics.TotalSkipped);
        Assert.Equal(19, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(TraceLabRowKeys.None, row.Keys & (TraceLabRowKeys.SessionFile | TraceLabRowKeys.Cwd | TraceLabRowKeys.Home | TraceLabRowKeys.User | TraceLabRowKeys.UnknownKey));
            Assert.True(row.Keys.HasFlag(TraceLabRowKeys.Store) && row.Keys.HasFlag(TraceLabRowKeys.TraceKey));
            Assert.Equal(row.Step.Tools.Count == 0, row.Keys.HasFlag(TraceLabRowKeys.ToolInput));
        }

        Assert.All(rows.Where(r => r.Step.Provider == Provider.Claude), r => Assert.True(r.Keys.HasFlag(TraceLabRowKeys.Project)));
        Assert.All(rows.Where(r => r.Step.Provider == Provider.Codex), r => Assert.True(r.Keys.HasFlag(TraceLabRowKeys.TurnId)));
        Assert.Equal(19, rows.Sum(r => r.Step.Tools.Count));
    }

    [Fact]
    public void Bad_lines_are_skipped_and_reported_with_line_and_reason_while_good_rows_survive()
    {
        var good = "{\"provider\":\"codex\",\"session_id\":\"codex:s\",\"round_index\":0,\"round_id\":\"t:0\",\"output_tokens\":7,\"timing_events\":[{\"event_type\":\"text\",\"timestamp\":null,\"source\":\"response_item.message\",\"content_chars\":3}],\"tools\":[]}";
        var lines = new[]
        {
            good,
            "{\"provider\":\"codex\",\"session_id\":\"codex:s\"",
            "",
            "[1,2]",
            "{\"provider\":\"gemini\",\"session_id\":\"x\",\"round_id\":\"y\"}",
            "{\"provider\":\"claude\",\"round_id\":\"y\"}",
            "{\"provider\":\"claude\",\"session_id\":\"s\",\"round_id\":\"y\",\"output_tokens\":\"12\"}",
            "{\"provider\":\"claude\",\"session_id\":\"s\",\"round_id\":\"y\",\"timing_events\":[{\"event_type\":\"nap\",\"source\":\"x\"}]}",
            "{\"provider\":\"claude\",\"session_id\":\"s\",\"round_id\":\"y\",\"tools\":[{\"tool_index\":0}]}",
            good.Replace("\"t:0\"", "\"t:1\"", StringComparison.Ordinal),
        };
        var path = Path.Combine(_dir, "bad.jsonl");
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n").Concat(new byte[] { 0xFF, 0xFE, (byte)'\n' }).Concat(Encoding.UTF8.GetBytes("{\"provider\"")).ToArray();
        File.WriteAllBytes(path, bytes);

        var diagnostics = new ReadDiagnostics();
        var rows = TraceLabRowReader.ReadRows(path, diagnostics).ToList();

        Assert.Equal([1L, 10L], rows.Select(r => r.Line));
        Assert.Equal(["t:0", "t:1"], rows.Select(r => r.Step.RoundId));
        Assert.Equal(7, rows[0].Step.OutputTokens);
        var reported = diagnostics.Examples.Select(e => $"{e.Line}: {e.Reason}").ToList();
        Assert.Equal(
            [
                "2: invalid JSON: unterminated object",
                "4: not a JSON object",
                "5: invalid row: unknown provider 'gemini'",
                "6: invalid row: no session_id",
                "7: invalid row: output_tokens is not a 64-bit integer",
                "8: invalid row: unknown event_type 'nap'",
                "9: invalid row: tool without tool_call_id",
                "11: invalid UTF-8",
                "12: truncated last line: expected ':' at 11",
            ],
            reported);
        Assert.All(diagnostics.Examples, e => Assert.Equal(path, e.File));
    }

    [Fact]
    public void Many_batches_come_back_in_file_order()
    {
        var path = Path.Combine(_dir, "many.jsonl");
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            var padding = new string('x', 2000);
            for (var i = 0; i < 12_000; i++)
            {
                writer.Write($"{{\"provider\":\"claude\",\"session_id\":\"s\",\"round_index\":{i},\"round_id\":\"{padding}\",\"tools\":[]}}\n");
                if (i % 1000 == 999)
                {
                    writer.Write("not json\n");
                }
            }
        }

        var diagnostics = new ReadDiagnostics(maxExamples: 100);
        var steps = TraceLabRowReader.ReadSteps(path, diagnostics).ToList();
        Assert.Equal(Enumerable.Range(0, 12_000), steps.Select(s => s.RoundIndex));
        Assert.Equal(12, diagnostics.TotalSkipped);
        var lines = diagnostics.Examples.Select(e => e.Line).ToList();
        Assert.Equal(lines.Order(), lines);
    }
}
