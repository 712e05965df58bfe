using System.IO.Compression;
using System.Text;
using Tracelens.Sanitize;
using Xunit;
using static Tracelens.Tests.Sanitize.SanitizeTestKit;

namespace Tracelens.Tests.Sanitize;

public sealed class SanitizerRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-sanitize-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_invalid_line_stops_the_run_with_its_number()
    {
        var (report, _) = Run(Jsonl(CodexRow, "{\"a\":1,}"), Keyed() with { InputName = "in.jsonl" });

        Assert.False(report.Succeeded);
        Assert.Equal(2, report.ErrorLine);
        Assert.StartsWith("in.jsonl:2: invalid JSONL row: ", report.Error, StringComparison.Ordinal);
        Assert.Equal(1, report.Rows);
    }

    [Fact]
    public void A_line_that_is_not_an_object_is_rejected()
    {
        var (report, _) = Run("[1,2]\n", Keyed() with { InputName = "in.jsonl" });
        Assert.Equal("in.jsonl:1: expected JSON object row", report.Error);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted_and_every_newline_style_ends_a_line()
    {
        var (report, _) = Run("{}\r\n \t\n\u3000\u001c\r{}\r{oops\n", Keyed());
        Assert.Equal(5, report.ErrorLine);
        Assert.Equal(2, report.Rows);
        Assert.StartsWith("<input>:5: invalid JSONL row", report.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_final_line_without_newline_is_read()
    {
        var (report, output) = Run("{\"a\":1}\n{\"b\":2}", Keyed());
        Assert.True(report.Succeeded);
        Assert.Equal("{\"a\":1}\n{\"b\":2}\n", output);
    }

    [Fact]
    public void Invalid_utf8_is_replaced_like_pythons_errors_replace()
    {
        byte[] input = [.. "{\"note\":\"a"u8, 0xFF, .. "b\"}\n"u8];
        var (report, output) = Run(input, Keyed());
        Assert.True(report.Succeeded, report.Error);
        Assert.Equal("{\"note\":\"a\uFFFDb\"}\n", output);
    }

    [Fact]
    public void A_byte_order_mark_makes_the_first_line_invalid_as_in_python()
    {
        var (report, _) = Run("\uFEFF{}\n", Keyed());
        Assert.Equal(1, report.ErrorLine);
    }

    [Fact]
    public void A_leaking_row_is_refused_with_its_line_and_breadcrumbs_and_the_rest_is_written()
    {
        // TraceLab returns a non-string project unchanged, so its cwd survives sanitization.
        var leaky = """{"provider":"claude","project":{"cwd":"/w"},"session_id":"s"}""";
        var (report, output) = Run(Jsonl(ClaudeRow, leaky, CodexRow), TraceLab());

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(2, report.Rows);
        var refused = Assert.Single(report.Refused);
        Assert.Equal(2, refused.Line);
        Assert.Equal(["project.cwd"], refused.Leaks.Select(l => l.Path));
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("\"cwd\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gate_uses_the_given_user_name()
    {
        var row = """{"provider":"claude","note":"made on zelda-desktop"}""";
        Assert.Empty(Run(row, Keyed()).Report.Refused);
        var refused = Assert.Single(Run(row, Keyed() with { Gate = new LeakGateOptions { UserName = "zelda" } }).Report.Refused);
        Assert.Equal(LeakReason.UserName, Assert.Single(refused.Leaks).Reason);
    }

    [Fact]
    public void Read_failures_are_reported_not_thrown()
    {
        var report = Sanitizer.Run(new FailingStream(), new MemoryStream(), Keyed() with { InputName = "in.jsonl" });
        Assert.StartsWith("in.jsonl: ", report.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_file_writes_the_output_and_leaves_no_temporary_file()
    {
        var input = Write("in.jsonl", Jsonl(ClaudeRow, CodexRow));
        var output = Path.Combine(_dir, "out", "clean.jsonl");

        var report = Sanitizer.RunFile(input, output, Keyed());

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(Run(Jsonl(ClaudeRow, CodexRow), Keyed()).Output, File.ReadAllText(output));
        Assert.Equal(["clean.jsonl"], Directory.GetFiles(Path.Combine(_dir, "out")).Select(Path.GetFileName));
    }

    [Fact]
    public void Run_file_on_an_invalid_line_writes_nothing_and_keeps_an_existing_output()
    {
        var input = Write("in.jsonl", Jsonl(ClaudeRow, "not json", CodexRow));
        var fresh = Path.Combine(_dir, "fresh.jsonl");
        var existing = Write("existing.jsonl", "previous\n");

        var first = Sanitizer.RunFile(input, fresh, Keyed());
        var second = Sanitizer.RunFile(input, existing, Keyed());

        Assert.Equal($"{input}:2: invalid JSONL row: ", first.Error![..(input.Length + 23)]);
        Assert.Equal(2, second.ErrorLine);
        Assert.False(File.Exists(fresh));
        Assert.Equal("previous\n", File.ReadAllText(existing));
        Assert.Equal(["existing.jsonl", "in.jsonl"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Run_file_reports_a_missing_input_without_throwing()
    {
        var report = Sanitizer.RunFile(Path.Combine(_dir, "nope.jsonl"), Path.Combine(_dir, "out.jsonl"), Keyed());
        Assert.False(report.Succeeded);
        Assert.Contains("nope.jsonl", report.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Gzip_input_is_detected_by_its_magic_bytes()
    {
        var plain = Jsonl(ClaudeRow, CodexRow);
        var gz = Path.Combine(_dir, "in.jsonl.data");
        using (var file = File.Create(gz))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        {
            zip.Write(Encoding.UTF8.GetBytes(plain));
        }

        var output = Path.Combine(_dir, "out.jsonl");
        var report = Sanitizer.RunFile(gz, output, Keyed());

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(Run(plain, Keyed()).Output, File.ReadAllText(output));
    }

    [Fact]
    public void Open_input_detects_gzip_on_an_unseekable_stream_and_passes_plain_bytes_through()
    {
        var compressed = new MemoryStream();
        using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write("{\"x\":1}\n"u8);
        }

        using var unzipped = new StreamReader(Sanitizer.OpenInput(new ForwardOnlyStream(compressed.ToArray())));
        Assert.Equal("{\"x\":1}\n", unzipped.ReadToEnd());
        using var plain = new StreamReader(Sanitizer.OpenInput(new ForwardOnlyStream("{}"u8.ToArray())));
        Assert.Equal("{}", plain.ReadToEnd());
        using var tiny = new StreamReader(Sanitizer.OpenInput(new ForwardOnlyStream([0x1F])));
        Assert.Equal("\u001f", tiny.ReadToEnd());
    }

    [Fact]
    public void Long_lines_across_buffer_refills_are_read_whole()
    {
        var note = new string('x', 200_000);
        var row = $"{{\"note\":\"{note}\"}}";
        var (report, output) = Run(row + "\r\n" + row + "\r", Keyed());
        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(row + "\n" + row + "\n", output);
    }

    [Fact]
    public void A_crlf_split_by_a_buffer_refill_is_one_line_end()
    {
        // The reader fills 64 KiB at a time: put the '\r' last in the first fill, the '\n' first in the next.
        var row = "{\"note\":\"" + new string('x', 65536 - 12) + "\"}";
        Assert.Equal(65535, row.Length);
        var (report, _) = Run(row + "\r\n{bad\n", Keyed());
        Assert.Equal(1, report.Rows);
        Assert.Equal(2, report.ErrorLine);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private sealed class FailingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("disk gone");

        public override int Read(Span<byte> buffer) => throw new IOException("disk gone");
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
