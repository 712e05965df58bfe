using System.Globalization;
using Tracelens.Collect;
using Tracelens.Export;
using Tracelens.Readers;

namespace Tracelens.Ledger;

/// <summary>What importing one trace file did.</summary>
public sealed class ImportReport
{
    public required string Path { get; init; }

    /// <summary>The file's fingerprint matched its last import: nothing was read.</summary>
    public bool Unchanged { get; set; }

    public long Rows { get; set; }
    public long StepsAdded { get; set; }
    public long StepsReplaced { get; set; }

    /// <summary>Rows whose trace_key the ledger already held (from logs or another trace): the first stays.</summary>
    public long DuplicateSteps { get; set; }

    /// <summary>Rows with keys outside TraceLab's schema: imported without them, so export cannot reproduce those rows.</summary>
    public long RowsWithUnknownKeys { get; set; }

    public required ReadDiagnostics Diagnostics { get; init; }
}

/// <summary>
/// Loads TraceLab traces (normalized or sanitized rows, plain or gzip; TraceLab's public dataset
/// format) into the ledger. Each trace file is a source of kind <c>import</c>: re-importing an
/// unchanged file does nothing, a changed one replaces its rows, all in one transaction per file.
/// Every row keeps which optional keys it had, so <c>export --format tracelab</c> writes it back
/// byte for byte. Rows are stored like collected steps (a trace_key already in the ledger keeps
/// its first copy), so importing a trace of your own logs adds nothing twice.
/// </summary>
public sealed class TraceImporter(LedgerDatabase ledger)
{
    /// <summary>
    /// A normalized row takes about 2.6 KB (the 703 MB bench trace holds 265,765 rows); gzip
    /// shrinks that several times, so a compressed file's estimate is low, which only makes a
    /// bulk load less likely to be recognized, never wrong.
    /// </summary>
    private const long BytesPerRowEstimate = 2_600;

    /// <summary>From about this many rows (estimated from the file size), a load into a smaller ledger builds its indexes once at the end.</summary>
    public long BulkLoadMinimumSteps { get; init; } = DefaultBulkLoadMinimumSteps;

    public const long DefaultBulkLoadMinimumSteps = 20_000;

    /// <summary>Called with the rows read so far.</summary>
    public Action<long>? Progress { get; init; }

    public ImportReport Import(string tracePath)
    {
        var path = System.IO.Path.GetFullPath(tracePath);
        var report = new ImportReport { Path = path, Diagnostics = new ReadDiagnostics() };
        if (!FileStatus.TryGet(path, out var size, out var mtime, out var inode))
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }

        var connection = ledger.Connection;
        if (LedgerDatabase.Scalar(connection, """
                SELECT 1 FROM sources WHERE path = $p AND kind = 'import' AND size_bytes = $s AND mtime_ns = $m AND inode = $i;
                """, ("$p", path), ("$s", size), ("$m", mtime), ("$i", inode)) is not null)
        {
            report.Unchanged = true;
            return report;
        }

        // Rows are parsed on worker threads and their events serialized on a feeding thread, so the
        // thread that holds the write lock only binds and steps statements.
        var rows = System.Threading.Channels.Channel.CreateBounded<(TraceLabRow Row, byte[] Events)>(
            new System.Threading.Channels.BoundedChannelOptions(8192) { SingleReader = true, SingleWriter = true });
        using var stop = new CancellationTokenSource();
        var feeder = Task.Run(async () =>
        {
            try
            {
                foreach (var row in TraceLabRowReader.ReadRows(path, report.Diagnostics))
                {
                    await rows.Writer.WriteAsync((row, TraceLabRowWriter.TimingEventsUtf8(row.Step.TimingEvents)), stop.Token).ConfigureAwait(false);
                }

                rows.Writer.Complete();
            }
            catch (Exception e)
            {
                rows.Writer.Complete(e);
            }
        });
        // A large trace into a small ledger (the usual first import) is a bulk load: written once
        // through a rollback journal when nothing else has the ledger open, indexed once at the end.
        var bulk = DeferredIndexes.Worthwhile(connection, size / BytesPerRowEstimate, BulkLoadMinimumSteps);
        using var journal = bulk ? BulkJournal.TryEnter(connection) : null;
        using var writer = new LedgerWriter(connection);
        var affected = new AffectedRows(connection);
        LedgerDatabase.Execute(connection, "BEGIN IMMEDIATE;");
        var committed = false;
        try
        {
            var sourceId = (long)LedgerDatabase.Scalar(connection, """
                INSERT INTO sources (provider, path, store, size_bytes, mtime_ns, inode, steps, ingested_at, kind)
                VALUES ('tracelab', $p, 'import', $s, $m, $i, 0, $now, 'import')
                ON CONFLICT(path) DO UPDATE SET size_bytes = excluded.size_bytes, mtime_ns = excluded.mtime_ns, inode = excluded.inode,
                    ingested_at = excluded.ingested_at, kind = 'import'
                RETURNING id;
                """, ("$p", path), ("$s", size), ("$m", mtime), ("$i", inode),
                ("$now", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)))!;
            report.StepsReplaced = affected.DeleteSteps(sourceId, 0);
            affected.CountSteps(sourceId);
            var deferred = bulk ? DeferredIndexes.Drop(connection) : null;
            foreach (var (row, events) in Drain(rows.Reader))
            {
                var step = row.Step;
                step.TraceLabKeys = row.Keys & ~TraceLabRowKeys.UnknownKey;
                if (row.Keys.HasFlag(TraceLabRowKeys.UnknownKey))
                {
                    report.RowsWithUnknownKeys++;
                }

                // The row's line orders it in export; its step started at its first timing event.
                step.FirstLine = row.Line;
                step.StartedAt ??= StartOf(step);
                if (writer.Insert(step, sourceId, events))
                {
                    affected.Added(step, writer.LastLineageKey);
                    report.StepsAdded++;
                }
                else
                {
                    report.DuplicateSteps++;
                }

                if (++report.Rows % 50_000 == 0)
                {
                    Progress?.Invoke(report.Rows);
                }
            }

            if (report.Rows == 0 && report.Diagnostics.Examples.FirstOrDefault() is { } first)
            {
                // Nothing usable at all: not a trace (a raw session log, some other JSONL). Store nothing.
                throw new InvalidDataException($"{first.File}:{first.Line}: not a TraceLab trace ({first.Reason}); " +
                    $"{report.Diagnostics.TotalSkipped.ToString(CultureInfo.InvariantCulture)} lines skipped, none imported");
            }

            deferred?.Rebuild(); // before Settle, which finds duplicates and sessions through them
            affected.Settle();
            LedgerDatabase.Execute(connection, "COMMIT;");
            committed = true;
        }
        catch (System.Threading.Channels.ChannelClosedException e) when (e.InnerException is IOException or InvalidDataException)
        {
            // The feeding thread failed reading the file (a damaged gzip stream): say which file.
            throw new InvalidDataException($"{path}: {e.InnerException.Message}", e.InnerException);
        }
        catch (Exception e) when (e is IOException or InvalidDataException && !e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            // A damaged gzip stream, a read error: say which file.
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        finally
        {
            if (!committed)
            {
                LedgerDatabase.RollbackQuietly(connection);
            }

            stop.Cancel();
            try
            {
                feeder.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Stopped early because the import failed; that failure is what is reported.
            }
        }

        return report;
    }

    private static IEnumerable<(TraceLabRow Row, byte[] Events)> Drain(System.Threading.Channels.ChannelReader<(TraceLabRow, byte[])> reader)
    {
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item))
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// When an imported step started: rows carry no start time, so it is the first event the model
    /// produced (its reply began), else the first event at all.
    /// </summary>
    private static string? StartOf(Model.AgentStep step)
    {
        foreach (var e in step.TimingEvents)
        {
            if (!e.IsInputEvent && e.Timestamp is not null)
            {
                return e.Timestamp;
            }
        }

        return step.TimingEvents.FirstOrDefault(e => e.Timestamp is not null)?.Timestamp;
    }
}
