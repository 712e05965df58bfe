using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Tracelens.Export;
using Tracelens.Ledger;
using Tracelens.Web.Tests.Support;
using Xunit;

namespace Tracelens.Web.Tests;

/// <summary>POST /api/upload: traces in every container, analyzed apart from the user's ledger; hostile input refused.</summary>
public sealed class UploadTests
{
    private static readonly FixtureLedger Fixture = FixtureLedger.Instance;

    private static DashboardFactory Factory(Dictionary<string, string>? settings = null) => new(Fixture.LedgerPath, Fixture.Home, settings);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Upload(HttpClient client, byte[] bytes, bool withHeader = true)
    {
        using var content = new ByteArrayContent(bytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/upload") { Content = content };
        if (withHeader)
        {
            request.Headers.Add("X-Tracelens-Upload", "1");
        }

        using var response = await client.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    private static string[] RawLogs(string provider) =>
        [.. Directory.EnumerateFiles(Path.Combine(Fixture.Home, provider == "claude" ? ".claude" : ".codex"), "*.jsonl", SearchOption.AllDirectories)
            .Where(f => !f.Contains("subagents", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Take(3)];

    private static byte[] TarGz(params (string Name, byte[] Data)[] files)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, data) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Zip(params (string Name, byte[] Data)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in files)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(data);
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    /// <summary>Counted steps when the same files are ingested the ordinary way.</summary>
    private static long StepsIngested(IEnumerable<string> claude, IEnumerable<string> codex)
    {
        var home = Directory.CreateTempSubdirectory("tracelens-web-direct-").FullName;
        foreach (var (file, i) in claude.Select((f, i) => (f, i)))
        {
            Directory.CreateDirectory(Path.Combine(home, ".claude", "projects", "p"));
            File.Copy(file, Path.Combine(home, ".claude", "projects", "p", $"{i}.jsonl"));
        }

        foreach (var (file, i) in codex.Select((f, i) => (f, i)))
        {
            Directory.CreateDirectory(Path.Combine(home, ".codex", "sessions"));
            File.Copy(file, Path.Combine(home, ".codex", "sessions", $"rollout-{i}.jsonl"));
        }

        var fixture = new FixtureLedger { Home = home };
        fixture.Ingest();
        using var ledger = LedgerDatabase.Open(fixture.LedgerPath);
        using var command = ledger.Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM counted_steps";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_tar_gz_of_raw_logs_is_analyzed_in_a_scratch_ledger_and_the_users_ledger_is_untouched()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        var claude = RawLogs("claude");
        var codex = RawLogs("codex");
        var versionBefore = await client.GetStringAsync("/api/version");
        var ledgerWritten = File.GetLastWriteTimeUtc(Fixture.LedgerPath);

        var archive = TarGz([.. claude.Concat(codex).Select((f, i) => ($"logs/{i}/{Path.GetFileName(f)}", File.ReadAllBytes(f)))]);
        var (status, body) = await Upload(client, archive);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("raw", body.GetProperty("kind").GetString());
        Assert.Equal(["claude", "codex"], body.GetProperty("providers").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(StepsIngested(claude, codex), body.GetProperty("steps").GetInt64());
        Assert.Equal(versionBefore, await client.GetStringAsync("/api/version"));
        Assert.Equal(ledgerWritten, File.GetLastWriteTimeUtc(Fixture.LedgerPath));

        // Every endpoint reads the upload with ?upload=ID.
        var id = body.GetProperty("upload_id").GetString();
        using var overview = JsonDocument.Parse(await client.GetStringAsync($"/api/overview?upload={id}"));
        Assert.Equal(body.GetProperty("steps").GetInt64(), overview.RootElement.GetProperty("kpis").GetProperty("steps").GetInt64());
    }

    [Fact]
    public async Task The_sanitized_trace_download_is_gzip_rows_without_paths()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        var (status, body) = await Upload(client, File.ReadAllBytes(RawLogs("claude")[0]));
        Assert.Equal(HttpStatusCode.OK, status);

        using var response = await client.GetAsync(body.GetProperty("sanitized_url").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/gzip", response.Content.Headers.ContentType?.MediaType);
        using var gzip = new GZipStream(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), CompressionMode.Decompress);
        var lines = new StreamReader(gzip, Encoding.UTF8).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(body.GetProperty("steps").GetInt64(), lines.Length);
        Assert.All(lines, line =>
        {
            using var row = JsonDocument.Parse(line);
            Assert.True(row.RootElement.TryGetProperty("session_id", out _));
            Assert.DoesNotContain("/home/dev", line, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task TraceLab_rows_are_imported()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var rows = new MemoryStream();
        using (var ledger = LedgerDatabase.Open(Fixture.LedgerPath))
        {
            TraceLabRowWriter.WriteAll(rows, new LedgerReader(ledger).Steps().Take(50));
        }

        var (status, body) = await Upload(client, Gzip(rows.ToArray()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rows", body.GetProperty("kind").GetString());
        Assert.Equal(50, body.GetProperty("steps").GetInt64());
    }

    [Fact]
    public async Task Unpriced_steps_are_counted_and_named_never_priced_at_zero()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var rows = new MemoryStream();
        using (var ledger = LedgerDatabase.Open(Fixture.LedgerPath))
        {
            TraceLabRowWriter.WriteAll(rows, new LedgerReader(ledger).Steps().Take(30));
        }

        // Ten of the thirty rows name a model no price resolves.
        var lines = Encoding.UTF8.GetString(rows.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select((line, i) => i < 10 ? System.Text.RegularExpressions.Regex.Replace(line, "\"model\": ?\"[^\"]*\"", "\"model\": \"mystery-model-9\"") : line);
        var (status, body) = await Upload(client, Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        Assert.Equal(HttpStatusCode.OK, status);

        using var overview = JsonDocument.Parse(await client.GetStringAsync($"/api/overview?upload={body.GetProperty("upload_id").GetString()}"));
        var root = overview.RootElement;
        Assert.Equal(10, root.GetProperty("kpis").GetProperty("unpriced_steps").GetInt64());
        Assert.Equal(["mystery-model-9"], root.GetProperty("unpriced_models").EnumerateArray().Select(m => m.GetString()));
        var mystery = root.GetProperty("spend_by_model").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "mystery-model-9");
        Assert.Equal(JsonValueKind.Null, mystery.GetProperty("cost_usd").ValueKind);
        Assert.Equal(10, mystery.GetProperty("unpriced_steps").GetInt64());
    }

    [Fact]
    public async Task Archive_entries_that_would_leave_the_scratch_folder_are_skipped_and_named()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        var log = File.ReadAllBytes(RawLogs("claude")[0]);
        var marker = "tracelens-zip-slip-" + Guid.NewGuid().ToString("N");
        var (status, body) = await Upload(client, Zip(("../../" + marker + ".jsonl", log), ("/tmp/" + marker + ".jsonl", log), ("ok/session.jsonl", log)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("files").GetInt64());
        var warnings = body.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Contains(warnings, w => w.StartsWith("../../" + marker, StringComparison.Ordinal) && w.Contains("skipped", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("/tmp/" + marker, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), marker + "*", SearchOption.TopDirectoryOnly));
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("png")]
    [InlineData("json without traces")]
    public async Task A_file_that_is_no_trace_is_refused_with_a_clear_message(string what)
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        var bytes = what switch
        {
            "png" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13],
            "plain text" => Encoding.UTF8.GetBytes("hello, this is a shopping list\nmilk\n"),
            _ => Encoding.UTF8.GetBytes("{\"name\":\"package\",\"version\":\"1.0.0\"}\n"),
        };
        var (status, body) = await Upload(client, bytes);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("not-a-trace", body.GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith("not a trace: ", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_archive_with_no_trace_files_is_refused()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        var (status, body) = await Upload(client, Zip(("notes.txt", "hi"u8.ToArray()), ("image.png", [1, 2, 3])));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no .jsonl, .json or .ndjson file", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_over_the_size_cap_is_a_413()
    {
        using var factory = Factory(new() { ["Tracelens:MaxUploadBytes"] = "1000" });
        using var client = factory.CreateClient();
        var (status, body) = await Upload(client, new byte[5000]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("too-large", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_decompression_bomb_stops_at_the_unpacked_cap()
    {
        using var factory = Factory(new() { ["Tracelens:MaxUnpackedBytes"] = "1000000" });
        using var client = factory.CreateClient();
        var bomb = Gzip(new byte[50_000_000]); // 50 MB of zeros in about 50 KB
        Assert.True(bomb.Length < 100_000);
        var (status, body) = await Upload(client, bomb);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("unpacks to more than", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_archive_with_too_many_members_is_refused()
    {
        using var factory = Factory(new() { ["Tracelens:MaxUploadMembers"] = "5" });
        using var client = factory.CreateClient();
        var log = File.ReadAllBytes(RawLogs("claude")[0]);
        var (status, body) = await Upload(client, Zip([.. Enumerable.Range(0, 6).Select(i => ($"s{i}.jsonl", log))]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("more than 5 trace files", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_without_the_dashboard_header_is_refused()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        var (status, body) = await Upload(client, File.ReadAllBytes(RawLogs("claude")[0]), withHeader: false);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("X-Tracelens-Upload", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/overview?upload=0123456789abcdef")]
    [InlineData("/api/upload/0123456789abcdef/sanitized")]
    [InlineData("/api/upload/..%2F..%2Fetc/sanitized")]
    public async Task An_unknown_upload_is_a_404(string path)
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
