using Microsoft.Data.Sqlite;
using Tracelens.Model;

namespace Tracelens.Ledger;

/// <summary>
/// Keeps the derived parts of the ledger exact after steps are added or deleted, touching only
/// what changed (so a small append stays cheap on a large ledger): which copy of a replayed API
/// response counts (<c>steps.duplicate_of</c>), and the per-session rows of <c>sessions</c>,
/// including each subagent transcript's link to the parent tool call that spawned it.
/// </summary>
internal sealed class AffectedRows(SqliteConnection connection)
{
    private readonly HashSet<string> _lineageKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);

    /// <summary>
    /// Set for a first load: the ledger held nothing when this run took the write lock, and it
    /// keeps the lock until its single commit, so no other writer adds rows meanwhile. Then a
    /// lineage key needs settling only once a second copy of it arrives: a key this run has
    /// stored once is the only copy in the ledger, which counts as it is. That skips the dedupe
    /// queries for the ~97 % of keys that are unique (0.5 s of a 3 GB first load). (An
    /// incremental ingest commits between batches, where another process could store a copy of a
    /// key this run has seen once; it settles every key it touches.)
    /// </summary>
    public bool FirstLoad { get; set; }

    // Hash codes of the lineage keys seen once in this run (only in a first load). A hash
    // collision only sends a unique key through the dedupe queries, which find it unshared.
    private readonly HashSet<int> _lineageSeen = [];

    /// <summary>How many lineage keys went through the dedupe queries (for tests of the first-ingest shortcut).</summary>
    public long LineageKeysSettled { get; private set; }

    /// <summary>Notes a stored step; <paramref name="lineageKey"/> is its <see cref="LedgerWriter.LineageKey"/>.</summary>
    public void Added(AgentStep step, string? lineageKey)
    {
        _sessions.Add(step.SessionId);
        if (lineageKey is { } key && (!FirstLoad || !_lineageSeen.Add(StringComparer.Ordinal.GetHashCode(key))))
        {
            _lineageKeys.Add(key);
        }
    }

    /// <summary>Deletes a source's steps after line <paramref name="afterLine"/>, remembering what they touched.</summary>
    public long DeleteSteps(long sourceId, long afterLine)
    {
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT DISTINCT session_id, lineage_key FROM steps WHERE source_id = $s AND first_line > $l;";
            select.Parameters.AddWithValue("$s", sourceId);
            select.Parameters.AddWithValue("$l", afterLine);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                _sessions.Add(reader.GetString(0));
                if (!reader.IsDBNull(1))
                {
                    _lineageKeys.Add(reader.GetString(1));
                }
            }
        }

        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM steps WHERE source_id = $s AND first_line > $l;";
        delete.Parameters.AddWithValue("$s", sourceId);
        delete.Parameters.AddWithValue("$l", afterLine);
        return delete.ExecuteNonQuery();
    }

    /// <summary>Stores how many steps a source holds now.</summary>
    public void CountSteps(long sourceId)
    {
        // Called before the file's new steps are inserted; Settle recounts every touched source.
        _sources.Add(sourceId);
    }

    private readonly HashSet<long> _sources = [];

    /// <summary>Brings duplicate_of, sessions and source step counts up to date; call inside the transaction.</summary>
    public void Settle()
    {
        if (_lineageKeys.Count > 0)
        {
            LineageKeysSettled += _lineageKeys.Count;
            Fill("affected_lineage", _lineageKeys);
            // The copy that counts: a main-chain copy over a sidechain one, then the most tokens (the
            // final snapshot) — ccusage's choice — then the copy in the session that began first (the
            // original, not its resumption), then the trace key: never the order files were ingested.
            LedgerDatabase.Execute(connection, """
                UPDATE steps SET duplicate_of = NULL
                WHERE duplicate_of IS NOT NULL AND lineage_key IN (SELECT key FROM affected_lineage);
                WITH shared AS (
                    SELECT a.key FROM affected_lineage a
                    WHERE (SELECT count(*) FROM steps s WHERE s.lineage_key = a.key) > 1
                ), ranked AS (
                    SELECT s.id, s.lineage_key,
                           first_value(s.id) OVER (PARTITION BY s.lineage_key
                               ORDER BY s.is_sidechain, s.input_tokens_total + s.output_tokens DESC,
                                        (SELECT f.started_at FROM steps f WHERE f.session_id = s.session_id ORDER BY f.round_index LIMIT 1),
                                        s.trace_key) AS keeper
                    -- CROSS JOIN keeps the touched keys as the outer loop: SQLite otherwise scans
                    -- the whole lineage index and probes the few keys (30 ms against 2 on a large ledger).
                    FROM shared CROSS JOIN steps s ON s.lineage_key = shared.key
                )
                UPDATE steps SET duplicate_of = ranked.keeper
                FROM ranked WHERE steps.id = ranked.id AND ranked.keeper <> ranked.id;
                """);
            _lineageKeys.Clear();
        }

        if (_sessions.Count > 0)
        {
            Fill("affected_sessions", _sessions);
            LedgerDatabase.Execute(connection, """
                DELETE FROM sessions WHERE session_id IN (SELECT key FROM affected_sessions);
                -- Counts and start times from steps_by_session alone; the per-session fields from
                -- the session's first step (they are the same on every step of a session).
                INSERT INTO sessions (session_id, provider, project, parent_session_id, agent_id, subagent_type, parent_tool_call_id,
                                      first_started_at, last_started_at, steps)
                SELECT a.session_id, f.provider, f.project, f.parent_session_id, f.agent_id, f.subagent_type, f.parent_tool_call_id,
                       a.first_started_at, a.last_started_at, a.steps
                FROM (SELECT session_id, min(started_at) AS first_started_at, max(started_at) AS last_started_at, count(*) AS steps
                      FROM steps WHERE session_id IN (SELECT key FROM affected_sessions) GROUP BY session_id) a
                JOIN steps f ON f.id = (SELECT x.id FROM steps x WHERE x.session_id = a.session_id ORDER BY x.round_index, x.id LIMIT 1);
                -- A subagent transcript without a meta file still finds its spawning call: the parent's
                -- tool result named the agent id. Also re-linked when only the parent changed.
                UPDATE sessions SET parent_tool_call_id = (
                    SELECT t.tool_call_id FROM tool_calls t JOIN steps p ON p.id = t.step_id
                    WHERE t.spawned_agent_id = sessions.agent_id AND p.session_id = sessions.parent_session_id
                    ORDER BY p.id, t.tool_index LIMIT 1)
                WHERE agent_id IS NOT NULL AND parent_tool_call_id IS NULL
                  AND (session_id IN (SELECT key FROM affected_sessions) OR parent_session_id IN (SELECT key FROM affected_sessions));
                """);
            _sessions.Clear();
        }

        foreach (var sourceId in _sources)
        {
            LedgerDatabase.Scalar(connection, "UPDATE sources SET steps = (SELECT count(*) FROM steps WHERE source_id = $s) WHERE id = $s;",
                ("$s", sourceId));
        }

        _sources.Clear();
    }

    private void Fill(string table, HashSet<string> keys)
    {
        LedgerDatabase.Execute(connection, $"CREATE TEMP TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM {table};");
        using var insert = new SqliteStatement(connection, $"INSERT OR IGNORE INTO {table} (key) VALUES (?);");
        foreach (var key in keys)
        {
            insert.Bind(1, key);
            insert.Execute();
        }
    }
}
