using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Ledger;
using Tracelens.Synth;
using Tracelens.Tests.Cli;
using Xunit;

namespace Tracelens.Tests.Ledger;

/// <summary><c>ingest --watch</c>: changes reach the ledger through file events, or through the poll when events are off.</summary>
public sealed class LedgerWatchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-watch-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static DiscoveryOptions Home(string home) => new() { Home = home, ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null };

    private static long Steps(string ledgerPath)
    {
        using var connection = new SqliteConnection($"Data Source={ledgerPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return Convert.ToInt64(new SqliteCommand("SELECT count(*) FROM steps;", connection).ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Steps, or 0 while the ledger is still being created (no tables yet).</summary>
    private static long StepsOrZero(string ledgerPath)
    {
        try
        {
            return Steps(ledgerPath);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Appends a copy of the file's last assistant record under a new message id: one more step.</summary>
    private static void AppendStep(string file, string tag)
    {
        var last = File.ReadAllLines(file).Last(l => l.Contains("\"role\":\"assistant\"", StringComparison.Ordinal));
        File.AppendAllLines(file, [last.Replace("\"id\":\"msg_", $"\"id\":\"msg_{tag}_", StringComparison.Ordinal)]);
    }

    private string Generate()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 3, TargetBytes = 400_000, Providers = [Model.Provider.Claude] });
        return home;
    }

    private static string LargestTranscript(string home) =>
        Directory.GetFiles(Path.Combine(home, ".claude"), "*.jsonl", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length).ThenBy(f => f, StringComparer.Ordinal).First();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_record_appended_while_watching_reaches_the_ledger(bool fileEvents)
    {
        var home = Generate();
        var ledgerPath = Path.Combine(_dir, "ledger.db");
        var reports = new System.Collections.Concurrent.ConcurrentQueue<IngestReport>();
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(() =>
        {
            using var db = LedgerDatabase.Open(ledgerPath);
            new LedgerWatcher(db, Home(home))
            {
                UseFileEvents = fileEvents,
                // With events the poll must not be what finds the change; without them it is.
                PollInterval = fileEvents ? TimeSpan.FromMinutes(10) : TimeSpan.FromMilliseconds(200),
                Ingested = reports.Enqueue,
            }.Run(stop.Token);
        });

        WaitFor(() => !reports.IsEmpty, "the first pass");
        var before = Steps(ledgerPath);
        AppendStep(LargestTranscript(home), "watch");
        WaitFor(() => Steps(ledgerPath) == before + 1, "the appended step");
        stop.Cancel();
        await watching.WaitAsync(TimeSpan.FromSeconds(30)); // the watcher stops when cancelled
        Assert.Contains(reports, r => r.FilesResumed == 1);
    }

    [Fact]
    public async Task Ingest_watch_prints_the_first_report_then_one_line_per_change_and_exits_0_when_stopped()
    {
        var home = Generate();
        using var stop = new CancellationTokenSource();
        var runner = new CliRunner { Home = _dir, Cancellation = stop.Token };
        var ledgerPath = Path.Combine(_dir, ".tracelens", "ledger.db");
        var run = Task.Run(() => runner.Run("ingest", "--watch", "--json", "--poll", "0.2", "--home", home));
        WaitFor(() => File.Exists(ledgerPath) && StepsOrZero(ledgerPath) > 0, "the first pass");
        var before = Steps(ledgerPath);
        AppendStep(LargestTranscript(home), "cli");
        WaitFor(() => Steps(ledgerPath) == before + 1, "the appended step");
        stop.Cancel();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, result.ExitCode);

        // An indented report first, then JSON Lines: one object per pass that read something.
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("{", lines[0]);
        var passes = lines.Where(l => l.StartsWith("{\"at\":", StringComparison.Ordinal)).ToList();
        Assert.Single(passes);
        Assert.Contains("\"files_resumed\":1,\"steps_added\":2,\"steps_replaced\":1", passes[0], StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void A_poll_interval_out_of_range_is_a_usage_error()
    {
        var r = new CliRunner { Home = _dir }.Run("ingest", "--watch", "--poll", "0", "--home", _dir);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--poll must be between 0.05 and 86400 seconds", r.Stderr, StringComparison.Ordinal);
    }
}
