-- Schema version 2: resumable read cursors, dedupe scoped by lineage, subagent links.

-- Where the next read of a source resumes (see Readers/ReadCheckpoint.cs). cursor_offset 0 means
-- "from the start"; the step starting at cursor_line + 1 and everything after it are re-read.
ALTER TABLE sources ADD COLUMN cursor_offset            INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN cursor_line              INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN cursor_round_index       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN cursor_pending_events    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN cursor_line_fingerprint  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN cursor_synthetic_records INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN cursor_head_fingerprint  INTEGER NOT NULL DEFAULT 0;

-- The same API response stored under several sessions (a resumed or forked Claude session
-- replays earlier messages under a new session id) shares a lineage key: provider, message id
-- and request id. Exactly one copy counts in reports; the others point at it. Unrelated calls
-- never share a message id, so they are never merged.
ALTER TABLE steps ADD COLUMN lineage_key  TEXT;
ALTER TABLE steps ADD COLUMN duplicate_of INTEGER;
CREATE INDEX steps_by_lineage ON steps(lineage_key) WHERE lineage_key IS NOT NULL;

-- Subagent transcripts find the parent's spawning tool call through the agent id it reported.
CREATE INDEX tool_calls_by_spawned_agent ON tool_calls(spawned_agent_id) WHERE spawned_agent_id IS NOT NULL;

-- Steps of the reports: every step that is not a copy of another.
CREATE VIEW counted_steps AS SELECT * FROM steps WHERE duplicate_of IS NULL;

-- Fill the new columns: the next ingest re-reads every file once.
UPDATE sources SET size_bytes = -1, mtime_ns = -1;
