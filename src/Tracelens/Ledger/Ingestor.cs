using System.Globalization;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Readers;

namespace Tracelens.Ledger;

/// <summary>What one ingest run did.</summary>
public sealed class IngestReport
{
    public int FilesSeen { get; set; }
    public int FilesUnchanged { get; set; }
    public int FilesRead { get; set; }

    /// <summary>Files read from their stored checkpoint rather than from the start.</summary>
    public int FilesResumed { get; set; }
    public long StepsAdded { get; set; }
    public long StepsReplaced { get; set; }
    public long DuplicateSteps { get; set; }

    /// <summary>How the rows went in: see <see cref="IngestLoad"/>.</summary>
    public IngestLoad Load { get; set; }

    public required ReadDiagnostics Diagnostics { get; set; }
    public List<string> Problems { get; } = [];
}

/// <summary>How an ingest wrote its rows (the Ledger README's "First load" explains the trade-off).</summary>
public enum IngestLoad
{
    /// <summary>A commit every <see cref="Ingestor.BatchSteps"/> steps, in the write-ahead log.</summary>
    Incremental,

    /// <summary>Many bytes into an empty ledger: one transaction, through the rollback journal.</summary>
    FirstLoad,
}

/// <summary>
/// Incremental ingest into the ledger. A file whose size, modification time and inode match its
/// stored fingerprint is only stat'ed. A Claude transcript that grew resumes at its stored
/// checkpoint — the first line of its last step, which may still be growing — and only that tail
/// is re-read and replaced; anything that makes the tail alone insufficient (a file truncated,
/// replaced or rewritten, a message or tool result continuing an earlier step, the same session
/// in another file) falls back to reading the whole file. Rows, checkpoint and fingerprint of a
/// file commit in one transaction, so an interrupted run leaves every file fully old or fully new.
/// </summary>
public sealed class Ingestor(LedgerDatabase ledger)
{
    /// <summary>Steps written per transaction before committing (files are never split).</summary>
    public int BatchSteps { get; init; } = 5000;

    /// <summary>
    /// From this many bytes to read into an empty ledger, an ingest is a first load
    /// (<see cref="IngestLoad.FirstLoad"/>).
    /// </summary>
    public long FirstLoadMinBytes { get; init; } = DefaultFirstLoadMinBytes;

    public const long DefaultFirstLoadMinBytes = 256L << 20;

    /// <summary>
    /// How many steps a first load writes between bringing the derived rows up to date. It commits
    /// only at the end, but settling as it goes does that work while the writer would otherwise
    /// wait for the readers, instead of in a second of its own at the end.
    /// </summary>
    public int FirstLoadSettleSteps { get; init; } = 20_000;

    /// <summary>Tests: settle every stored lineage key in a first load too (the reference for its dedupe shortcut).</summary>
    internal bool SettleEveryLineageKey { get; init; }

    /// <summary>Tests: runs after this ingest listed the stored sources, before it reads any file.</summary>
    internal Action? AfterSourcesListed { get; init; }

    /// <summary>How many lineage keys the last <see cref="Run"/> sent through the dedupe queries.</summary>
    internal long LineageKeysSettled { get; private set; }

    /// <summary>Called with (files read, files to read, bytes read) as changed files complete.</summary>
    public Action<int, int, long>? Progress { get; init; }

    /// <summary>
    /// Forgets every stored fingerprint and cursor so the next <see cref="Run"/> re-reads all files
    /// from their start (burn's rebuild kept its cursors and re-read nothing). Rows stay until each
    /// file's new read replaces them, so an interrupted rebuild loses nothing.
    /// </summary>
    public void ForgetFingerprints() => LedgerDatabase.Execute(ledger.Connection,
        "UPDATE sources SET size_bytes = -1, mtime_ns = -1, cursor_offset = 0, cursor_line = 0;");

    private sealed record StoredSource(long Id, long Size, long MtimeNs, long Inode);

    public IngestReport Run(DiscoveryOptions discovery) => Run(discovery, StartDiscovery(discovery));

    /// <summary>
    /// Starts finding and stat'ing the logs on another thread, so that it overlaps opening the
    /// ledger (on an unchanged history those two are nearly all an ingest does).
    /// </summary>
    public static Task<(List<SessionLog> Logs, List<string> Problems)> StartDiscovery(DiscoveryOptions discovery) => Task.Run(() =>
    {
        var problems = new List<string>();
        return (LogDiscovery.Discover(discovery, problems), problems);
    });

    public IngestReport Run(DiscoveryOptions discovery, Task<(List<SessionLog> Logs, List<string> Problems)> discovered)
    {
        var report = new IngestReport { Diagnostics = new ReadDiagnostics() };
        var known = LoadSources();
        AfterSourcesListed?.Invoke();
        var (logs, problems) = discovered.GetAwaiter().GetResult();
        report.Problems.AddRange(problems);
        report.FilesSeen = logs.Count;
        var changed = new List<SessionLog>();
        foreach (var log in logs)
        {
            if (log.ModifiedNs < 0)
            {
                continue; // could not be stat'ed: nothing to compare or read
            }

            if (known.TryGetValue(log.Path, out var stored) && stored.Size == log.Length && stored.MtimeNs == log.ModifiedNs
                && stored.Inode == log.Inode)
            {
                report.FilesUnchanged++;
                continue;
            }

            changed.Add(log);
        }

        if (changed.Count == 0)
        {
            return report;
        }

        var connection = ledger.Connection;
        var resumes = new Dictionary<string, ResumeState>(StringComparer.Ordinal);
        foreach (var log in changed)
        {
            if (known.TryGetValue(log.Path, out var stored) && PlanResume(log, stored) is { } resume)
            {
                resumes[log.Path] = resume;
            }
        }

        // A first ingest of a large history (into an empty ledger) is one transaction: nothing is
        // stored yet that a crash could lose, and SQLite's rollback journal writes each new page once,
        // where the write-ahead log writes it twice (into the log, then at the checkpoint). Decided
        // again under the write lock below.
        var large = changed.Sum(log => log.Length) >= FirstLoadMinBytes;
        using var journal = large && known.Count == 0 && IsEmpty() ? BulkJournal.TryEnter(connection) : null;
        using var writer = new LedgerWriter(connection);
        var affected = new AffectedRows(connection);
        var pending = new List<(AgentStep Step, byte[] Events)>();
        long inTransaction = 0;
        LedgerDatabase.Execute(connection, "BEGIN IMMEDIATE;");
        var committed = false;
        try
        {
            // Still empty under the write lock: no other ingest got here first.
            var firstLoad = large && known.Count == 0 && IsEmpty();
            report.Load = firstLoad ? IngestLoad.FirstLoad : IngestLoad.Incremental;
            // Only a first load, which commits once: between the batches of an incremental ingest
            // another process could store a copy this run would then never settle.
            affected.FirstLoad = firstLoad && !SettleEveryLineageKey;
            var batchSteps = firstLoad ? FirstLoadSettleSteps : BatchSteps;
            // A first load builds the indexes that only reports read once, at the end, from sorted
            // rows, instead of inserting each step into them at a random place.
            var deferred = firstLoad ? DeferredIndexes.Drop(connection, IndexesKeptWhileLoading) : null;
            var collector = new Collector
            {
                Progress = Progress is null ? null : (done, bytes) => Progress(done, changed.Count, bytes),
                ResumeAt = log => resumes.GetValueOrDefault(log.Path),
                FileCompleted = (log, read) =>
                {
                    var sourceId = known.TryGetValue(log.Path, out var stored) ? stored.Id : -1;
                    if (read.ResumedFrom is { } resumedFrom && TailContinuesEarlierSteps(sourceId, resumedFrom, pending, read.ToolCallIdsToCheck ?? []))
                    {
                        // Rare: the tail continues an earlier step. Read the file whole, here.
                        var (whole, wholeRead) = Collector.ReadWhole(log, discovery.Home, report.Diagnostics);
                        pending.Clear();
                        pending.AddRange(whole.Select(step => (step, TraceLabRowWriter.TimingEventsUtf8(step.TimingEvents))));
                        read = wholeRead;
                    }

                    sourceId = UpsertSource(log, read.Checkpoint, pending.Count, sourceId);
                    if (read.ResumedFrom is { } from)
                    {
                        report.FilesResumed++;
                        report.StepsReplaced += affected.DeleteSteps(sourceId, from.LineNumber);
                    }
                    else if (!firstLoad) // (a first load has nothing to replace)
                    {
                        report.StepsReplaced += affected.DeleteSteps(sourceId, 0);
                    }

                    affected.CountSteps(sourceId);
                    foreach (var (step, events) in pending)
                    {
                        if (writer.Insert(step, sourceId, events))
                        {
                            affected.Added(step, writer.LastLineageKey);
                            report.StepsAdded++;
                        }
                        else
                        {
                            report.DuplicateSteps++;
                        }
                    }

                    inTransaction += pending.Count;
                    pending.Clear();
                    report.FilesRead++;
                    if (inTransaction >= batchSteps)
                    {
                        affected.Settle();
                        if (!firstLoad)
                        {
                            LedgerDatabase.Execute(connection, "COMMIT; BEGIN IMMEDIATE;");
                        }

                        inTransaction = 0;
                    }
                },
            };
            // Events are serialized on the reading threads; the writing thread only binds them.
            var collect = collector.Run(changed, discovery.Home, step => TraceLabRowWriter.TimingEventsUtf8(step.TimingEvents),
                (step, events) => pending.Add((step, events)));
            report.Diagnostics = collect.Diagnostics;
            report.DuplicateSteps += collect.DuplicateSteps;
            affected.Settle();
            LineageKeysSettled = affected.LineageKeysSettled;
            deferred?.Rebuild();
            LedgerDatabase.Execute(connection, "COMMIT;");
            committed = true;
        }
        finally
        {
            if (!committed)
            {
                LedgerDatabase.RollbackQuietly(connection);
            }

            _storedBefore?.Dispose();
            _callsStoredBefore?.Dispose();
            _updateSource?.Dispose();
            _insertSource?.Dispose();
            _storedBefore = _callsStoredBefore = _updateSource = _insertSource = null;
        }

        return report;
    }

    /// <summary>
    /// The indexes a first load keeps up to date row by row: those it queries as it goes
    /// (<see cref="AffectedRows.Settle"/>: copies of a response by lineage, sessions and their
    /// steps, a source's step count, spawned agents), and the partial <c>steps_above_tier</c>, which
    /// holds few rows, so that building it would be a scan of the table for almost nothing. Every
    /// other secondary index is built once at the end (<see cref="DeferredIndexes"/>): on a 3.3 GB
    /// history, 0.37 s for <c>steps_usage</c> and 0.10 s for <c>steps_by_time</c>.
    /// </summary>
    private static readonly HashSet<string> IndexesKeptWhileLoading = new(
        ["steps_by_lineage", "steps_by_session", "steps_by_source", "tool_calls_by_spawned_agent", "steps_above_tier"], StringComparer.Ordinal);

    private bool IsEmpty() => LedgerDatabase.Scalar(ledger.Connection, "SELECT EXISTS (SELECT 1 FROM steps) OR EXISTS (SELECT 1 FROM sources);") is 0L;

    /// <summary>
    /// Whether a changed file can resume at its stored checkpoint, and with what state; null means
    /// it is read whole. Claude transcripts and Codex rollouts resume (a Codex cursor also holds the
    /// reader's session-wide state); opencode sessions are separate small files, read whole.
    /// </summary>
    private ResumeState? PlanResume(SessionLog log, StoredSource stored)
    {
        var checkpoint = LoadCheckpoint(stored.Id);
        if (log.Provider is not (Provider.Claude or Provider.Codex) || checkpoint.Offset <= 0 || stored.Size < 0
            || log.Length < stored.Size // truncated
            || (stored.Inode != 0 && log.Inode != 0 && stored.Inode != log.Inode)) // replaced under the same name
        {
            return null;
        }

        // A file rewritten from the top (same inode, not shorter) shows in its first bytes.
        try
        {
            if (ReadCheckpoint.HeadFingerprintOf(ReadCheckpoint.ReadHead(log.Path), checkpoint.Offset) != checkpoint.HeadFingerprint)
            {
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the read reports it
        }

        var c = ledger.Connection;
        // The step at the checkpoint supplies the input events that preceded it.
        var stepId = LedgerDatabase.Scalar(c, "SELECT id FROM steps WHERE source_id = $s AND first_line = $l;",
            ("$s", stored.Id), ("$l", checkpoint.LineNumber + 1));
        if (stepId is not long id)
        {
            return null;
        }

        // A session whose steps also live in another file (a copy in .claude.back): which copy keeps
        // a step depends on the whole files, so read whole. A file holds one session, so the session
        // has more steps than the file exactly when another file holds some (both counts are index-only).
        var sessionId = (string)LedgerDatabase.Scalar(c, "SELECT session_id FROM steps WHERE id = $id;", ("$id", id))!;
        var inSession = (long)LedgerDatabase.Scalar(c, "SELECT count(*) FROM steps WHERE session_id = $session;", ("$session", sessionId))!;
        var inFile = (long)LedgerDatabase.Scalar(c, "SELECT count(*) FROM steps WHERE source_id = $s;", ("$s", stored.Id))!;
        if (inSession != inFile)
        {
            return null;
        }

        var events = new LedgerReader(ledger).TimingEvents(id)?.Take(checkpoint.PendingEvents).ToList();
        if (events is null || events.Count != checkpoint.PendingEvents)
        {
            return null;
        }

        return new ResumeState(checkpoint, events);
    }

    /// <summary>
    /// Whether a resumed read's tail continues something from before its checkpoint: a step key
    /// this file already stored there, or a tool call id stored there (a late result, or a repeated
    /// Codex call id). Then only a full read gives the right rows. Checked after the read: the step
    /// keys by index, the call ids in one pass over the calls the file stored before the checkpoint.
    /// </summary>
    private bool TailContinuesEarlierSteps(long sourceId, ReadCheckpoint from, List<(AgentStep Step, byte[] Events)> tail, IReadOnlyList<string> toolCallIds)
    {
        // One prepared statement per question for the whole pass, bound per id: a resumed tail
        // asks once per step, and a command per question cost more than reading the tail.
        _storedBefore ??= new SqliteStatement(ledger.Connection, "SELECT 1 FROM steps WHERE trace_key = ?1 AND source_id = ?2 AND first_line <= ?3;");
        foreach (var (step, _) in tail)
        {
            if (_storedBefore.Exists(step.TraceKey!, sourceId, from.LineNumber))
            {
                return true;
            }
        }

        if (toolCallIds.Count == 0)
        {
            return false;
        }

        // One pass over the tool calls this file stored before the checkpoint, not a query per id:
        // tool_call_id has no index (an index would cost every insert), so a query per id walked
        // those same rows for each id, and a Codex tail asks about every call it holds.
        var wanted = new HashSet<string>(toolCallIds, StringComparer.Ordinal);
        _callsStoredBefore ??= new SqliteStatement(ledger.Connection, """
            SELECT t.tool_call_id FROM steps s JOIN tool_calls t ON t.step_id = s.id WHERE s.source_id = ?1 AND s.first_line <= ?2;
            """);
        _callsStoredBefore.Bind(1, sourceId);
        _callsStoredBefore.Bind(2, from.LineNumber);
        try
        {
            while (_callsStoredBefore.Step())
            {
                if (wanted.Contains(SqliteNative.StringOrNull(_callsStoredBefore.Handle, 0)!))
                {
                    return true;
                }
            }
        }
        finally
        {
            _callsStoredBefore.Reset();
        }

        return false;
    }

    private SqliteStatement? _storedBefore;
    private SqliteStatement? _updateSource;
    private SqliteStatement? _insertSource;
    private SqliteStatement? _callsStoredBefore;

    private Dictionary<string, StoredSource> LoadSources()
    {
        var map = new Dictionary<string, StoredSource>(StringComparer.Ordinal);
        using var query = new SqliteStatement(ledger.Connection, "SELECT path, id, size_bytes, mtime_ns, inode FROM sources WHERE kind = 'log';");
        var h = query.Handle;
        while (query.Step())
        {
            map[System.Text.Encoding.UTF8.GetString(SqliteNative.Text(h, 0))] = new StoredSource(
                SqliteNative.sqlite3_column_int64(h, 1), SqliteNative.sqlite3_column_int64(h, 2),
                SqliteNative.sqlite3_column_int64(h, 3), SqliteNative.sqlite3_column_int64(h, 4));
        }

        return map;
    }

    private ReadCheckpoint LoadCheckpoint(long sourceId)
    {
        using var command = ledger.Connection.CreateCommand();
        command.CommandText = """
            SELECT cursor_offset, cursor_line, cursor_round_index, cursor_pending_events, cursor_line_fingerprint,
                   cursor_synthetic_records, cursor_head_fingerprint, cursor_reader_state
            FROM sources WHERE id = $id;
            """;
        command.Parameters.AddWithValue("$id", sourceId);
        using var r = command.ExecuteReader();
        return r.Read()
            ? new ReadCheckpoint(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetInt32(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
                r.IsDBNull(7) ? null : (byte[])r.GetValue(7))
            : ReadCheckpoint.Start;
    }

    private long UpsertSource(SessionLog log, ReadCheckpoint checkpoint, int steps, long knownId)
    {
        // Plain single-row statements (prepared once for the pass: a SqliteCommand per file cost
        // ~70 µs, 0.4 s of a 3 GB first load), not one INSERT … ON CONFLICT DO UPDATE … RETURNING:
        // SQLite runs an upsert or a RETURNING clause under a statement journal, which first copies
        // every page the statement touches into a temporary file (about 100 MB of writes over the
        // 3,900 files of a 3 GB first load).
        if (knownId >= 0)
        {
            var update = _updateSource ??= new SqliteStatement(ledger.Connection, $"UPDATE sources SET {SourceUpdates} WHERE id = ?17 AND path = ?2;");
            BindSource(update, log, checkpoint, steps);
            update.Bind(17, knownId);
            if (update.Execute() == 1)
            {
                return knownId;
            }
        }

        var insert = _insertSource ??= new SqliteStatement(ledger.Connection, """
            INSERT OR IGNORE INTO sources (provider, path, store, size_bytes, mtime_ns, inode, steps, ingested_at, cursor_offset, cursor_line,
                                           cursor_round_index, cursor_pending_events, cursor_line_fingerprint, cursor_synthetic_records,
                                           cursor_head_fingerprint, cursor_reader_state)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16);
            """);
        BindSource(insert, log, checkpoint, steps);
        if (insert.Execute() == 1)
        {
            return insert.LastInsertRowId;
        }

        // Another ingest stored this path after this one listed the sources (or reset the ledger
        // and stored it again under a new id): rare, so plain commands.
        using var byPath = new SqliteStatement(ledger.Connection, $"UPDATE sources SET {SourceUpdates} WHERE path = ?2;");
        BindSource(byPath, log, checkpoint, steps);
        byPath.Execute();
        using var id = new SqliteStatement(ledger.Connection, "SELECT id FROM sources WHERE path = ?1;");
        id.Bind(1, log.Path);
        return id.ScalarInt64();
    }

    private const string SourceUpdates = """
        size_bytes = ?4, mtime_ns = ?5, inode = ?6, steps = ?7, ingested_at = ?8, cursor_offset = ?9, cursor_line = ?10,
        cursor_round_index = ?11, cursor_pending_events = ?12, cursor_line_fingerprint = ?13, cursor_synthetic_records = ?14,
        cursor_head_fingerprint = ?15, cursor_reader_state = ?16
        """;

    /// <summary>Binds a source row to positions 1–16 (the column order of the insert above).</summary>
    private static void BindSource(SqliteStatement statement, SessionLog log, ReadCheckpoint checkpoint, int steps)
    {
        statement.Bind(1, log.Provider.WireName());
        statement.Bind(2, log.Path);
        statement.Bind(3, log.Store);
        statement.Bind(4, log.Length);
        statement.Bind(5, log.ModifiedNs);
        statement.Bind(6, log.Inode);
        statement.Bind(7, steps);
        statement.Bind(8, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        statement.Bind(9, checkpoint.Offset);
        statement.Bind(10, checkpoint.LineNumber);
        statement.Bind(11, checkpoint.RoundIndex);
        statement.Bind(12, checkpoint.PendingEvents);
        statement.Bind(13, checkpoint.LineFingerprint);
        statement.Bind(14, checkpoint.SyntheticRecords);
        statement.Bind(15, checkpoint.HeadFingerprint);
        if (checkpoint.ReaderState is { } state)
        {
            statement.BindBlob(16, state);
        }
        else
        {
            statement.Bind(16, (string?)null);
        }
    }
}
