using System.Text;
using Tracelens.Json;
using Tracelens.Readers;
using Xunit;

namespace Tracelens.Tests.Readers;

/// <summary>
/// The line reader takes most records in one pass, letting the JSON parse find where a line ends.
/// These tests hold <see cref="JsonlLineReader.TryReadRecord"/> to a plain reference — split the
/// bytes at universal newlines, then judge each line alone — on generated files mixing every kind
/// of line, line break and buffer boundary.
/// </summary>
public class JsonlLineReaderTests
{
    private static readonly string[] Breaks = ["\n", "\r\n", "\r"];

    private static string Line(Random rng) => rng.Next(16) switch
    {
        0 => "",
        1 => rng.Next(2) == 0 ? "   " : " \t ",
        2 => "  {\"type\":\"user\"}", // leading whitespace
        3 => "{\"a\":" + Breaks[rng.Next(Breaks.Length)] + "1}", // a break inside JSON whitespace: two bad lines
        4 => new[] { "[1,2]", "\"text\"", "42", "null" }[rng.Next(4)],
        5 => new[] { "{\"a\":1", "{\"a\":1}}", "{\"a\":1} x", "{\"a\":1}\f", "{\"a\":\"tab\there\"}" }[rng.Next(5)],
        6 => "{\"a\":\"" + "\u00e9\\n".PadRight(rng.Next(2, 3000), 'x') + "\"}", // long, multi-byte, escaped
        7 => "{ \"a\" : [ 1 , { \"b\" : null } ] }" + (rng.Next(2) == 0 ? "  \t" : ""),
        8 => "{\"s\":\"" + new string('\\', 2 * rng.Next(4)) + "\\\"q\",\"n\":-1.5e3,\"t\":true}",
        _ => "{\"type\":\"assistant\",\"message\":{\"id\":\"m" + rng.Next(1000) + "\",\"content\":[{\"type\":\"text\",\"text\":\"hi\\u00e9\"}]}}",
    };

    /// <summary>A generated file: its bytes, some with invalid UTF-8, and whether the last line has a break.</summary>
    private static byte[] File(Random rng)
    {
        var bytes = new List<byte>();
        var lines = rng.Next(1, 40);
        for (var i = 0; i < lines; i++)
        {
            var line = Encoding.UTF8.GetBytes(Line(rng));
            if (rng.Next(25) == 0 && line.Length > 4)
            {
                line[rng.Next(1, line.Length - 1)] = 0xff;
            }

            bytes.AddRange(line);
            if (i < lines - 1 || rng.Next(3) > 0)
            {
                bytes.AddRange(Encoding.ASCII.GetBytes(Breaks[rng.Next(Breaks.Length)]));
            }
        }

        return [.. bytes];
    }

    private sealed record Record(long Line, long Offset, long Next, bool Terminated, string Bytes, string Root, int Entries);

    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexString(b);

    private static (List<Record> Records, List<string> Skipped, bool HeldBack) ReadWithReader(byte[] file, int bufferSize, bool holdBack)
    {
        var diagnostics = new ReadDiagnostics(maxExamples: 1000);
        using var reader = new JsonlLineReader(new MemoryStream(file), bufferSize: bufferSize) { HoldBackUnfinishedLine = holdBack };
        var tape = new JsonTape();
        var records = new List<Record>();
        while (reader.TryReadRecord(tape, "f", diagnostics, replaceInvalidUtf8: false))
        {
            records.Add(new Record(reader.LineNumber, reader.LineOffset, reader.NextOffset, reader.LineTerminated, Hex(reader.LastRecord),
                Hex(tape.RawValueSpan(JsonTape.Root)), tape.Count));
        }

        return (records, diagnostics.Examples.Select(e => $"{e.Line} {e.Reason}").ToList(), reader.HeldBack);
    }

    private static (List<Record> Records, List<string> Skipped, bool HeldBack) Reference(byte[] file, bool holdBack)
    {
        var records = new List<Record>();
        var skipped = new List<string>();
        var start = 0;
        long number = 0;
        while (start < file.Length)
        {
            var end = start;
            while (end < file.Length && file[end] != (byte)'\n' && file[end] != (byte)'\r')
            {
                end++;
            }

            var terminated = end < file.Length;
            var next = !terminated ? end : file[end] == (byte)'\r' && end + 1 < file.Length && file[end + 1] == (byte)'\n' ? end + 2 : end + 1;
            var line = file[start..end];
            number++;
            if (!JsonlLineReader.IsBlank(line))
            {
                var tape = new JsonTape();
                var valid = System.Text.Unicode.Utf8.IsValid(line);
                var parsed = valid && tape.ParseInPlace(line, 0, line.Length);
                if (!parsed && !terminated && holdBack)
                {
                    return (records, skipped, true);
                }

                if (!valid)
                {
                    skipped.Add($"{number} invalid UTF-8");
                }
                else if (!parsed)
                {
                    skipped.Add($"{number} {(terminated ? "invalid JSON" : "truncated last line")}: {tape.Error}");
                }
                else if (tape.KindOf(JsonTape.Root) != JsonKind.Object)
                {
                    skipped.Add($"{number} not a JSON object");
                }
                else
                {
                    records.Add(new Record(number, start, next, terminated, Hex(line), Hex(tape.RawValueSpan(JsonTape.Root)), tape.Count));
                }
            }

            start = next;
        }

        return (records, skipped, false);
    }

    [Fact]
    public void Records_lines_and_skipped_lines_are_those_of_reading_each_line_alone()
    {
        var rng = new Random(20261202);
        var records = 0;
        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var file = File(rng);
            var holdBack = rng.Next(4) == 0;
            var expected = Reference(file, holdBack);
            records += expected.Records.Count;
            foreach (var bufferSize in new[] { 16, 61, 1000, 1 << 16 })
            {
                var actual = ReadWithReader(file, bufferSize, holdBack);
                var context = $"iteration {iteration}, buffer {bufferSize}: {Hex(file)}";
                Assert.True(expected.Records.SequenceEqual(actual.Records), context);
                Assert.True(expected.Skipped.SequenceEqual(actual.Skipped), $"{context}\n{string.Join('\n', actual.Skipped)}");
                Assert.Equal(expected.HeldBack, actual.HeldBack);
            }
        }

        Assert.True(records > 20_000, $"only {records} records were generated");
    }
}
