using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Tracelens.Figures.Png;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Figures;

/// <summary>PNG chunks and TraceLab's sidecar text entries (tracelab-spec §8), on a hand-built PNG.</summary>
public sealed class PngSidecarTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-sidecar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Chunk_crc_is_the_one_png_defines()
    {
        // Every PNG ends with this exact IEND chunk CRC.
        Assert.Equal(0xAE426082u, PngChunks.Crc("IEND"u8, []));
        var chunks = PngChunks.Read(TinyPng.Create());
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        Assert.Equal(TinyPng.Create(), PngChunks.Write(chunks));
    }

    [Fact]
    public void Damaged_files_are_refused_saying_where()
    {
        var png = TinyPng.Create();
        var flipped = (byte[])png.Clone();
        flipped[20] ^= 1; // inside IHDR's data
        Assert.Contains("CRC mismatch in the IHDR chunk at byte 8", Assert.Throws<InvalidDataException>(() => PngChunks.Read(flipped)).Message, StringComparison.Ordinal);
        Assert.Contains("truncated PNG", Assert.Throws<InvalidDataException>(() => PngChunks.Read(png.AsSpan(0, png.Length - 6))).Message, StringComparison.Ordinal);
        Assert.Contains("not a PNG file", Assert.Throws<InvalidDataException>(() => PngChunks.Read("GIF89a.."u8)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latin1_text_goes_in_zTXt_and_other_text_in_compressed_iTXt_and_both_read_back_exactly()
    {
        var csv = "group,count\r\nall,19\r\n";
        var latin1 = "Median · 252 tokens, café";
        var unicode = "p ≤ 0.5 − see →, 🚀";
        var png = TinyPng.With(new("sidecar:data/a.csv", csv), new("sidecar:latin1", latin1), new("sidecar:readme", unicode));
        var chunks = PngChunks.Read(png);
        Assert.Equal(["IHDR", "zTXt", "zTXt", "iTXt", "IDAT", "IEND"], chunks.Select(c => c.Type));
        // iTXt: keyword, NUL, compression flag 1, method 0, empty language tag, NUL, empty translated keyword, NUL, zlib.
        var itxt = chunks[3].Data;
        Assert.Equal("sidecar:readme\0\u0001\0\0\0", Encoding.Latin1.GetString(itxt, 0, 19));
        Assert.Equal(0x78, itxt[19]); // a zlib header, not raw deflate
        Assert.Equal([("sidecar:data/a.csv", csv, "zTXt"), ("sidecar:latin1", latin1, "zTXt"), ("sidecar:readme", unicode, "iTXt")], PngSidecar.Read(png).Select(e => (e.Key, e.Text, e.ChunkType)));
    }

    [Fact]
    public void The_manifest_is_json_dumps_indent_2_of_keys_and_code_point_counts()
    {
        var entries = PngSidecar.Entries("read 🚀 me\n", [("b.csv", "x\r\n"), ("a.csv", "é")], [new("data/manifest.json", "{}")]);
        Assert.Equal(["sidecar:readme", "sidecar:data/a.csv", "sidecar:data/b.csv", "sidecar:data/manifest.json", "sidecar:manifest"], entries.Select(e => e.Key));
        Assert.Equal(
            "{\n  \"entries\": [\n    {\n      \"key\": \"sidecar:readme\",\n      \"chars\": 10\n    },\n    {\n      \"key\": \"sidecar:data/a.csv\",\n      \"chars\": 1\n    },\n" +
            "    {\n      \"key\": \"sidecar:data/b.csv\",\n      \"chars\": 3\n    },\n    {\n      \"key\": \"sidecar:data/manifest.json\",\n      \"chars\": 2\n    }\n  ]\n}",
            entries[^1].Text);
        Assert.Equal("{\n  \"entries\": []\n}", PngSidecar.ManifestJson([]));
    }

    [Fact]
    public void Long_keys_are_cut_to_78_characters_and_a_tilde_as_TraceLab_does()
    {
        var key = "sidecar:data/" + new string('x', 80) + ".csv";
        var keyword = PngSidecar.Keyword(key);
        Assert.Equal(79, keyword.Length);
        Assert.Equal(key[..78] + "~", keyword);
        Assert.Throws<ArgumentException>(() => PngSidecar.Keyword("sidecar:→"));
    }

    [Fact]
    public void Embedding_again_replaces_an_entry_and_adds_the_resolution_once()
    {
        var png = PngSidecar.Embed(TinyPng.With(new("sidecar:readme", "old"), new("Software", "kept")), [new("sidecar:readme", "new")], dpi: 180);
        var chunks = PngChunks.Read(png);
        Assert.Equal(["IHDR", "pHYs", "zTXt", "zTXt", "IDAT", "IEND"], chunks.Select(c => c.Type));
        Assert.Equal([0, 0, 0x1B, 0xAF, 0, 0, 0x1B, 0xAF, 1], chunks[1].Data); // 7087 pixels per metre = 180 dpi
        Assert.Equal([("sidecar:readme", "new"), ("Software", "kept")], PngSidecar.ReadAllText(png).Select(t => (t.Key, t.Text)));
    }

    [Fact]
    public void A_key_seen_twice_keeps_its_first_place_and_its_last_text()
    {
        var first = TinyPng.With(new("sidecar:a", "1"), new("sidecar:b", "2"));
        var chunks = PngChunks.Read(first);
        var duplicate = chunks.Single(c => Encoding.Latin1.GetString(c.Data).StartsWith("sidecar:a\0", StringComparison.Ordinal));
        var png = PngChunks.Write([.. chunks.Take(3), duplicate with { Data = PngChunks.Read(TinyPng.With(new SidecarEntry("sidecar:a", "3")))[1].Data }, .. chunks.Skip(3)]);
        Assert.Equal([("sidecar:a", "3"), ("sidecar:b", "2")], PngSidecar.Read(png).Select(e => (e.Key, e.Text)));
    }

    [Fact]
    public void A_text_chunk_inflating_past_64_MiB_is_refused()
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 65; i++)
            {
                zlib.Write(zeros);
            }
        }

        var bomb = new PngChunk("zTXt", [.. "sidecar:bomb\0\0"u8.ToArray(), .. compressed.ToArray()]);
        var chunks = PngChunks.Read(TinyPng.Create());
        var png = PngChunks.Write([chunks[0], bomb, .. chunks.Skip(1)]);
        Assert.Contains("inflates past 64 MiB", Assert.Throws<InvalidDataException>(() => PngSidecar.Read(png)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sidecar:readme", "README.md")]
    [InlineData("sidecar:manifest", "manifest.json")]
    [InlineData("sidecar:data/output_tokens_summary.csv", "data/output_tokens_summary.csv")]
    [InlineData("sidecar:code/plot.py", "code/plot.py")]
    [InlineData("sidecar:notes.txt", "notes.txt")]
    [InlineData("sidecar:..", null)]
    [InlineData("sidecar:../escape.txt", null)]
    [InlineData("sidecar:data/../../escape.txt", null)]
    [InlineData("sidecar:/etc/cron.d/x", null)]
    [InlineData("sidecar:data/sub/x.csv", null)]
    [InlineData("sidecar:data\\..\\x.csv", null)]
    [InlineData("sidecar:C:evil", null)]
    [InlineData("sidecar:data/", null)]
    [InlineData("Software", null)]
    public void Only_plain_names_in_TraceLabs_layout_are_extracted(string key, string? expected)
    {
        Assert.Equal(expected, PngSidecar.ExtractPath(key, out var refusal));
        Assert.Equal(expected is null, refusal is not null);
    }

    [Fact]
    public void Extraction_writes_inside_the_folder_and_refuses_the_rest()
    {
        var png = TinyPng.With(new("sidecar:readme", "# r\n"), new("sidecar:../escape.txt", "x"), new("sidecar:data/t.csv", "a\r\n"));
        var target = Path.Combine(_dir, "out");
        var result = PngSidecar.Extract(PngSidecar.Read(png), target);
        Assert.Equal([("sidecar:readme", "README.md", 4L), ("sidecar:data/t.csv", "data/t.csv", 3L)], result.Written);
        Assert.Equal("sidecar:../escape.txt", Assert.Single(result.Refused).Key);
        Assert.False(File.Exists(Path.Combine(_dir, "escape.txt")));
        Assert.Equal("a\r\n"u8.ToArray(), File.ReadAllBytes(Path.Combine(target, "data", "t.csv")));
    }

    [NativeFact(false, "pngcheck")]
    public void Pngcheck_accepts_a_png_with_entries()
    {
        var path = Path.Combine(_dir, "tiny.png");
        File.WriteAllBytes(path, PngSidecar.Embed(TinyPng.Create(), PngSidecar.Entries("≤ readme", [("a.csv", "x,y\r\n1,2\r\n")]), dpi: 96));
        var (code, stdout, stderr) = ExternalProgram.Run("pngcheck", "-v", path);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("No errors detected", stdout, StringComparison.Ordinal);
    }

    [NativeFact(false, "python3")]
    public void TraceLabs_reading_algorithm_sees_the_same_entries()
    {
        var path = Path.Combine(_dir, "tiny.png");
        var entries = PngSidecar.Entries("# t\n≤ − →\n", [("a.csv", "x,y\r\n1,2\r\n"), ("b.csv", "café\r\n")]);
        File.WriteAllBytes(path, PngSidecar.Embed(TinyPng.Create(), entries));
        var (code, stdout, stderr) = ExternalProgram.Run("python3", TraceLabReader, "list", path);
        Assert.True(code == 0, stderr);
        var read = JsonSerializer.Deserialize<Dictionary<string, string>>(stdout)!;
        Assert.Equal(entries.ToDictionary(e => e.Key, e => e.Text), read);
    }

    /// <summary>The standard-library mirror of TraceLab's extractor beside this file.</summary>
    public static string TraceLabReader => Path.Combine(TestPaths.RepoRoot, "tests", "Tracelens.Tests", "Figures", "tracelab_sidecar.py");
}
