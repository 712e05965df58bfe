using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Tracelens.Figures.Png;
using Tracelens.Synth;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>
/// The Native AOT executable that <c>./tracelens</c> runs against the CLI in-process (the JIT build
/// every other test drives): the same commands on the same generated history, in the same sealed
/// environment (HOME, NO_COLOR=1, TZ=UTC and nothing else), must give the same exit code, stdout,
/// stderr and files. Catches what only AOT breaks: trimmed reflection, embedded resources, P/Invoke
/// (SQLite, librsvg), the request-delegate generator behind <c>serve</c>.
/// It tests whatever <c>./tracelens</c> last built; it cannot tell whether that build is stale.
/// </summary>
public sealed class NativeAotParityTests : IDisposable
{
    // A fixed sanitizing secret, so both sides' sanitized exports use the same pseudonyms.
    private const string Secret = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private readonly string _root = Directory.CreateTempSubdirectory("tracelens-aot-parity-").FullName;

    // The same history twice, in folders of equal length (a/, b/): each side's folder is the one
    // thing that legitimately differs in its output, and it is replaced by <ROOT> on both sides.
    private readonly Side _jit;
    private readonly Side _aot;

    public NativeAotParityTests()
    {
        _jit = new Side(Path.Combine(_root, "a"));
        _aot = new Side(Path.Combine(_root, "b"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [NativeCliFact]
    public void Commands_print_the_same_as_in_process()
    {
        Same(0, "--version");
        Same(0, "--help");
        Same(0, "prices");
        Same(0, "prices", "--json");
        Ingest();
        Same(0, "summary");
        Same(0, "summary", "--json");
        Same(0, "daily", "--json");
        Same(0, "hotspots", "--rank-by", "bytes");
        Same(0, "hotspots", "--findings", "--json");
        Same(0, "sessions");
        Same(0, "compare", "claude-sonnet-4-5,gpt-5.4");
        Same(1, "summary", "--since", "yesterday");
    }

    [NativeCliFact]
    public void Sanitized_export_writes_the_same_bytes()
    {
        Ingest();
        Same(0, "export", "--format", "tracelab", "--sanitize", "-o", "<ROOT>/export.jsonl");
        var jit = File.ReadAllBytes(Path.Combine(_jit.Root, "export.jsonl"));
        Assert.NotEmpty(jit);
        Assert.Equal(jit, File.ReadAllBytes(Path.Combine(_aot.Root, "export.jsonl")));
    }

    [NativeCliFact]
    public void Experiment_run_writes_the_same_files()
    {
        Ingest();
        Same(0, "experiments", "run", "prefix_cache/cache_hit_ratio", "--no-ingest", "-o", "<ROOT>/results");
        var jitDir = Path.Combine(_jit.Root, "results");
        var aotDir = Path.Combine(_aot.Root, "results");
        var files = Directory.GetFiles(jitDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(jitDir, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(aotDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(aotDir, f)).Order(StringComparer.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".csv", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".svg", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var jit = File.ReadAllBytes(Path.Combine(jitDir, file));
            var aot = File.ReadAllBytes(Path.Combine(aotDir, file));
            if (Path.GetFileName(file) == "manifest.json")
            {
                // The manifest names its source, the side's ledger.
                Assert.Equal(_jit.Normalize(Encoding.UTF8.GetString(jit)), _aot.Normalize(Encoding.UTF8.GetString(aot)));
            }
            else if (file.EndsWith(".png", StringComparison.Ordinal))
            {
                // A figure carries that manifest in a compressed text chunk: the image chunks must be
                // identical, the text chunks identical once decoded and normalized.
                Assert.Equal(Describe(jit, _jit), Describe(aot, _aot));
            }
            else
            {
                Assert.True(jit.AsSpan().SequenceEqual(aot), $"{file} differs");
            }
        }
    }

    private static string Describe(byte[] png, Side side)
    {
        var chunks = PngChunks.Read(png)
            .Where(c => c.Type is not ("tEXt" or "zTXt" or "iTXt"))
            .Select(c => $"{c.Type} {Convert.ToHexString(SHA256.HashData(c.Data))}");
        var texts = PngSidecar.ReadAllText(png).Select(t => $"{t.ChunkType} {t.Key}: {side.Normalize(t.Text)}");
        return string.Join("\n", chunks.Concat(texts));
    }

    [NativeCliFact]
    public async Task Serve_answers_api_summary_with_the_summary_json_document()
    {
        Ingest();
        var expected = _jit.InProcess("summary", "--no-ingest", "--json");
        Assert.Equal(0, expected.ExitCode);

        var port = FreePort().ToString(CultureInfo.InvariantCulture);
        using var server = _aot.Start("serve", "--no-ingest", "--port", port);
        var stdout = server.StandardOutput.ReadToEndAsync();
        var stderr = server.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            string? summary = null;
            for (var attempt = 0; attempt < 300 && summary is null && !server.HasExited; attempt++)
            {
                try
                {
                    summary = await client.GetStringAsync("api/summary");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(summary is not null, $"serve did not answer; stderr: {(server.HasExited ? await stderr : "(still running)")}");
            Assert.Equal(_jit.Normalize(expected.Stdout), _aot.Normalize(summary));

            // The embedded page is dated by the executable (AOT has no assembly file to date it by).
            using var page = await client.GetAsync(new Uri("/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var built = new DateTimeOffset(File.GetLastWriteTimeUtc(NativeCli.Path!));
            Assert.Equal(built.AddTicks(-(built.Ticks % TimeSpan.TicksPerSecond)), page.Content.Headers.LastModified);

            // SIGTERM, as a service manager stops it: serve ends cleanly.
            Assert.Equal(0, Kill(server.Id, Sigterm));
            Assert.True(server.WaitForExit(30_000), "serve did not stop on SIGTERM");
            Assert.Equal(0, server.ExitCode);
            Assert.Equal($"http://127.0.0.1:{port}/\n", await stdout);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }
        }
    }

    /// <summary>Ingests the generated history on both sides (a first ingest: every file is new).</summary>
    private void Ingest() => Same(0, "ingest");

    /// <summary>
    /// Runs <paramref name="args"/> (with <c>&lt;ROOT&gt;</c> standing for the side's folder) in-process
    /// and through the native executable; both must exit with <paramref name="exitCode"/> and print the same.
    /// </summary>
    private void Same(int exitCode, params string[] args)
    {
        var jit = _jit.InProcess(args);
        var aot = _aot.Native(args);
        var shown = $"$ tracelens {string.Join(' ', args)}\n";
        Assert.Equal(shown + _jit.Render(jit), shown + _aot.Render(aot));
        Assert.True(jit.ExitCode == exitCode, shown + _jit.Render(jit));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private sealed class Side
    {
        public Side(string root)
        {
            Root = root;
            Home = Path.Combine(root, "home");
            SyntheticHistory.Generate(new SynthOptions { OutputDirectory = Home, Seed = 23, TargetAssistantRecords = 600, MaxDegreeOfParallelism = 1 });
            Directory.CreateDirectory(Path.Combine(Home, ".tracelens"));
            File.WriteAllText(Path.Combine(Home, ".tracelens", "secret"), Secret + "\n");
        }

        public string Root { get; }

        public string Home { get; }

        /// <summary>The sealed environment, as <see cref="CliRunner"/> gives it (it adds HOME and NO_COLOR itself).</summary>
        private Dictionary<string, string> Env => new(StringComparer.Ordinal) { ["HOME"] = Home, ["NO_COLOR"] = "1", ["TZ"] = "UTC" };

        private string[] Args(string[] args) => [.. args.Select(a => a.Replace("<ROOT>", Root, StringComparison.Ordinal))];

        /// <summary>This side's folder, the one part of any output that may differ between the sides.</summary>
        public string Normalize(string text) => text.Replace(Root, "<ROOT>", StringComparison.Ordinal);

        public string Render(CliRunner.Result r) => r.Render((Root, "<ROOT>"));

        public CliRunner.Result InProcess(params string[] args) => new CliRunner { Home = Home, Env = { ["TZ"] = "UTC" } }.Run(Args(args));

        public Process Start(params string[] args)
        {
            var start = new ProcessStartInfo(NativeCli.Path ?? throw new InvalidOperationException("no native CLI"))
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
                UseShellExecute = false,
                WorkingDirectory = Root,
            };
            foreach (var arg in Args(args))
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment.Clear();
            foreach (var (name, value) in Env)
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start)!;
            process.StandardInput.Close();
            return process;
        }

        public CliRunner.Result Native(params string[] args)
        {
            using var process = Start(args);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"tracelens {string.Join(' ', args)} did not finish in 2 minutes");
            }

            return new CliRunner.Result(process.ExitCode, stdout.Result, stderr);
        }
    }
}
