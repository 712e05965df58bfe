using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Export;
using Tracelens.Ledger;
using Tracelens.Synth;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Ledger;

/// <summary>
/// Incremental ingest: files that grow resume at their checkpoint, and whatever happens to a file
/// (growth, a record cut mid-write, truncation, replacement, rewriting) the ledger ends equal to
/// one built from scratch on the final files.
/// </summary>
public sealed class LedgerIncrementalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-incremental-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static DiscoveryOptions Home(string home) => new() { Home = home, ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null };

    private static long Scalar(LedgerDatabase db, string sql) =>
        Convert.ToInt64(new SqliteCommand(sql, db.Connection).ExecuteScalar(), CultureInfo.InvariantCulture);

    /// <summary>Everything a report can see: every step with its tools and events, plus derived columns.</summary>
    private static string Dump(LedgerDatabase db)
    {
        var text = new StringBuilder();
        foreach (var step in new LedgerReader(db).Steps())
        {
            text.Append(NativeRowWriter.Serialize(step)).Append('\n');
        }

        using var derived = new SqliteCommand("""
            SELECT s.trace_key, s.lineage_key, d.trace_key FROM steps s LEFT JOIN steps d ON d.id = s.duplicate_of
            ORDER BY s.trace_key;
            """, db.Connection);
        using (var r = derived.ExecuteReader())
        {
            while (r.Read())
            {
                text.Append(CultureInfo.InvariantCulture, $"{r.GetString(0)} lineage={(r.IsDBNull(1) ? "-" : r.GetString(1))} duplicate_of={(r.IsDBNull(2) ? "-" : r.GetString(2))}\n");
            }
        }

        using var sessions = new SqliteCommand("SELECT * FROM sessions ORDER BY session_id;", db.Connection);
        using (var r = sessions.ExecuteReader())
        {
            while (r.Read())
            {
                for (var i = 0; i < r.FieldCount; i++)
                {
                    text.Append(r.IsDBNull(i) ? "null" : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
                }

                text.Append('\n');
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"sources.steps ok: {Scalar(db, "SELECT count(*) FROM sources s WHERE s.steps = (SELECT count(*) FROM steps WHERE source_id = s.id);")}\n");
        return text.ToString();
    }

    private string FreshDump(string home)
    {
        var path = Path.Combine(_dir, $"fresh-{Guid.NewGuid():N}.db");
        using var fresh = LedgerDatabase.Open(path);
        new Ingestor(fresh).Run(Home(home));
        return Dump(fresh);
    }

    private static string[] ClaudeFiles(string home) =>
        [.. Directory.GetFiles(Path.Combine(home, ".claude"), "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Fact]
    public void Growing_files_resume_at_their_checkpoint_and_end_equal_to_a_full_read()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 7, TargetBytes = 3_000_000, Providers = [Model.Provider.Claude] });
        var full = ClaudeFiles(home).ToDictionary(f => f, File.ReadAllBytes);

        // Start from the first 30% of every file, cut at a line break.
        foreach (var (file, bytes) in full)
        {
            File.WriteAllBytes(file, bytes.AsSpan(0, CutAtLine(bytes, bytes.Length * 3 / 10)).ToArray());
        }

        using var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(db).Run(Home(home));

        // Grow in steps, one of them ending inside a record as a writer would leave it mid-write.
        var resumed = 0;
        foreach (var fraction in new[] { 0.45, 0.6, 0.8, 1.0 })
        {
            foreach (var (file, bytes) in full)
            {
                var end = fraction >= 1.0 ? bytes.Length : CutAtLine(bytes, (int)(bytes.Length * fraction));
                if (fraction is 0.6 && end < bytes.Length)
                {
                    end = Math.Min(bytes.Length - 1, end + 37); // a partial record: held back, not reported
                }

                var current = new FileInfo(file).Length;
                end = Math.Max(end, (int)current);
                using var stream = new FileStream(file, FileMode.Append);
                stream.Write(bytes.AsSpan((int)current, end - (int)current));
            }

            var report = new Ingestor(db).Run(Home(home));
            Assert.Equal(0, report.Diagnostics.TotalSkipped);
            resumed += report.FilesResumed;
        }

        Assert.True(resumed > full.Count, $"files should resume at their checkpoints (resumed {resumed} times over {full.Count} files)");
        Assert.Equal(FreshDump(home), Dump(db));
    }

    private static int CutAtLine(byte[] bytes, int at)
    {
        var k = Array.IndexOf(bytes, (byte)'\n', Math.Max(0, at));
        return k < 0 ? bytes.Length : k + 1;
    }

    /// <summary>Every burn Claude fixture, written a line (and a half line) at a time, with an ingest after each write.</summary>
    [SharedFact]
    public void Burn_fixtures_ingested_after_every_line_end_equal_to_a_full_read()
    {
        var fixtures = Directory.GetFiles(TestPaths.Shared("conformance", "burn", "claude"), "*.jsonl").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(fixtures);
        var home = Path.Combine(_dir, "home");
        var project = Directory.CreateDirectory(Path.Combine(home, ".claude", "projects", "-tmp-fixtures")).FullName;
        using var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        var resumed = 0;
        foreach (var fixture in fixtures)
        {
            var bytes = File.ReadAllBytes(fixture);
            var target = Path.Combine(project, Path.GetFileName(fixture));
            File.WriteAllBytes(target, []);
            var at = 0;
            while (at < bytes.Length)
            {
                var end = CutAtLine(bytes, at);
                // First half of the line (a writer mid-record), then the rest.
                var half = at + ((end - at) / 2);
                foreach (var upTo in new[] { half, end })
                {
                    using (var stream = new FileStream(target, FileMode.Append))
                    {
                        stream.Write(bytes.AsSpan((int)new FileInfo(target).Length, upTo - (int)new FileInfo(target).Length));
                    }

                    var report = new Ingestor(db).Run(Home(home));
                    resumed += report.FilesResumed;
                }

                at = end;
            }
        }

        Assert.True(resumed > fixtures.Count, $"appends should resume at checkpoints (resumed {resumed} times)");
        Assert.Equal(FreshDump(home), Dump(db));
    }

    [Fact]
    public void Truncated_replaced_and_rewritten_files_are_read_again_from_the_start()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 8, TargetBytes = 1_500_000, Providers = [Model.Provider.Claude] });
        using var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(db).Run(Home(home));
        var files = ClaudeFiles(home).Where(f => File.ReadAllLines(f).Length > 12).Take(3).ToArray();
        Assert.Equal(3, files.Length);

        // 1. Truncated: a shorter file.
        var lines = File.ReadAllLines(files[0]);
        File.WriteAllLines(files[0], lines[..(lines.Length / 2)]);

        // 2. Replaced under the same name (a new inode), longer than before, with earlier lines changed.
        lines = File.ReadAllLines(files[1]);
        var replacement = files[1] + ".new";
        File.WriteAllLines(replacement, [.. lines[4..], .. lines[..4], lines[^1]]);
        File.Move(replacement, files[1], overwrite: true);

        // 3. Rewritten in place, longer: the checkpoint line is no longer where it was.
        lines = File.ReadAllLines(files[2]);
        File.WriteAllLines(files[2], [lines[1], lines[0], .. lines[2..], lines[^1]]);

        var report = new Ingestor(db).Run(Home(home));
        Assert.Equal(3, report.FilesRead);
        Assert.Equal(0, report.FilesResumed);
        Assert.Equal(FreshDump(home), Dump(db));
    }

    /// <summary>A Claude record, in the shape the reader needs.</summary>
    private static string Assistant(string id, string request, string time, string content, int output = 5) =>
        $$$"""{"type":"assistant","timestamp":"{{{time}}}","requestId":"{{{request}}}","message":{"id":"{{{id}}}","role":"assistant","model":"claude-sonnet-4-5","content":{{{content}}},"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":{{{output}}},"cache_read_input_tokens":100,"cache_creation_input_tokens":0""" + "}}}";

    private static string User(string time, string content) =>
        $$$"""{"type":"user","timestamp":"{{{time}}}","message":{"role":"user","content":{{{content}}}}}""";

    private static string ToolResult(string time, string toolId, string? agentId = null) =>
        $$$"""{"type":"user","timestamp":"{{{time}}}","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{toolId}}}","content":"ok"}]}"""
        + (agentId is null ? "}" : $$$""","toolUseResult":{"agentId":"{{{agentId}}}"}}""");

    private static string ToolUse(string toolId, string name = "Bash") =>
        $$$"""[{"type":"tool_use","id":"{{{toolId}}}","name":"{{{name}}}","input":{"command":"ls"}}]""";

    [Fact]
    public void A_tool_result_for_a_call_before_the_checkpoint_makes_the_resumed_read_fall_back_to_a_full_one()
    {
        var home = Path.Combine(_dir, "home");
        var project = Directory.CreateDirectory(Path.Combine(home, ".claude", "projects", "-tmp-p")).FullName;
        var file = Path.Combine(project, "s1.jsonl");
        File.WriteAllLines(file,
        [
            User("2026-01-01T00:00:00Z", "\"go\""),
            Assistant("msg_a", "req_a", "2026-01-01T00:00:01Z", ToolUse("toolu_early")),
            User("2026-01-01T00:00:02Z", "\"next\""),
            Assistant("msg_b", "req_b", "2026-01-01T00:00:03Z", "[]"),
        ]);
        using var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(db).Run(Home(home));

        // The late result belongs to msg_a, before the checkpoint (msg_b's line): the tail alone cannot place it.
        File.AppendAllLines(file, [ToolResult("2026-01-01T00:00:09Z", "toolu_early"), Assistant("msg_c", "req_c", "2026-01-01T00:00:10Z", "[]")]);
        var report = new Ingestor(db).Run(Home(home));
        Assert.Equal(0, report.FilesResumed);
        Assert.Equal(1, report.FilesRead);
        Assert.Equal(8000, Scalar(db, "SELECT tool_wall_latency_ms FROM tool_calls WHERE tool_call_id = 'toolu_early';"));
        Assert.Equal(FreshDump(home), Dump(db));

        // An ordinary append resumes.
        File.AppendAllLines(file, [User("2026-01-01T00:00:11Z", "\"more\""), Assistant("msg_d", "req_d", "2026-01-01T00:00:12Z", "[]")]);
        Assert.Equal(1, new Ingestor(db).Run(Home(home)).FilesResumed);
        Assert.Equal(FreshDump(home), Dump(db));
    }

    [Fact]
    public void A_replayed_response_counts_once_but_identical_unrelated_calls_both_count()
    {
        var home = Path.Combine(_dir, "home");
        var project = Directory.CreateDirectory(Path.Combine(home, ".claude", "projects", "-tmp-p")).FullName;
        string[] original =
        [
            User("2026-01-01T00:00:00Z", "\"hi\""),
            Assistant("msg_1", "req_1", "2026-01-01T00:00:01Z", "[]"),
        ];
        File.WriteAllLines(Path.Combine(project, "original.jsonl"), original);
        // A resumed session replays msg_1 under its own session, then goes on.
        File.WriteAllLines(Path.Combine(project, "resumed.jsonl"),
            [.. original, User("2026-01-02T00:00:00Z", "\"again\""), Assistant("msg_2", "req_2", "2026-01-02T00:00:01Z", "[]")]);
        // Same tokens, same time, same content: a different API call all the same (its own ids).
        File.WriteAllLines(Path.Combine(project, "unrelated.jsonl"),
            [User("2026-01-01T00:00:00Z", "\"hi\""), Assistant("msg_9", "req_9", "2026-01-01T00:00:01Z", "[]")]);

        using var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(db).Run(Home(home));
        Assert.Equal(4, Scalar(db, "SELECT count(*) FROM steps;")); // the TraceLab export keeps every session's copy
        Assert.Equal(3, Scalar(db, "SELECT count(*) FROM counted_steps;"));
        Assert.Equal(1, Scalar(db, "SELECT count(*) FROM steps WHERE round_id = 'msg_1' AND duplicate_of IS NOT NULL;"));
        Assert.Equal(1, Scalar(db, "SELECT count(*) FROM counted_steps WHERE round_id = 'msg_9';"));

        // Deleting the counted copy's file hands the count to the remaining copy.
        var kept = (string)new SqliteCommand("SELECT s.path FROM sources s JOIN counted_steps c ON c.source_id = s.id WHERE c.round_id = 'msg_1';", db.Connection).ExecuteScalar()!;
        File.WriteAllText(kept, string.Empty);
        new Ingestor(db).Run(Home(home));
        Assert.Equal(1, Scalar(db, "SELECT count(*) FROM counted_steps WHERE round_id = 'msg_1';"));
        Assert.Equal(FreshDump(home), Dump(db));
    }

    [Fact]
    public void A_first_load_dedupes_only_keys_stored_twice_and_ends_as_settling_every_key_would()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 12, TargetBytes = 4_000_000, Providers = [Model.Provider.Claude] });

        // A first load (whatever the size) settling every 7 steps, so that copies of one response
        // land in different settles.
        using var shortcut = LedgerDatabase.Open(Path.Combine(_dir, "shortcut.db"));
        var fast = new Ingestor(shortcut) { FirstLoadMinBytes = 0, FirstLoadSettleSteps = 7 };
        Assert.Equal(IngestLoad.FirstLoad, fast.Run(Home(home)).Load);
        using var reference = LedgerDatabase.Open(Path.Combine(_dir, "reference.db"));
        var every = new Ingestor(reference) { FirstLoadMinBytes = 0, FirstLoadSettleSteps = 7, SettleEveryLineageKey = true };
        every.Run(Home(home));

        Assert.Equal(Dump(reference), Dump(shortcut));
        var keys = Scalar(shortcut, "SELECT count(DISTINCT lineage_key) FROM steps;");
        var shared = Scalar(shortcut, "SELECT count(*) FROM (SELECT lineage_key FROM steps WHERE lineage_key IS NOT NULL GROUP BY lineage_key HAVING count(*) > 1);");
        var extraCopies = Scalar(shortcut, "SELECT count(*) - count(DISTINCT lineage_key) FROM steps WHERE lineage_key IS NOT NULL;");
        Assert.True(shared > 0, "the generated history should replay some responses");
        Assert.InRange(every.LineageKeysSettled, keys, long.MaxValue); // every key, once per settle that touched it
        // Each key is settled when a further copy of it arrives (a hash collision could add one more).
        Assert.InRange(fast.LineageKeysSettled, shared, extraCopies + 1);
        Assert.True(fast.LineageKeysSettled < keys, $"settled {fast.LineageKeysSettled} of {keys} keys");

        // An incremental ingest into an empty ledger commits between batches, where another
        // process could store a copy of a key it has seen once: it settles every key.
        using var batched = LedgerDatabase.Open(Path.Combine(_dir, "batched.db"));
        var incremental = new Ingestor(batched) { FirstLoadMinBytes = long.MaxValue, BatchSteps = 7 };
        Assert.Equal(IngestLoad.Incremental, incremental.Run(Home(home)).Load);
        Assert.InRange(incremental.LineageKeysSettled, keys, long.MaxValue);
        Assert.Equal(Dump(reference), Dump(batched));

        // The next run is incremental and settles what it touches in full.
        File.AppendAllLines(ClaudeFiles(home)[0], [User("2026-03-01T00:00:00Z", "\"more\""), Assistant("msg_late", "req_late", "2026-03-01T00:00:01Z", "[]")]);
        fast.Run(Home(home));
        Assert.InRange(fast.LineageKeysSettled, 1, 2); // the new step, and the last one re-read from the checkpoint
        Assert.Equal(FreshDump(home), Dump(shortcut));
    }

    [Fact]
    public async Task Sources_another_ingest_stored_after_this_one_listed_them_are_updated_not_duplicated()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 5, TargetBytes = 600_000, Providers = [Model.Provider.Claude] });
        var full = ClaudeFiles(home).ToDictionary(f => f, File.ReadAllBytes);
        var ledgerPath = Path.Combine(_dir, "ledger.db");
        using var db = LedgerDatabase.Open(ledgerPath);
        // Between this ingest listing the (no) stored sources and writing, another process ingests
        // the first half of every file, which then grows to its whole: every path this one
        // inserts is already there, under the other's ids, with the other's fingerprint and rows.
        var late = new Ingestor(db)
        {
            FirstLoadMinBytes = 0,
            AfterSourcesListed = () =>
            {
                foreach (var (file, bytes) in full)
                {
                    File.WriteAllBytes(file, bytes.AsSpan(0, CutAtLine(bytes, bytes.Length / 2)).ToArray());
                }

                using (var other = LedgerDatabase.Open(ledgerPath))
                {
                    new Ingestor(other).Run(Home(home));
                }

                foreach (var (file, bytes) in full)
                {
                    File.WriteAllBytes(file, bytes);
                }
            },
        };
        var discovered = Ingestor.StartDiscovery(Home(home)); // the whole files, found before the other ingest
        await discovered;
        var report = late.Run(Home(home), discovered);

        Assert.Equal(IngestLoad.Incremental, report.Load); // the ledger was no longer empty under the write lock
        Assert.Equal(full.Count, report.FilesRead);
        Assert.Equal(full.Count, Scalar(db, "SELECT count(*) FROM sources;"));
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM steps WHERE source_id NOT IN (SELECT id FROM sources);"));
        Assert.Equal(FreshDump(home), Dump(db));
        // The fingerprints are the whole files', not the halves the other ingest stored.
        using var sizes = new SqliteCommand("SELECT path, size_bytes FROM sources ORDER BY path;", db.Connection);
        using var r = sizes.ExecuteReader();
        var stored = new Dictionary<string, long>();
        while (r.Read())
        {
            stored[r.GetString(0)] = r.GetInt64(1);
        }

        Assert.Equal(full.ToDictionary(f => f.Key, f => (long)f.Value.Length), stored);
    }

    [Fact]
    public void A_version_5_ledger_keeps_every_tool_call_when_tool_calls_becomes_a_rowid_table()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 9, TargetBytes = 1_500_000 });
        var path = Path.Combine(_dir, "ledger.db");
        string before;
        using (var db = LedgerDatabase.Open(path))
        {
            new Ingestor(db).Run(Home(home));
            before = Dump(db);
            Assert.True(Scalar(db, "SELECT count(*) FROM tool_calls WHERE length(input_json) > 5000;") > 0, "some tool inputs should spill onto overflow pages");
        }

        // Back to version 5: tool_calls as migration 1 created it, a WITHOUT ROWID table.
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var command = new SqliteCommand("""
                PRAGMA foreign_keys = OFF;
                BEGIN;
                CREATE TABLE tool_calls_v5 (
                    step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE, tool_index INTEGER NOT NULL, tool_name TEXT,
                    tool_call_id TEXT NOT NULL, emitted_at TEXT, result_at TEXT, input_json BLOB NOT NULL, input_chars INTEGER NOT NULL,
                    result_chars INTEGER, output_bytes INTEGER, output_truncated INTEGER, tool_wall_latency_ms INTEGER,
                    tool_internal_latency_ms INTEGER, is_error INTEGER, target TEXT, shell_verb TEXT, subagent_type TEXT,
                    spawned_agent_id TEXT, PRIMARY KEY (step_id, tool_index)
                ) WITHOUT ROWID;
                INSERT INTO tool_calls_v5 SELECT * FROM tool_calls;
                DROP TABLE tool_calls;
                ALTER TABLE tool_calls_v5 RENAME TO tool_calls;
                CREATE INDEX tool_calls_by_spawned_agent ON tool_calls(spawned_agent_id) WHERE spawned_agent_id IS NOT NULL;
                PRAGMA user_version = 5;
                COMMIT;
                """, old);
            command.ExecuteNonQuery();
        }

        using var migrated = LedgerDatabase.Open(path);
        Assert.Equal(6, migrated.SchemaVersion);
        Assert.Equal(0, Scalar(migrated, "SELECT count(*) FROM sqlite_schema WHERE name = 'tool_calls' AND sql LIKE '%WITHOUT ROWID%';"));
        Assert.Equal(1, Scalar(migrated, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'tool_calls_by_spawned_agent';"));
        Assert.Equal(0, Scalar(migrated, "SELECT count(*) FROM pragma_foreign_key_check;"));
        Assert.Equal(before, Dump(migrated));

        // Later ingests work on the migrated table.
        File.AppendAllLines(ClaudeFiles(home)[0], [User("2026-03-01T00:00:00Z", "\"more\""), Assistant("msg_late", "req_late", "2026-03-01T00:00:01Z", ToolUse("toolu_late"))]);
        new Ingestor(migrated).Run(Home(home));
        Assert.Equal(FreshDump(home), Dump(migrated));
    }

    [Fact]
    public void Ledger_totals_of_counted_steps_equal_the_generators_deduplicated_truth()
    {
        var home = Path.Combine(_dir, "home");
        var truth = SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 12, TargetBytes = 4_000_000, Providers = [Model.Provider.Claude] }).GroundTruth;
        var dedup = truth.Providers["claude"].DeduplicatedByMessage!.Totals;
        using var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(db).Run(Home(home));
        Assert.True(Scalar(db, "SELECT count(*) FROM steps;") > dedup.Steps, "the generated history should contain replayed sessions");
        Assert.Equal(dedup.Steps, Scalar(db, "SELECT count(*) FROM counted_steps;"));
        Assert.Equal(dedup.OutputTokens, Scalar(db, "SELECT total(output_tokens) FROM counted_steps;"));
        Assert.Equal(dedup.PrefixTokens, Scalar(db, "SELECT total(prefix_tokens) FROM counted_steps;"));
    }

    [Fact]
    public void A_subagent_transcript_without_meta_is_linked_to_the_tool_call_that_spawned_it()
    {
        var home = Path.Combine(_dir, "home");
        var project = Directory.CreateDirectory(Path.Combine(home, ".claude", "projects", "-tmp-p")).FullName;
        File.WriteAllLines(Path.Combine(project, "main.jsonl"),
        [
            User("2026-01-01T00:00:00Z", "\"delegate\""),
            Assistant("msg_m1", "req_m1", "2026-01-01T00:00:01Z", ToolUse("toolu_task", "Task")),
            ToolResult("2026-01-01T00:00:30Z", "toolu_task", agentId: "a1b2"),
            Assistant("msg_m2", "req_m2", "2026-01-01T00:00:31Z", "[]"),
        ]);
        var sidecars = Directory.CreateDirectory(Path.Combine(project, "main", "subagents")).FullName;
        File.WriteAllLines(Path.Combine(sidecars, "agent-a1b2.jsonl"),
            [User("2026-01-01T00:00:02Z", "\"sub task\""), Assistant("msg_s1", "req_s1", "2026-01-01T00:00:03Z", "[]")]);

        using var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(db).Run(Home(home));
        using var command = new SqliteCommand("SELECT parent_session_id, agent_id, parent_tool_call_id FROM sessions WHERE agent_id IS NOT NULL;", db.Connection);
        using var r = command.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal("claude:main", r.GetString(0));
        Assert.Equal("a1b2", r.GetString(1));
        Assert.Equal("toolu_task", r.GetString(2));
        Assert.False(r.Read());
    }
}
