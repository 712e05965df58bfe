using Tracelens.Collect;

namespace Tracelens.Ledger;

/// <summary>
/// Keeps the ledger current while agents write: ingests once, then again whenever a session log
/// changes. File-system events (inotify on Linux) wake it within a moment; a periodic poll is the
/// backstop for what events miss — folders created after the start, network file systems, an
/// exhausted watch limit. Each pass is an ordinary incremental ingest, so a missed or duplicated
/// event never costs more than a stat of every file.
/// </summary>
public sealed class LedgerWatcher(LedgerDatabase ledger, DiscoveryOptions discovery)
{
    /// <summary>The longest wait between two passes, events or not.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to let a burst of events settle before ingesting (an agent writes many lines per turn).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Use file-system events; without them only the poll runs.</summary>
    public bool UseFileEvents { get; init; } = true;

    /// <summary>Called after every pass with what it did.</summary>
    public Action<IngestReport>? Ingested { get; init; }

    /// <summary>Called with notices worth telling the user (e.g. events unavailable: polling only).</summary>
    public Action<string>? Notice { get; init; }

    /// <summary>Runs until <paramref name="cancellation"/> is cancelled.</summary>
    public void Run(CancellationToken cancellation)
    {
        using var changed = new SemaphoreSlim(0);
        var watchers = UseFileEvents ? Watch(changed) : [];
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                try
                {
                    Ingested?.Invoke(new Ingestor(ledger).Run(discovery));
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    // A pass that fails (the ledger busy past its timeout, the disk full) rolled back
                    // whole; the next pass retries it.
                    Notice?.Invoke($"ingest failed, will retry: {e.Message}");
                }

                try
                {
                    if (changed.Wait(PollInterval, cancellation))
                    {
                        // Let the burst settle, then take every event of it as one change.
                        cancellation.WaitHandle.WaitOne(Debounce);
                        while (changed.Wait(0, CancellationToken.None))
                        {
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    private List<FileSystemWatcher> Watch(SemaphoreSlim changed)
    {
        var watchers = new List<FileSystemWatcher>();
        void Signal(object? sender, EventArgs e) => changed.Release();
        foreach (var root in LogDiscovery.Roots(discovery).Where(Directory.Exists))
        {
            try
            {
                var watcher = new FileSystemWatcher(root)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                    InternalBufferSize = 64 * 1024,
                };
                watcher.Changed += Signal;
                watcher.Created += Signal;
                watcher.Deleted += Signal;
                watcher.Renamed += Signal;
                watcher.Error += (_, e) =>
                {
                    // An overflowed event queue: something changed, and the next pass finds what.
                    Notice?.Invoke($"{root}: file events: {e.GetException().Message}");
                    changed.Release();
                };
                watcher.EnableRaisingEvents = true;
                watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                // e.g. the inotify watch limit: the poll still sees every change, only later.
                Notice?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{root}: cannot watch for file events ({e.Message}); polling every {PollInterval.TotalSeconds:0.#} s"));
            }
        }

        return watchers;
    }
}
