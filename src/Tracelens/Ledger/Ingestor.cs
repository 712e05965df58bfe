using System.Globalization;
using Microsoft.Data.Sqlite;
using Tracelens.Collect;
using Tracelens.Model;
using Tracelens.Readers;

namespace Tracelens.Ledger;

/// <summary>What one ingest run did.</summary>
public sealed class IngestReport
{
    public int FilesSeen { get; set; }
    public int FilesUnchanged { get; set; }
    public int FilesRead { get; set; }
    public long StepsAdded { get; set; }
    public long StepsReplaced { get; set; }
    public long DuplicateSteps { get; set; }
    public required ReadDiagnostics Diagnostics { get; set; }
    public List<string> Problems { get; } = [];
}

/// <summary>
/// Incremental ingest into the ledger, one file at a time: a file whose size and modification time
/// match its stored fingerprint is only stat'ed; a new or changed file is read whole and its rows
/// replace the old ones in the same transaction as its new fingerprint, so an interrupted run
/// leaves every file either fully old or fully new. (Byte-offset resume inside a file and
/// holding back an unfinished last turn are the next steps; see the ledger README.)
/// </summary>
public sealed class Ingestor(LedgerDatabase ledger)
{
    /// <summary>Steps written per transaction before committing (files are never split).</summary>
    public int BatchSteps { get; init; } = 5000;

    public Action<int, long>? Progress { get; init; }

    /// <summary>
    /// Forgets every stored fingerprint so the next <see cref="Run"/> re-reads all files (burn's
    /// rebuild kept its cursors and re-read nothing). Rows stay until each file's new read replaces
    /// them, so an interrupted rebuild loses nothing.
    /// </summary>
    public void ForgetFingerprints() => LedgerDatabase.Execute(ledger.Connection, "UPDATE sources SET size_bytes = -1, mtime_ns = -1;");

    public IngestReport Run(DiscoveryOptions discovery)
    {
        var report = new IngestReport { Diagnostics = new ReadDiagnostics() };
        var logs = LogDiscovery.Discover(discovery, report.Problems);
        report.FilesSeen = logs.Count;
        var known = LoadSources();
        var changed = new List<SessionLog>();
        foreach (var log in logs)
        {
            if (log.ModifiedNs < 0)
            {
                continue; // could not be stat'ed: nothing to compare or read
            }

            if (known.TryGetValue(log.Path, out var stored) && stored.Size == log.Length && stored.MtimeNs == log.ModifiedNs)
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
        using var writer = new LedgerWriter(connection);
        var pending = new List<AgentStep>();
        long inTransaction = 0;
        LedgerDatabase.Execute(connection, "BEGIN IMMEDIATE;");
        var committed = false;
        try
        {
            var collector = new Collector
            {
                Progress = Progress,
                FileCompleted = log =>
                {
                    var sourceId = UpsertSource(log, log.Length, log.ModifiedNs, pending.Count);
                    report.StepsReplaced += DeleteSteps(sourceId);
                    foreach (var step in pending)
                    {
                        if (writer.Insert(step, sourceId))
                        {
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
                    if (inTransaction >= BatchSteps)
                    {
                        LedgerDatabase.Execute(connection, "COMMIT; BEGIN IMMEDIATE;");
                        inTransaction = 0;
                    }
                },
            };
            var collect = collector.Run(changed, discovery.Home, pending.Add);
            report.Diagnostics = collect.Diagnostics;
            report.DuplicateSteps += collect.DuplicateSteps;
            RebuildSessions(connection);
            LedgerDatabase.Execute(connection, "COMMIT;");
            committed = true;
        }
        finally
        {
            if (!committed)
            {
                LedgerDatabase.RollbackQuietly(connection);
            }
        }

        return report;
    }

    /// <summary>The sessions table is derived from steps: recomputed whenever steps changed.</summary>
    private static void RebuildSessions(SqliteConnection connection) => LedgerDatabase.Execute(connection, """
        DELETE FROM sessions;
        INSERT INTO sessions (session_id, provider, project, parent_session_id, agent_id, subagent_type, parent_tool_call_id,
                              first_started_at, last_started_at, steps)
        SELECT session_id, min(provider), min(project), min(parent_session_id), min(agent_id), min(subagent_type),
               min(parent_tool_call_id), min(started_at), max(started_at), count(*)
        FROM steps GROUP BY session_id;
        """);

    private Dictionary<string, (long Size, long MtimeNs)> LoadSources()
    {
        var map = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        using var command = ledger.Connection.CreateCommand();
        command.CommandText = "SELECT path, size_bytes, mtime_ns FROM sources;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            map[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return map;
    }

    private long UpsertSource(SessionLog log, long size, long mtimeNs, int steps)
    {
        using var command = ledger.Connection.CreateCommand();
        command.CommandText = """
            INSERT INTO sources (provider, path, store, size_bytes, mtime_ns, inode, steps, ingested_at)
            VALUES ($provider, $path, $store, $size, $mtime, 0, $steps, $now)
            ON CONFLICT(path) DO UPDATE SET size_bytes = excluded.size_bytes, mtime_ns = excluded.mtime_ns,
                steps = excluded.steps, ingested_at = excluded.ingested_at
            RETURNING id;
            """;
        command.Parameters.AddWithValue("$provider", log.Provider.WireName());
        command.Parameters.AddWithValue("$path", log.Path);
        command.Parameters.AddWithValue("$store", log.Store);
        command.Parameters.AddWithValue("$size", size);
        command.Parameters.AddWithValue("$mtime", mtimeNs);
        command.Parameters.AddWithValue("$steps", steps);
        command.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Removes a source's previous rows before its new read is written.</summary>
    private long DeleteSteps(long sourceId)
    {
        using var command = ledger.Connection.CreateCommand();
        command.CommandText = "DELETE FROM steps WHERE source_id = $id;";
        command.Parameters.AddWithValue("$id", sourceId);
        return command.ExecuteNonQuery();
    }
}
