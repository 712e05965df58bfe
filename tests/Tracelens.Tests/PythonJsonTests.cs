using System.Text;
using Tracelens.Json;
using Tracelens.Readers;
using Xunit;

namespace Tracelens.Tests;

public class PythonJsonTests
{
    private static (JsonTape Tape, int Root) Parse(string json)
    {
        var tape = new JsonTape();
        Assert.True(tape.Parse(Encoding.UTF8.GetBytes(json)), tape.Error);
        return (tape, JsonTape.Root);
    }

    [Theory]
    [InlineData("{\"a\":1.10,\"b\":[true,false,null],\"c\":\"x\"}", "{\"a\":1.1,\"b\":[true,false,null],\"c\":\"x\"}")]
    [InlineData("{ \"k\" : -0 , \"e\": 1e5, \"s\": 1E-7 }", "{\"k\":0,\"e\":100000.0,\"s\":1e-07}")]
    [InlineData("{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}")]
    [InlineData("\"tab\\there \\u00e9\\u0001 \\/ \\\"q\\\"\"", "\"tab\\there é\\u0001 / \\\"q\\\"\"")]
    [InlineData("[\"\\ud83d\\ude00\", \"😀\", \"\\u2028\"]", "[\"😀\",\"😀\",\"\u2028\"]")]
    [InlineData("[NaN, Infinity, -Infinity, 1e400]", "[NaN,Infinity,-Infinity,Infinity]")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("\"\\u0022\\u005c\\u000a\\u001f\\u007f\\u00e9x\"", "\"\\\"\\\\\\n\\u001f\u007féx\"")]
    public void Serializes_like_python_json_dumps(string input, string expected)
    {
        var (tape, root) = Parse(input);
        var text = PythonJson.Serialize(tape, root);
        Assert.Equal(expected, text);
        // The byte-level writer (no UTF-16 round trip) must produce the same text.
        Assert.Equal(expected, Encoding.UTF8.GetString(PythonJson.SerializeUtf8(tape, root)));
        // The size measures must agree with the text they describe.
        Assert.Equal(CodePoints(text), PythonJson.SerializedLength(tape, root));
        Assert.Equal(Encoding.UTF8.GetByteCount(text), PythonJson.SerializedSize(tape, root, utf8Bytes: true));
    }

    private static int CodePoints(string s) => JsonStringCodec.CountCodePoints(s);

    [Fact]
    public void A_lone_surrogate_is_written_as_the_replacement_character()
    {
        var (tape, root) = Parse("\"a\\ud800b\"");
        Assert.Equal("\"a\ufffdb\"", Encoding.UTF8.GetString(PythonJson.SerializeUtf8(tape, root)));
    }

    [Theory]
    [InlineData("\"héllo\"", 5, 6)]
    [InlineData("\"a\\nb\"", 3, 3)]
    [InlineData("\"\\ud83d\\ude00x\"", 2, 5)]
    [InlineData("\"日本\"", 2, 6)]
    public void Content_chars_and_output_bytes_of_strings_are_decoded_sizes(string json, int chars, long bytes)
    {
        var (tape, root) = Parse(json);
        Assert.Equal(chars, PythonJson.ContentChars(tape, root));
        Assert.Equal(bytes, ToolOutput.Bytes(tape, root));
    }

    [Theory]
    [InlineData("01")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1 2]")]
    [InlineData("\"raw\ttab\"")]
    [InlineData("\"bad \\x escape\"")]
    [InlineData("\ufeff{}")]
    [InlineData("1.")]
    [InlineData("-")]
    [InlineData("{\"a\":1} x")]
    [InlineData("")]
    public void Rejects_what_python_json_loads_rejects(string json) =>
        Assert.False(new JsonTape().Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Duplicate_keys_resolve_to_the_last_value()
    {
        var (tape, root) = Parse("{\"id\":\"first\",\"x\":1,\"id\":\"last\"}");
        Assert.Equal("last", tape.GetString(tape.Get(root, "id"u8)));
    }

    [Fact]
    public void Truncation_markers_are_found_in_any_case()
    {
        var (tape, root) = Parse("[\"ok\",\"Output TRUNCATED to 30000 chars\"]");
        Assert.True(ToolOutput.Truncated(tape, root));
        var (clean, cleanRoot) = Parse("\"nothing cut here, the truncate() call returned\"");
        Assert.False(ToolOutput.Truncated(clean, cleanRoot));
        var (mixed, mixedRoot) = Parse("\"[tRuNcAtEd]\"");
        Assert.True(ToolOutput.Truncated(mixed, mixedRoot)); // as burn lower-cases the payload first
    }

    /// <summary>
    /// The one-pass marker search against lower-casing and searching, on payloads whose markers,
    /// near misses and multi-byte characters fall on every offset of a 32-byte block.
    /// </summary>
    [Fact]
    public void Marker_search_equals_lower_casing_and_searching_at_every_block_position()
    {
        string[] markers = ["<system-truncated>", "[truncated]", "output truncated", "result truncated", "response truncated", "truncated to "];
        string[] pieces = ["a", "r", "t", "run", "truncate", "TRUNCAT", "runcat", "RunCat", "trunc", "é", "日本", " ", "[", "output ", "to ", "Truncated"];
        var rng = new Random(31);
        var found = 0;
        for (var iteration = 0; iteration < 30_000; iteration++)
        {
            var text = new System.Text.StringBuilder(new string('x', rng.Next(40)));
            for (var k = rng.Next(12); k > 0; k--)
            {
                text.Append(pieces[rng.Next(pieces.Length)]);
            }

            if (rng.Next(4) == 0)
            {
                var marker = markers[rng.Next(markers.Length)];
                text.Insert(rng.Next(text.Length + 1), new string([.. marker.Select(c => rng.Next(2) == 0 ? char.ToUpperInvariant(c) : c)]));
            }

            var s = text.ToString();
            var expected = markers.Any(m => s.ToLowerInvariant().Contains(m, StringComparison.Ordinal));
            found += expected ? 1 : 0;
            Assert.True(expected == ToolOutput.HasMarker(System.Text.Encoding.UTF8.GetBytes(s)), $"iteration {iteration}: \"{s}\"");
        }

        Assert.InRange(found, 6000, 24_000);
    }

    /// <summary>
    /// Python's json.dumps default (ensure_ascii=True), as summary.json is written: everything
    /// outside printable ASCII, DEL included, is \uXXXX, astral characters as surrogate pairs.
    /// Expected: python3 -c 'import json; print(json.dumps({"k\u00e9": "a\u007f\\n\"\U0001F600"}, indent=2))'.
    /// </summary>
    [Fact]
    public void Indented_output_escapes_everything_outside_printable_ascii()
    {
        var value = PyValue.Parse("{\"k\u00e9\": \"a\u007f\\n\\\"\ud83d\ude00\"}");
        Assert.Equal("{\n  \"k\\u00e9\": \"a\\u007f\\n\\\"\\ud83d\\ude00\"\n}", PythonJsonIndented.Serialize(value));
    }
}
