using System.Threading.Channels;
using Tracelens.Model;
using Tracelens.Readers;
using Tracelens.Readers.Claude;
using Tracelens.Readers.Codex;
using Tracelens.Readers.OpenCode;

namespace Tracelens.Collect;

/// <summary>Totals of one collect run.</summary>
public sealed class CollectReport
{
    public int Files { get; set; }
    public long Bytes { get; set; }
    public int Sessions { get; set; }
    public long Steps { get; set; }
    public long ToolCalls { get; set; }
    public long ToolResults { get; set; }
    public long DuplicateSteps { get; set; }
    public long SyntheticRecords { get; set; }
    public Dictionary<Provider, long> StepsByProvider { get; } = [];
    public required ReadDiagnostics Diagnostics { get; init; }
    public List<string> Problems { get; } = [];
}

/// <summary>How one file was read: from its start, or resumed at a checkpoint.</summary>
/// <param name="ResumedFrom">The checkpoint the read resumed at; null for a read of the whole file.</param>
/// <param name="Checkpoint">Where the next incremental read of the file should start.</param>
/// <param name="ToolCallIdsToCheck">In a resumed read: tool call ids a full read may have met before the checkpoint (results whose call was not in the tail; for Codex also the tail's calls).</param>
public sealed record FileRead(ReadCheckpoint? ResumedFrom, ReadCheckpoint Checkpoint, long SyntheticRecords, IReadOnlyList<string>? ToolCallIdsToCheck = null);

/// <summary>
/// Reads session logs into agent steps: files in parallel (bounded), steps delivered in
/// TraceLab's order (Claude first, then Codex; discovery order), each stamped with
/// home/user/store/trace_key and deduplicated by trace_key (first occurrence wins), as
/// TraceLab's collector does. Memory stays bounded: only a few files' steps are in flight.
/// </summary>
public sealed class Collector
{
    private readonly int _parallelism;

    public Collector(int? parallelism = null) => _parallelism = Math.Max(1, parallelism ?? Environment.ProcessorCount);

    /// <summary>How many bytes of logs the readers may have read (or be reading) beyond what the consumer took.</summary>
    public long ReadAheadBytes { get; init; } = 256L << 20;

    /// <summary>Called with (files done, bytes done) as files complete.</summary>
    public Action<int, long>? Progress { get; init; }

    /// <summary>Called, in order, after the last kept step of each file reached the sink.</summary>
    public Action<SessionLog, FileRead>? FileCompleted { get; init; }

    /// <summary>
    /// For incremental reads (the ledger): where each file resumes (null: from its start). Files
    /// are also read as still being written: an unfinished, unparsable last line is held back.
    /// </summary>
    public Func<SessionLog, ResumeState?>? ResumeAt { get; init; }

    /// <summary>Reads <paramref name="logs"/> and hands each kept step to <paramref name="sink"/>, in order.</summary>
    public CollectReport Run(IReadOnlyList<SessionLog> logs, string home, Action<AgentStep> sink, CancellationToken cancellation = default) =>
        Run<object?>(logs, home, _ => null, (step, _) => sink(step), cancellation);

    /// <summary>
    /// Like <see cref="Run(IReadOnlyList{SessionLog}, string, Action{AgentStep}, CancellationToken)"/>, but
    /// <paramref name="prepare"/> runs on the worker threads (e.g. serializing a row) so the ordered
    /// consumer only dedupes and writes. Duplicates are prepared too and then dropped.
    /// </summary>
    public CollectReport Run<T>(IReadOnlyList<SessionLog> logs, string home, Func<AgentStep, T> prepare, Action<AgentStep, T> sink, CancellationToken cancellation = default)
    {
        var report = new CollectReport { Diagnostics = new ReadDiagnostics(), Files = logs.Count, Bytes = logs.Sum(l => l.Length) };
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        var sessions = new HashSet<string>(StringComparer.Ordinal);

        // Ordered pipeline: files are read `parallelism` at a time and consumed strictly in order.
        // Readers run ahead of the consumer by a budget of file bytes rather than a number of files:
        // while a big file at the head of the line is still being read, the other readers go on
        // through the many small files behind it (a count of 32 files let them run dry within
        // ~10 ms, leaving one core idle for the rest of the big read: 0.9 s of a 3 GB first load).
        // Memory: the steps of at most ReadAheadBytes of logs wait, a few percent of those bytes.
        var window = Channel.CreateUnbounded<Task<(List<(AgentStep Step, T Prepared)> Steps, FileRead Read)>>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var gate = new SemaphoreSlim(_parallelism);
        using var consumed = new SemaphoreSlim(0);
        long bytesAhead = 0;
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var log in logs)
                {
                    await gate.WaitAsync(cancellation).ConfigureAwait(false);
                    // A file bigger than the budget still goes when nothing else is ahead.
                    while (Interlocked.Read(ref bytesAhead) is var ahead && ahead > 0 && ahead + log.Length > ReadAheadBytes)
                    {
                        await consumed.WaitAsync(cancellation).ConfigureAwait(false);
                    }

                    Interlocked.Add(ref bytesAhead, log.Length);
                    var task = Task.Run(() =>
                    {
                        try
                        {
                            var (steps, read) = ReadOne(log, report.Diagnostics);
                            Stamp(steps, log, home);
                            var prepared = new List<(AgentStep, T)>(steps.Count);
                            foreach (var step in steps)
                            {
                                prepared.Add((step, prepare(step)));
                            }

                            return (prepared, read);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }, cancellation);
                    await window.Writer.WriteAsync(task, cancellation).ConfigureAwait(false);
                }
            }
            finally
            {
                window.Writer.Complete();
            }
        }, cancellation);

        var done = 0;
        long bytesDone = 0;
        var index = 0;
        while (window.Reader.WaitToReadAsync(cancellation).AsTask().GetAwaiter().GetResult())
        {
            while (window.Reader.TryRead(out var task))
            {
                var (steps, read) = task.GetAwaiter().GetResult();
                var log = logs[index++];
                report.SyntheticRecords += read.SyntheticRecords;
                foreach (var (step, prepared) in steps)
                {
                    if (!seenKeys.Add(step.TraceKey!))
                    {
                        report.DuplicateSteps++;
                        continue;
                    }

                    sessions.Add(step.SessionId);
                    report.Steps++;
                    report.ToolCalls += step.Tools.Count;
                    report.ToolResults += step.Tools.Count(t => t.ResultAt is not null);
                    report.StepsByProvider[step.Provider] = report.StepsByProvider.GetValueOrDefault(step.Provider) + 1;
                    sink(step, prepared);
                }

                FileCompleted?.Invoke(log, read);
                Interlocked.Add(ref bytesAhead, -log.Length);
                consumed.Release();
                done++;
                bytesDone += log.Length;
                Progress?.Invoke(done, bytesDone);
            }
        }

        producer.GetAwaiter().GetResult();
        report.Sessions = sessions.Count;
        return report;
    }

    /// <summary>
    /// Reads one file from its start, on the calling thread (the ledger falls back to this when a
    /// resumed read turns out to continue something from before its checkpoint).
    /// </summary>
    public static (List<AgentStep> Steps, FileRead Read) ReadWhole(SessionLog log, string home, ReadDiagnostics diagnostics)
    {
        // Still an incremental read (an unfinished last line is held back), but from the start.
        var collector = new Collector(1) { ResumeAt = _ => null };
        var (steps, read) = collector.ReadOne(log, diagnostics);
        Stamp(steps, log, home);
        return (steps, read);
    }

    private static void Stamp(List<AgentStep> steps, SessionLog log, string home)
    {
        var user = Path.GetFileName(home.TrimEnd('/', '\\'));
        foreach (var step in steps)
        {
            step.Home = home;
            step.User = user;
            step.Store = log.Store;
            step.StampTraceKey();
        }
    }

    private (List<AgentStep>, FileRead) ReadOne(SessionLog log, ReadDiagnostics diagnostics)
    {
        var incremental = ResumeAt is not null;
        try
        {
            if (log.Provider == Provider.Claude)
            {
                var reader = new ClaudeSessionReader(diagnostics);
                var resume = ResumeAt?.Invoke(log);
                if (resume is not null)
                {
                    var head = ReadCheckpoint.ReadHead(log.Path);
                    var tail = reader.Resume(log.Claude!, resume);
                    if (!reader.NeedsFullRead)
                    {
                        // Synthetic records are counted from the checkpoint on; the report wants this read's own.
                        return (tail, new FileRead(resume.Checkpoint, WithHead(reader.Checkpoint, head),
                            reader.SyntheticRecords - resume.Checkpoint.SyntheticRecords, [.. reader.UnplacedToolResults]));
                    }
                }

                using var lines = Open(log.Path, incremental);
                var steps = reader.Read(log.Claude!, lines);
                // The head as the read's first bytes found it: a file rewritten during the read
                // leaves a stale head and is read whole next time.
                return (steps, new FileRead(null, WithHead(reader.Checkpoint, lines.Head ?? []), reader.SyntheticRecords));
            }

            if (log.Provider == Provider.OpenCode)
            {
                return (new OpenCodeReader(diagnostics).Read(log.OpenCode!), new FileRead(null, ReadCheckpoint.Start, 0));
            }

            var codex = new CodexSessionReader(diagnostics);
            if (ResumeAt?.Invoke(log) is { } codexResume)
            {
                var head = ReadCheckpoint.ReadHead(log.Path);
                var tail = codex.Resume(log.Codex!, codexResume);
                if (!codex.NeedsFullRead)
                {
                    return (tail, new FileRead(codexResume.Checkpoint, WithHead(codex.Checkpoint, head), 0, [.. codex.ToolCallIdsToCheck]));
                }
            }

            using (var lines = Open(log.Path, incremental))
            {
                var steps = codex.Read(log.Codex!, lines);
                return (steps, new FileRead(null, WithHead(codex.Checkpoint, lines.Head ?? []), 0));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file that vanished or cannot be read is reported; the rest of the history still counts.
            diagnostics.Skip(log.Path, 0, "unreadable file", e.Message);
            return ([], new FileRead(null, ReadCheckpoint.Start, 0));
        }
    }

    private static ReadCheckpoint WithHead(ReadCheckpoint checkpoint, byte[] head) =>
        checkpoint with { HeadFingerprint = ReadCheckpoint.HeadFingerprintOf(head, checkpoint.Offset) };

    private static JsonlLineReader Open(string path, bool incremental)
    {
        var lines = JsonlLineReader.Open(path);
        lines.HoldBackUnfinishedLine = incremental;
        lines.KeepHead = incremental;
        return lines;
    }
}
