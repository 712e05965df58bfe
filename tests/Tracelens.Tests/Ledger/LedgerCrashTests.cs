using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Tracelens.Synth;
using Xunit;

namespace Tracelens.Tests.Ledger;

/// <summary>
/// A real `tracelens ingest` child process killed with SIGKILL at random points, then rerun, must
/// leave exactly what an uninterrupted run leaves; two concurrent ingests must neither duplicate
/// nor drop a row.
/// </summary>
public sealed class LedgerCrashTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-crash-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "Tracelens.Cli.dll");

    /// <param name="firstLoad">Whether an ingest into an empty ledger is a first load (one transaction) whatever its size.</param>
    private static Process Start(string home, string ledger, bool firstLoad = false, bool json = false)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { CliDll, "ingest", "--home", home, "--ledger", ledger })
        {
            psi.ArgumentList.Add(a);
        }

        if (json)
        {
            psi.ArgumentList.Add("--json");
        }

        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["TRACELENS_FIRST_LOAD_MIN_BYTES"] = firstLoad ? "1" : "999999999999";
        return Process.Start(psi)!;
    }

    /// <summary>Runs an ingest to the end; returns its <c>--json</c> report's <c>load</c>.</summary>
    private static string Run(string home, string ledger, bool firstLoad = false)
    {
        using var p = Start(home, ledger, firstLoad, json: true);
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr.Result);
        using var report = System.Text.Json.JsonDocument.Parse(stdout);
        return report.RootElement.GetProperty("load").GetString()!;
    }

    /// <summary>Everything a report could read, in a canonical order.</summary>
    internal static string Content(string ledger)
    {
        using var c = new SqliteConnection($"Data Source={ledger};Mode=ReadOnly;Pooling=False");
        c.Open();
        var sb = new StringBuilder();
        foreach (var sql in new[]
        {
            """
            SELECT trace_key, session_id, round_index, model, input_tokens_total, prefix_tokens, output_tokens, cache_creation_5m_tokens,
                   cache_creation_1h_tokens, (SELECT d.trace_key FROM steps d WHERE d.id = steps.duplicate_of)
            FROM steps ORDER BY trace_key
            """,
            "SELECT s.trace_key, t.tool_index, t.tool_call_id, t.result_chars, t.output_bytes, t.is_error FROM tool_calls t JOIN steps s ON s.id = t.step_id ORDER BY s.trace_key, t.tool_index",
            "SELECT s.trace_key, e.event_index, e.event_type, e.timestamp FROM timing_events e JOIN steps s ON s.id = e.step_id ORDER BY s.trace_key, e.event_index",
            "SELECT session_id, steps FROM sessions ORDER BY session_id",
            "SELECT path, size_bytes, steps FROM sources ORDER BY path",
            // Every index is there (a bulk import drops them and builds them again before it commits).
            "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
        })
        {
            using var cmd = new SqliteCommand(sql, c);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                for (var i = 0; i < r.FieldCount; i++)
                {
                    sb.Append(r.IsDBNull(i) ? "∅" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }

                sb.Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <remarks>
    /// The reference is always the batched path; the killed runs are first loads when
    /// <paramref name="firstLoad"/>, so the test also proves both paths build the same ledger.
    /// </remarks>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Killed_ingests_resume_to_the_same_ledger_as_an_uninterrupted_one(bool firstLoad)
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 21, TargetBytes = 30_000_000 });
        var reference = Path.Combine(_dir, "reference.db");
        Run(home, reference);
        var expected = Content(reference);
        // How long an uninterrupted run of the path under test takes (a first load is faster).
        var timed = Path.Combine(_dir, "timed.db");
        var clock = Stopwatch.StartNew();
        Assert.Equal(firstLoad ? "first_load" : "incremental", Run(home, timed, firstLoad));
        var uninterruptedMs = (int)clock.ElapsedMilliseconds;
        Assert.Equal(expected, Content(timed));
        var empty = Path.Combine(_dir, "empty.db");
        using (Tracelens.Ledger.LedgerDatabase.Open(empty))
        {
        }

        var rng = new Random(7);
        var killedMidway = 0;
        // Somewhere between startup and the end of the work an uninterrupted run needs. Test classes
        // run in parallel, so timings wander: when a run ends before its kill, aim earlier, and go on
        // (up to 12 ledgers) until at least two kills have landed.
        int earliest = uninterruptedMs / 5, latest = uninterruptedMs * 4 / 5;
        for (var attempt = 0; attempt < 3 || (killedMidway < 2 && attempt < 12); attempt++)
        {
            var ledger = Path.Combine(_dir, $"killed-{attempt}.db");
            // Kill once or twice at random moments, then let a last run finish.
            for (var kill = 0; kill <= attempt % 2; kill++)
            {
                using var p = Start(home, ledger, firstLoad);
                Thread.Sleep(rng.Next(earliest, Math.Max(latest, earliest + 1)));
                if (KilledMidway(p))
                {
                    killedMidway++;
                }
                else
                {
                    earliest = Math.Max(10, earliest / 2);
                    latest = Math.Max(earliest + 1, latest / 2);
                }

                p.WaitForExit();
                if (firstLoad && File.Exists(ledger))
                {
                    // A first load is one transaction: a kill leaves nothing or everything (once the
                    // next open has replayed the hot journal). The batched path keeps each batch.
                    using (Tracelens.Ledger.LedgerDatabase.Open(ledger))
                    {
                    }

                    var after = Content(ledger);
                    Assert.True(after == Content(empty) || after == expected, "a killed first load left a partial ledger");
                }
            }

            Run(home, ledger, firstLoad);
            Assert.Equal(expected, Content(ledger));
            using var c = new SqliteConnection($"Data Source={ledger};Pooling=False");
            c.Open();
            Assert.Equal("wal", new SqliteCommand("PRAGMA journal_mode;", c).ExecuteScalar());
            Assert.Equal("ok", new SqliteCommand("PRAGMA integrity_check;", c).ExecuteScalar());
        }

        Assert.True(killedMidway >= 2, $"only {killedMidway} kills landed before the ingest finished; the test proves nothing");
    }

    [Fact]
    public void A_killed_bulk_import_leaves_the_ledger_as_before_and_the_rerun_equals_an_uninterrupted_import()
    {
        var history = Path.Combine(_dir, "history");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = history, Seed = 24, TargetBytes = 30_000_000 });
        var trace = Path.Combine(_dir, "trace.jsonl");
        Assert.Equal(0, new Tests.Cli.CliRunner { Home = _dir }.Run("collect", "--home", history, "-o", trace).ExitCode);
        var before = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = before, Seed = 25, TargetBytes = 1_000_000 });

        // Every import here is a bulk load (rollback journal, indexes built at the end) on top of
        // a small ingested history, which a crash must leave untouched.
        string Fresh(string name)
        {
            var ledger = Path.Combine(_dir, name);
            Run(before, ledger);
            return ledger;
        }

        var reference = Fresh("reference.db");
        var untouched = Content(reference);
        var clock = Stopwatch.StartNew();
        RunImport(trace, reference);
        var importMs = (int)clock.ElapsedMilliseconds;
        var imported = Content(reference);
        Assert.NotEqual(untouched, imported);

        var rng = new Random(9);
        var killedMidway = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var ledger = Fresh($"killed-{attempt}.db");
            using (var p = StartImport(trace, ledger))
            {
                Thread.Sleep(rng.Next(importMs / 4, importMs * 3 / 4));
                if (KilledMidway(p))
                {
                    killedMidway++;
                }

                p.WaitForExit();
            }

            // All or nothing: the ledger as it was, or the whole import. A kill inside the bulk
            // load leaves a hot rollback journal, which the next Tracelens command replays when it
            // opens the ledger (every command opens it for writing; a read-only reader could not).
            using (Tracelens.Ledger.LedgerDatabase.Open(ledger))
            {
            }

            var after = Content(ledger);
            Assert.True(after == untouched || after == imported, "a killed import left a partial ledger");
            RunImport(trace, ledger);
            Assert.Equal(imported, Content(ledger));
            using var c = new SqliteConnection($"Data Source={ledger};Pooling=False");
            c.Open();
            Assert.Equal("wal", new SqliteCommand("PRAGMA journal_mode;", c).ExecuteScalar());
            Assert.Equal("ok", new SqliteCommand("PRAGMA integrity_check;", c).ExecuteScalar());
        }

        Assert.True(killedMidway >= 2, $"only {killedMidway} kills landed before the import finished; the test proves nothing");
    }

    /// <summary>SIGKILLs a child that is still running; false when it had exited (also between the check and the kill).</summary>
    private static bool KilledMidway(Process p)
    {
        if (p.HasExited)
        {
            return false;
        }

        try
        {
            p.Kill(entireProcessTree: true);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // it exited just now
        }
    }

    /// <summary>Copies a closed ledger's files (database, and WAL and shared memory when present) over another's.</summary>
    private static void CopyLedger(string from, string to)
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(to + suffix);
            if (File.Exists(from + suffix))
            {
                File.Copy(from + suffix, to + suffix);
            }
        }
    }

    private static Process StartImport(string trace, string ledger)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliDll, "import", trace, "--ledger", ledger })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["TRACELENS_BULK_LOAD_MIN_STEPS"] = "1";
        return Process.Start(psi)!;
    }

    private static void RunImport(string trace, string ledger)
    {
        using var p = StartImport(trace, ledger);
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr.Result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_concurrent_ingests_neither_duplicate_nor_drop_rows(bool firstLoad)
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 22, TargetBytes = 8_000_000 });
        var reference = Path.Combine(_dir, "reference.db");
        Run(home, reference);

        var ledger = Path.Combine(_dir, "shared.db");
        using var a = Start(home, ledger, firstLoad);
        using var b = Start(home, ledger, firstLoad);
        foreach (var p in new[] { a, b })
        {
            p.StandardOutput.ReadToEnd();
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, err);
        }

        Assert.Equal(Content(reference), Content(ledger));
    }

    [Fact]
    public void Ingests_killed_while_resuming_grown_files_end_equal_to_a_fresh_ledger()
    {
        var home = Path.Combine(_dir, "home");
        // Claude transcripts and Codex rollouts: both resume mid-file.
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 23, TargetBytes = 30_000_000 });
        var full = Directory.GetFiles(home, "*.jsonl", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        Assert.Contains(full.Keys, f => f.Contains("/.codex/", StringComparison.Ordinal));
        foreach (var (file, bytes) in full)
        {
            // Every file starts at 40% (cut at a line break): the rest arrives as appends.
            var cut = Array.IndexOf(bytes, (byte)'\n', bytes.Length * 2 / 5);
            File.WriteAllBytes(file, bytes.AsSpan(0, cut < 0 ? bytes.Length : cut + 1).ToArray());
        }

        var ledger = Path.Combine(_dir, "grown.db");
        Run(home, ledger);
        var before = Path.Combine(_dir, "before-growth");
        CopyLedger(ledger, before);
        foreach (var (file, bytes) in full)
        {
            using var stream = new FileStream(file, FileMode.Append);
            stream.Write(bytes.AsSpan((int)stream.Length));
        }

        // The reference: a fresh ledger of the grown files.
        var reference = Path.Combine(_dir, "reference.db");
        Run(home, reference);

        // How long a resuming ingest takes, start to exit (on a copy): kills land at a third to
        // nine tenths of that, and an ingest that still finishes first shortens the next wait.
        // It then leaves nothing to resume, so the ledger goes back to before the growth (a faster
        // build or machine must not make the test vacuous).
        var timing = Path.Combine(_dir, "timing.db");
        CopyLedger(before, timing);
        var clock = Stopwatch.StartNew();
        Run(home, timing);
        var runMs = Math.Max(6, (int)clock.ElapsedMilliseconds);

        var rng = new Random(11);
        var landed = 0;
        for (var attempt = 0; attempt < 12 && landed < 3; attempt++)
        {
            // Timed here: Process.StartTime reads /proc, which is gone once the process is reaped.
            var started = Stopwatch.StartNew();
            using var p = Start(home, ledger);
            Thread.Sleep(rng.Next(runMs / 3, runMs * 9 / 10));
            var killed = KilledMidway(p);
            p.WaitForExit();
            if (killed)
            {
                landed++;
                continue;
            }

            runMs = Math.Max(6, Math.Min(runMs, (int)started.ElapsedMilliseconds) * 3 / 4);
            CopyLedger(before, ledger);
        }

        Run(home, ledger);
        Assert.Equal(Content(reference), Content(ledger));
        Assert.True(landed >= 2, $"only {landed} kills landed before the resuming ingest finished; the test proves nothing");
    }
}
