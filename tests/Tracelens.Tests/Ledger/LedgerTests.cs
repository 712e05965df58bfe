using System.Globalization;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Ledger;
using Tracelens.Synth;
using Tracelens.Tests.Cli;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Ledger;

public sealed class LedgerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-ledger-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string LedgerPath => Path.Combine(_dir, "ledger.db");

    private static DiscoveryOptions Home(string home) => new() { Home = home, ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null };

    /// <summary>A query's first row, its columns joined by '|'.</summary>
    private static string Row(LedgerDatabase db, string sql)
    {
        using var reader = new SqliteCommand(sql, db.Connection).ExecuteReader();
        Assert.True(reader.Read());
        return string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)));
    }

    private static long Scalar(LedgerDatabase db, string sql) =>
        Convert.ToInt64(new SqliteCommand(sql, db.Connection).ExecuteScalar(), CultureInfo.InvariantCulture);

    [Fact]
    public void A_new_ledger_gets_the_latest_schema_and_reopening_is_a_no_op()
    {
        using (var db = LedgerDatabase.Open(LedgerPath))
        {
            Assert.Equal(LedgerDatabase.LatestVersion, db.SchemaVersion);
            Assert.Equal("wal", new SqliteCommand("PRAGMA journal_mode;", db.Connection).ExecuteScalar());
        }

        using var again = LedgerDatabase.Open(LedgerPath);
        Assert.Equal(LedgerDatabase.LatestVersion, again.SchemaVersion);
        Assert.Equal(0, Scalar(again, "SELECT count(*) FROM steps;"));
    }

    [Fact]
    public void An_unwritable_ledger_location_gives_a_clear_error_and_exit_4()
    {
        // /proc refuses new folders even to root, so this holds in CI too.
        var r = new CliRunner { Home = _dir }.Run("ingest", "--home", _dir, "--ledger", "/proc/tracelens-test/ledger.db");
        Assert.Equal(4, r.ExitCode);
        Assert.StartsWith("tracelens: /proc/tracelens-test/ledger.db: cannot create the ledger's folder:", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public void A_full_disk_mid_ingest_leaves_every_file_either_whole_or_absent()
    {
        var first = Path.Combine(_dir, "first");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = first, Seed = 41, TargetBytes = 1_500_000 });
        var second = Path.Combine(_dir, "second");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = second, Seed = 42, TargetBytes = 8_000_000 });
        using var db = LedgerDatabase.Open(LedgerPath);
        new Ingestor(db).Run(Home(first));
        var before = Scalar(db, "SELECT count(*) FROM steps;");

        // SQLite's page limit stands in for a full disk: writes fail with SQLITE_FULL part-way.
        var pages = Scalar(db, "PRAGMA page_count;");
        new SqliteCommand($"PRAGMA max_page_count = {pages + 60};", db.Connection).ExecuteNonQuery();
        var e = Assert.ThrowsAny<SqliteException>(() => new Ingestor(db) { BatchSteps = 10 }.Run(Home(second)));
        Assert.Contains("full", e.Message, StringComparison.OrdinalIgnoreCase);

        Assert.True(Scalar(db, "SELECT count(*) FROM steps;") >= before, "rows committed before the failure stay");
        // No file is half-stored: every source holds exactly the steps its fingerprint was committed with.
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM sources s WHERE s.steps != (SELECT count(*) FROM steps WHERE source_id = s.id);"));
        Assert.True(Scalar(db, "SELECT count(*) FROM sources;") > Scalar(db, "SELECT count(*) FROM sources WHERE path LIKE '%/first/%';"), "some files of the second history were committed before the disk filled");
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM tool_calls WHERE step_id NOT IN (SELECT id FROM steps);"));

        // With room again, the next ingest completes what was missing.
        new SqliteCommand("PRAGMA max_page_count = 1073741823;", db.Connection).ExecuteNonQuery();
        new Ingestor(db).Run(Home(second));
        var fresh = new Collector().Run(LogDiscovery.Discover(Home(second)), second, _ => { });
        Assert.Equal(before + fresh.Steps, Scalar(db, "SELECT count(*) FROM steps;"));
    }

    [Fact]
    public void A_full_disk_during_a_first_load_leaves_the_ledger_empty_and_the_next_one_completes()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 43, TargetBytes = 8_000_000 });
        using var db = LedgerDatabase.Open(LedgerPath);
        const string Schema = "SELECT group_concat(name || ':' || coalesce(sql, ''), char(10)) FROM (SELECT name, sql FROM sqlite_schema ORDER BY name);";
        var schema = new SqliteCommand(Schema, db.Connection).ExecuteScalar();
        var pages = Scalar(db, "PRAGMA page_count;");
        new SqliteCommand($"PRAGMA max_page_count = {pages + 20};", db.Connection).ExecuteNonQuery();

        var e = Assert.ThrowsAny<SqliteException>(() => new Ingestor(db) { FirstLoadMinBytes = 1, FirstLoadSettleSteps = 50 }.Run(Home(home)));
        Assert.Contains("full", e.Message, StringComparison.OrdinalIgnoreCase);
        // One transaction: nothing of it stays, though it had settled (not committed) batches.
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM steps;"));
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM sources;"));
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM sessions;"));
        Assert.Equal(schema, new SqliteCommand(Schema, db.Connection).ExecuteScalar());

        new SqliteCommand("PRAGMA max_page_count = 1073741823;", db.Connection).ExecuteNonQuery();
        var report = new Ingestor(db) { FirstLoadMinBytes = 1 }.Run(Home(home));
        Assert.Equal(IngestLoad.FirstLoad, report.Load);
        var fresh = new Collector().Run(LogDiscovery.Discover(Home(home)), home, _ => { });
        Assert.Equal(fresh.Steps, Scalar(db, "SELECT count(*) FROM steps;"));
        Assert.Equal("wal", new SqliteCommand("PRAGMA journal_mode;", db.Connection).ExecuteScalar());
    }

    [Fact]
    public void A_first_load_settling_as_it_goes_stores_what_an_incremental_ingest_does_and_needs_an_empty_ledger()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 44, TargetBytes = 6_000_000 });
        var incremental = Path.Combine(_dir, "incremental.db");
        var first = Path.Combine(_dir, "first.db");
        using (var db = LedgerDatabase.Open(incremental))
        {
            Assert.Equal(IngestLoad.Incremental, new Ingestor(db) { BatchSteps = 50 }.Run(Home(home)).Load);
        }

        using (var db = LedgerDatabase.Open(first))
        {
            // Settling every 50 steps inside the one transaction: duplicates and sessions that span
            // those settles must come out as when each batch is committed.
            Assert.Equal(IngestLoad.FirstLoad, new Ingestor(db) { FirstLoadMinBytes = 1, FirstLoadSettleSteps = 50 }.Run(Home(home)).Load);
        }

        Assert.Equal(LedgerCrashTests.Content(incremental), LedgerCrashTests.Content(first));
        Assert.Contains("|claude:", LedgerCrashTests.Content(first), StringComparison.Ordinal); // some steps are duplicates of others
        // The indexes the first load built at its end are all there, and hold every row.
        const string Schema = "SELECT group_concat(name || ':' || coalesce(sql, ''), char(10)) FROM (SELECT name, sql FROM sqlite_schema ORDER BY name);";
        using (var a = LedgerDatabase.Open(incremental))
        using (var b = LedgerDatabase.Open(first))
        {
            Assert.Equal(new SqliteCommand(Schema, a.Connection).ExecuteScalar(), new SqliteCommand(Schema, b.Connection).ExecuteScalar());
            Assert.Equal("ok", new SqliteCommand("PRAGMA integrity_check;", b.Connection).ExecuteScalar());
            const string ByUsage = "SELECT count(*), sum(output_tokens) FROM steps INDEXED BY steps_usage WHERE model IS NOT NULL;";
            Assert.Equal(Row(a, ByUsage), Row(b, ByUsage));
        }

        // Once the ledger holds anything, a large ingest is incremental again.
        File.AppendAllText(Directory.GetFiles(Path.Combine(home, ".claude"), "*.jsonl", SearchOption.AllDirectories)[0], "\n");
        var extra = Path.Combine(_dir, "extra");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = extra, Seed = 46, TargetBytes = 500_000 });
        using var again = LedgerDatabase.Open(first);
        Assert.Equal(IngestLoad.Incremental, new Ingestor(again) { FirstLoadMinBytes = 1 }.Run(Home(extra)).Load);
    }

    [SmallFileSystemFact]
    public void A_really_full_file_system_fails_ingest_with_exit_4_keeps_the_ledger_whole_and_the_next_ingest_completes()
    {
        var small = Path.Combine(_dir, "small");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = small, Seed = 43, TargetBytes = 300_000 });
        var large = Path.Combine(_dir, "large");
        var truth = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = large, Seed = 44, TargetBytes = 25_000_000 });
        using var disk = new SmallFileSystem(megabytes: 1);
        var ledger = Path.Combine(disk.Root, "ledger.db");
        var runner = new CliRunner { Home = _dir };
        Assert.Equal(0, runner.Run("ingest", "--home", small, "--ledger", ledger).ExitCode);

        // The ledger of 25 MB of logs does not fit in what is left of one megabyte.
        var full = runner.Run("ingest", "--home", large, "--ledger", ledger);
        Assert.Equal(4, full.ExitCode);
        Assert.Contains("full", full.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith($"tracelens: {ledger}: ", full.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, full.Stdout);

        disk.Resize(megabytes: 256);
        using (var db = LedgerDatabase.Open(ledger))
        {
            Assert.Equal("ok", new SqliteCommand("PRAGMA integrity_check;", db.Connection).ExecuteScalar());
            // Every source holds exactly the steps committed with its fingerprint: nothing half-stored.
            Assert.Equal(0, Scalar(db, "SELECT count(*) FROM sources s WHERE s.steps != (SELECT count(*) FROM steps WHERE source_id = s.id);"));
        }

        Assert.Equal(0, runner.Run("ingest", "--home", large, "--ledger", ledger).ExitCode);
        using var done = LedgerDatabase.Open(ledger);
        var expected = truth.GroundTruth.Providers.Values.Sum(p => p.Steps.Totals.Steps);
        Assert.Equal(expected, Scalar(done, "SELECT count(*) FROM steps WHERE source_id IN (SELECT id FROM sources WHERE path LIKE '%/large/%');"));
    }

    [SmallFileSystemFact]
    public void A_read_only_home_fails_with_exit_4_naming_the_ledger_and_changes_nothing()
    {
        var first = Path.Combine(_dir, "first");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = first, Seed = 45, TargetBytes = 300_000 });
        var more = Path.Combine(_dir, "more");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = more, Seed = 46, TargetBytes = 300_000 });
        using var disk = new SmallFileSystem(megabytes: 64);
        var home = Path.Combine(disk.Root, "home");
        var runner = new CliRunner { Home = home };
        runner.Env["TRACELENS_HOME"] = Path.Combine(home, ".tracelens");
        Assert.Equal(0, runner.Run("ingest", "--home", first).ExitCode);
        var ledger = Path.Combine(home, ".tracelens", "ledger.db");
        var before = File.ReadAllBytes(ledger);

        disk.ReadOnly(true);
        try
        {
            var r = runner.Run("ingest", "--home", more);
            Assert.Equal(4, r.ExitCode);
            Assert.StartsWith($"tracelens: {ledger}: ", r.Stderr, StringComparison.Ordinal);
            Assert.True(r.Stderr.Contains("cannot be written: Read-only file system", StringComparison.Ordinal), r.Stderr);
            Assert.Equal(before, File.ReadAllBytes(ledger));
        }
        finally
        {
            disk.ReadOnly(false);
        }
    }

    [Fact]
    public void A_ledger_held_by_a_first_load_gives_a_clear_error_after_the_busy_timeout()
    {
        using (LedgerDatabase.Open(LedgerPath))
        {
        }

        // What a first load looks like from outside: the rollback journal, and a write lock held.
        using var loader = new SqliteConnection($"Data Source={LedgerPath};Pooling=False");
        loader.Open();
        new SqliteCommand("PRAGMA journal_mode = DELETE; BEGIN EXCLUSIVE;", loader).ExecuteNonQuery();

        var e = Assert.Throws<LedgerException>(() => LedgerDatabase.Open(LedgerPath, busyTimeoutMs: 200));
        Assert.Equal($"{LedgerPath}: cannot open the ledger: another process has held it for 0.2 s (a first ingest or a large import keeps it until it ends); try again when that has finished", e.Message);

        new SqliteCommand("COMMIT;", loader).ExecuteNonQuery();
        loader.Close();
        using var after = LedgerDatabase.Open(LedgerPath, busyTimeoutMs: 200);
        Assert.Equal("wal", new SqliteCommand("PRAGMA journal_mode;", after.Connection).ExecuteScalar());
    }

    [Fact]
    public void A_ledger_from_a_newer_tracelens_is_refused()
    {
        using (var db = LedgerDatabase.Open(LedgerPath))
        {
            new SqliteCommand("PRAGMA user_version = 99;", db.Connection).ExecuteNonQuery();
        }

        var e = Assert.Throws<LedgerException>(() => LedgerDatabase.Open(LedgerPath));
        Assert.Contains("newer than this Tracelens understands", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_ledger_file_gives_a_clear_error_and_exit_4()
    {
        File.WriteAllBytes(LedgerPath, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);
        Assert.Throws<LedgerException>(() => LedgerDatabase.Open(LedgerPath));
        var r = new CliRunner { Home = _dir }.Run("state", "status", "--ledger", LedgerPath);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("cannot open the ledger", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_matches_the_ground_truth_and_rereads_only_changed_files()
    {
        var home = Path.Combine(_dir, "home");
        var truth = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 11, TargetBytes = 6_000_000 }).GroundTruth;
        using var db = LedgerDatabase.Open(LedgerPath);
        var first = new Ingestor(db).Run(Home(home));
        Assert.Equal(first.FilesSeen, first.FilesRead);
        foreach (var (provider, p) in truth.Providers)
        {
            Assert.Equal(p.Steps.Totals.Steps, Scalar(db, $"SELECT count(*) FROM steps WHERE provider = '{provider}';"));
            Assert.Equal(p.Steps.Totals.OutputTokens, Scalar(db, $"SELECT total(output_tokens) FROM steps WHERE provider = '{provider}';"));
            Assert.Equal(p.Steps.Totals.PrefixTokens, Scalar(db, $"SELECT total(prefix_tokens) FROM steps WHERE provider = '{provider}';"));
            Assert.Equal(p.Steps.Totals.ToolCalls, Scalar(db, $"SELECT count(*) FROM tool_calls JOIN steps ON steps.id = step_id WHERE provider = '{provider}';"));
        }

        var unchanged = new Ingestor(db).Run(Home(home));
        Assert.Equal(0, unchanged.FilesRead);
        Assert.Equal(unchanged.FilesSeen, unchanged.FilesUnchanged);

        // Cut the last third of one session file: only it is re-read, and the ledger equals a fresh collect.
        var victim = Directory.GetFiles(Path.Combine(home, ".claude"), "*.jsonl", SearchOption.AllDirectories).OrderByDescending(f => new FileInfo(f).Length).First();
        var lines = File.ReadAllLines(victim);
        File.WriteAllLines(victim, lines[..(lines.Length * 2 / 3)]);
        var after = new Ingestor(db).Run(Home(home));
        Assert.Equal(1, after.FilesRead);
        Assert.True(after.StepsReplaced > 0);
        var fresh = new Collector().Run(LogDiscovery.Discover(Home(home)), home, _ => { });
        Assert.Equal(fresh.Steps, Scalar(db, "SELECT count(*) FROM steps;"));
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM tool_calls WHERE step_id NOT IN (SELECT id FROM steps);"));
        Assert.Equal(Scalar(db, "SELECT count(DISTINCT session_id) FROM steps;"), Scalar(db, "SELECT count(*) FROM sessions;"));
    }

    [Fact]
    public void Rebuild_rereads_everything_and_reset_is_a_dry_run_unless_forced()
    {
        var home = Path.Combine(_dir, "h");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 8, TargetBytes = 1_500_000 });
        var runner = new CliRunner { Home = _dir };
        Assert.Equal(0, runner.Run("ingest", "--home", home).ExitCode);
        var rebuild = runner.Run("state", "rebuild", "--home", home, "--json");
        Assert.Equal(0, rebuild.ExitCode);
        Assert.Contains("\"files_unchanged\": 0", rebuild.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"duplicate_steps\": 0", rebuild.Stdout, StringComparison.Ordinal);
        var ledger = Path.Combine(_dir, ".tracelens", "ledger.db");
        SqliteConnection.ClearAllPools();

        var dry = runner.Run("state", "reset");
        Assert.Equal(0, dry.ExitCode);
        Assert.True(File.Exists(ledger));
        Snapshot.Match(dry.Render((_dir, "<HOME>")), "Cli", "state-reset-dry-run.txt");
        var forced = runner.Run("state", "reset", "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.False(File.Exists(ledger));
        Assert.True(Directory.Exists(home), "session logs are never touched");
    }

    [Fact]
    public void State_status_before_and_after_ingest()
    {
        var runner = new CliRunner { Home = _dir };
        var missing = runner.Run("state", "status");
        Assert.Equal(0, missing.ExitCode);
        Assert.Contains("No ledger at", missing.Stdout, StringComparison.Ordinal);
        Snapshot.Match(missing.Render((_dir, "<HOME>")), "Cli", "state-status-missing.txt");

        var home = Path.Combine(_dir, "h");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 4, TargetBytes = 1_500_000 });
        var ingest = runner.Run("ingest", "--home", home, "--json");
        Assert.Equal(0, ingest.ExitCode);
        var status = runner.Run("state", "status", "--json");
        Assert.Equal(0, status.ExitCode);
        Snapshot.Match(System.Text.RegularExpressions.Regex.Replace(status.Render((_dir, "<HOME>")), "\"last_ingest_at\": \"[^\"]+\"", "\"last_ingest_at\": \"<time>\""), "Cli", "state-status-json.txt");
    }

    [Fact]
    public void Ingest_output_for_a_first_run_an_unchanged_run_and_an_append()
    {
        var runner = new CliRunner { Home = _dir };
        var home = Path.Combine(_dir, "h");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 5, TargetBytes = 1_000_000 });
        var first = runner.Run("ingest", "--home", home);
        var unchanged = runner.Run("ingest", "--home", home, "--json");

        // Append the last assistant record of the largest Claude transcript again under a new
        // message id: that file resumes at its checkpoint, re-reads its last step and adds one.
        var file = Directory.GetFiles(Path.Combine(home, ".claude"), "*.jsonl", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length).ThenBy(f => f, StringComparer.Ordinal).First();
        var last = File.ReadAllLines(file).Last(l => l.Contains("\"role\":\"assistant\"", StringComparison.Ordinal));
        File.AppendAllLines(file, [last.Replace("\"id\":\"msg_", "\"id\":\"msg_again_", StringComparison.Ordinal)]);
        var appended = runner.Run("ingest", "--home", home);
        var appendedJson = runner.Run("ingest", "--home", home, "--json");

        Snapshot.Match(string.Join("\n", first.Render((_dir, "<HOME>")), unchanged.Render((_dir, "<HOME>")), appended.Render((_dir, "<HOME>")), appendedJson.Render((_dir, "<HOME>"))),
            "Cli", "ingest-first-unchanged-append.txt");
        Assert.Contains("(1 resumed at their checkpoint)", appended.Stdout, StringComparison.Ordinal);
        Assert.Contains("Steps: 2 added (1 replaced", appended.Stdout, StringComparison.Ordinal);
    }
}
