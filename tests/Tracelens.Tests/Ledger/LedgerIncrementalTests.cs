using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Export;
using Tracelens.Ledger;
using Tracelens.Readers;
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

    private static string[] ClaudeFiles(string home) => LogFiles(home, Model.Provider.Claude);

    private static string[] LogFiles(string home, Model.Provider provider) =>
        [.. Directory.GetFiles(Path.Combine(home, provider == Model.Provider.Claude ? ".claude" : ".codex"), "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData(Model.Provider.Claude)]
    [InlineData(Model.Provider.Codex)]
    public void Growing_files_resume_at_their_checkpoint_and_end_equal_to_a_full_read(Model.Provider provider)
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 7, TargetBytes = 3_000_000, Providers = [provider] });
        var full = LogFiles(home, provider).ToDictionary(f => f, File.ReadAllBytes);

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

    [Theory]
    [InlineData(Model.Provider.Claude)]
    [InlineData(Model.Provider.Codex)]
    public void Truncated_replaced_and_rewritten_files_are_read_again_from_the_start(Model.Provider provider)
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 8, TargetBytes = 1_500_000, Providers = [provider] });
        using var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(db).Run(Home(home));
        var files = LogFiles(home, provider).Where(f => File.ReadAllLines(f).Length > 12).Take(3).ToArray();
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

        // 4. A line inserted past the first 4 KB, before the checkpoint: the head is unchanged, but
        //    the checkpoint's offset now holds other bytes (only the checkpoint line's fingerprint tells).
        var (middle, checkpointAt) = CheckpointsPast(db, 3 * ReadCheckpoint.HeadBytes).First(c => !files.Contains(c.Path));
        var bytes = File.ReadAllBytes(middle);
        var insertAt = CutAtLine(bytes, 2 * ReadCheckpoint.HeadBytes);
        Assert.True(insertAt < checkpointAt);
        var copied = bytes[insertAt..CutAtLine(bytes, insertAt)];
        File.WriteAllBytes(middle, [.. bytes[..insertAt], .. copied, .. bytes[insertAt..], .. copied]);

        var report = new Ingestor(db).Run(Home(home));
        Assert.Equal(4, report.FilesRead);
        Assert.Equal(0, report.FilesResumed);
        Assert.Equal(FreshDump(home), Dump(db));
    }

    /// <summary>Stored sources whose checkpoint lies past <paramref name="offset"/>, with that checkpoint.</summary>
    private static List<(string Path, long Offset)> CheckpointsPast(LedgerDatabase db, long offset)
    {
        using var command = new SqliteCommand("SELECT path, cursor_offset FROM sources WHERE cursor_offset > $o ORDER BY path;", db.Connection);
        command.Parameters.AddWithValue("$o", offset);
        using var r = command.ExecuteReader();
        var found = new List<(string, long)>();
        while (r.Read())
        {
            found.Add((r.GetString(0), r.GetInt64(1)));
        }

        return found;
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

    /// <summary>Codex rollout records, in the shape the reader needs.</summary>
    private static class Rollout
    {
        public static string Meta(string id) =>
            $$$"""{"timestamp":"2026-02-01T00:00:00.000Z","type":"session_meta","payload":{"id":"{{{id}}}","cwd":"/tmp/p"}}""";

        public static string Turn(string turn) =>
            $$$"""{"timestamp":"2026-02-01T00:00:00.100Z","type":"turn_context","payload":{"turn_id":"{{{turn}}}","cwd":"/tmp/p","model":"gpt-5.3-codex"}}""";

        public static string User(string time, string text) =>
            $$$"""{"timestamp":"{{{time}}}","type":"event_msg","payload":{"type":"user_message","message":"{{{text}}}"}}""";

        public static string Reasoning(string time) =>
            $$$"""{"timestamp":"{{{time}}}","type":"response_item","payload":{"type":"reasoning","summary":[]}}""";

        public static string Call(string time, string callId) =>
            $$$"""{"timestamp":"{{{time}}}","type":"response_item","payload":{"type":"function_call","name":"exec_command","arguments":"{\"cmd\":\"ls\"}","call_id":"{{{callId}}}"}}""";

        public static string Output(string time, string callId) =>
            $$$"""{"timestamp":"{{{time}}}","type":"response_item","payload":{"type":"function_call_output","call_id":"{{{callId}}}","output":"Exit code: 0\nok"}}""";

        /// <summary>A usage report; <paramref name="calls"/> is how many calls the cumulative total covers.</summary>
        public static string Usage(string time, int calls) =>
            $$$"""{"timestamp":"{{{time}}}","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":{{{1000 * calls}}},"cached_input_tokens":{{{800 * calls}}},"output_tokens":{{{50 * calls}}},"reasoning_output_tokens":0,"total_tokens":{{{1050 * calls}}}},"last_token_usage":{"input_tokens":1000,"cached_input_tokens":800,"output_tokens":50,"reasoning_output_tokens":0,"total_tokens":1050""" + "}}}}";
    }

    private static string CodexRollout(string home)
    {
        var folder = Directory.CreateDirectory(Path.Combine(home, ".codex", "sessions", "2026", "02", "01")).FullName;
        return Path.Combine(folder, "rollout-2026-02-01T00-00-00-0000aaaa-0000-0000-0000-000000000001.jsonl");
    }

    /// <summary>A rollout whose first two calls are stored: the second call's model output is the checkpoint.</summary>
    private static string[] TwoCalls =>
    [
        Rollout.Meta("sess_a"),
        Rollout.Turn("turn_1"),
        Rollout.User("2026-02-01T00:00:01.000Z", new string('x', 5000)), // the first 4 KB (the head fingerprint) end here
        Rollout.Call("2026-02-01T00:00:02.000Z", "call_1"),
        Rollout.Usage("2026-02-01T00:00:03.000Z", 1),
        Rollout.Output("2026-02-01T00:00:04.000Z", "call_1"),
        Rollout.User("2026-02-01T00:00:05.000Z", "again"),
        Rollout.Reasoning("2026-02-01T00:00:06.000Z"),
        Rollout.Usage("2026-02-01T00:00:06.500Z", 1), // an echo of call 1's total inside call 2: not a call
        Rollout.Call("2026-02-01T00:00:07.000Z", "call_2"),
        Rollout.Usage("2026-02-01T00:00:08.000Z", 2),
    ];

    /// <summary>A home with one rollout holding <see cref="TwoCalls"/>, ingested into a new ledger.</summary>
    private (string Home, string File, LedgerDatabase Db) IngestedTwoCalls()
    {
        var home = Path.Combine(_dir, "home");
        var file = CodexRollout(home);
        File.WriteAllLines(file, TwoCalls);
        var db = LedgerDatabase.Open(Path.Combine(_dir, "ledger.db"));
        new Ingestor(db).Run(Home(home));
        return (home, file, db);
    }

    [Fact]
    public void A_codex_rollout_resumes_at_its_last_calls_model_output_with_its_session_state()
    {
        var (home, file, ledger) = IngestedTwoCalls();
        using var db = ledger;
        Assert.Equal(7, Scalar(db, "SELECT cursor_line FROM sources;")); // lines before the checkpoint: call 2 starts at its reasoning, line 8

        // call_2's result, a new turn and a call whose usage comes only as a cumulative total.
        File.AppendAllLines(file,
        [
            Rollout.Output("2026-02-01T00:00:09.000Z", "call_2"),
            Rollout.Turn("turn_2"),
            Rollout.User("2026-02-01T00:00:10.000Z", "more"),
            Rollout.Call("2026-02-01T00:00:11.000Z", "call_3"),
            Rollout.Usage("2026-02-01T00:00:12.000Z", 3).Replace(""","last_token_usage":{"input_tokens":1000,"cached_input_tokens":800,"output_tokens":50,"reasoning_output_tokens":0,"total_tokens":1050}""", string.Empty),
            Rollout.Usage("2026-02-01T00:00:12.500Z", 3), // an echo of the same total: not a call
        ]);
        var report = new Ingestor(db).Run(Home(home));
        Assert.Equal(1, report.FilesResumed);
        Assert.Equal(1, report.StepsReplaced); // call 2 is re-read and replaced; call 1 stays
        Assert.Equal(2000, Scalar(db, "SELECT tool_wall_latency_ms FROM tool_calls WHERE tool_call_id = 'call_2';")); // emitted at 7 s, result at 9 s
        Assert.Equal(FreshDump(home), Dump(db));

        // Nothing new: the last call is re-read and stays the same.
        File.AppendAllLines(file, [Rollout.Output("2026-02-01T00:00:13.000Z", "call_3")]);
        Assert.Equal(1, new Ingestor(db).Run(Home(home)).FilesResumed);
        Assert.Equal(FreshDump(home), Dump(db));
    }

    [Theory]
    [InlineData("a result for a call before the checkpoint")]
    [InlineData("a call id used before the checkpoint")]
    [InlineData("other bytes at the checkpoint offset")]
    public void A_codex_tail_that_depends_on_lines_before_the_checkpoint_is_read_whole(string change)
    {
        var (home, file, ledger) = IngestedTwoCalls();
        using var db = ledger;

        var lines = File.ReadAllLines(file).ToList();
        switch (change)
        {
            case "a result for a call before the checkpoint":
                lines.AddRange([Rollout.Output("2026-02-01T00:00:09.000Z", "call_1"), Rollout.Output("2026-02-01T00:00:09.500Z", "call_2")]);
                lines[5] = Rollout.User("2026-02-01T00:00:04.000Z", "oops"); // call_1's first result now comes late
                lines[5] = lines[5].PadRight(Rollout.Output("2026-02-01T00:00:04.000Z", "call_1").Length); // same length: offsets unchanged
                break;
            case "a call id used before the checkpoint":
                lines.AddRange([Rollout.Output("2026-02-01T00:00:09.000Z", "call_2"), Rollout.Call("2026-02-01T00:00:10.000Z", "call_1"), Rollout.Usage("2026-02-01T00:00:11.000Z", 3)]);
                break;
            default:
                // A line as long as the one before the checkpoint, inserted before it (past the
                // first 4 KB): the checkpoint's offset now holds that line instead of its own.
                var inserted = Rollout.User("2026-02-01T00:00:04.500Z", "AGAIN");
                Assert.Equal(lines[6].Length, inserted.Length);
                lines.Insert(6, inserted);
                lines.Add(Rollout.Output("2026-02-01T00:00:09.000Z", "call_2"));
                break;
        }

        File.WriteAllLines(file, lines);
        var report = new Ingestor(db).Run(Home(home));
        Assert.Equal(1, report.FilesRead);
        Assert.Equal(0, report.FilesResumed);
        Assert.Equal(FreshDump(home), Dump(db));
    }

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
                ALTER TABLE sources DROP COLUMN cursor_reader_state;
                PRAGMA user_version = 5;
                COMMIT;
                """, old);
            command.ExecuteNonQuery();
        }

        using var migrated = LedgerDatabase.Open(path);
        Assert.Equal(LedgerDatabase.LatestVersion, migrated.SchemaVersion);
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
    public void A_version_6_ledger_reads_every_codex_rollout_again_and_then_resumes_them()
    {
        var home = Path.Combine(_dir, "home");
        SyntheticHistory.Generate(new SynthOptions { OutputDirectory = home, Seed = 10, TargetBytes = 1_000_000 });
        var path = Path.Combine(_dir, "ledger.db");
        using (var db = LedgerDatabase.Open(path))
        {
            new Ingestor(db).Run(Home(home));
        }

        // Back to version 6: no reader state, Codex cursors at the start, and Codex first lines on
        // the old meaning (the first input event's line, before the model output).
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var command = new SqliteCommand("""
                BEGIN;
                ALTER TABLE sources DROP COLUMN cursor_reader_state;
                UPDATE sources SET cursor_offset = 0, cursor_line = 0 WHERE provider = 'codex';
                UPDATE steps SET first_line = first_line - 1 WHERE source_id IN (SELECT id FROM sources WHERE provider = 'codex');
                PRAGMA user_version = 6;
                COMMIT;
                """, old);
            command.ExecuteNonQuery();
        }

        using var migrated = LedgerDatabase.Open(path);
        Assert.Equal(LedgerDatabase.LatestVersion, migrated.SchemaVersion);
        var codexFiles = LogFiles(home, Model.Provider.Codex).Length;
        var report = new Ingestor(migrated).Run(Home(home));
        Assert.Equal(codexFiles, report.FilesRead);
        Assert.Equal(FreshDump(home), Dump(migrated));

        // Every rollout now has a cursor with its state: an append resumes.
        File.AppendAllLines(LogFiles(home, Model.Provider.Codex)[0], [Rollout.Reasoning("2026-12-01T00:00:00.000Z")]);
        Assert.Equal(1, new Ingestor(migrated).Run(Home(home)).FilesResumed);
        Assert.Equal(FreshDump(home), Dump(migrated));
    }

    [Fact]
    public void A_damaged_codex_reader_state_makes_the_next_read_a_full_one()
    {
        var (home, file, ledger) = IngestedTwoCalls();
        using var db = ledger;
        using (var damage = new SqliteCommand("UPDATE sources SET cursor_reader_state = substr(cursor_reader_state, 1, length(cursor_reader_state) - 3);", db.Connection))
        {
            Assert.Equal(1, damage.ExecuteNonQuery());
        }

        File.AppendAllLines(file, [Rollout.Output("2026-02-01T00:00:09.000Z", "call_2")]);
        var report = new Ingestor(db).Run(Home(home));
        Assert.Equal(1, report.FilesRead);
        Assert.Equal(0, report.FilesResumed);
        Assert.Equal(0, report.Diagnostics.TotalSkipped);
        Assert.Equal(FreshDump(home), Dump(db));
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
