-- Schema version 7: Codex rollouts resume mid-file.

-- What a reader needs at its cursor besides the cursor_* numbers, in the reader's own format
-- (Codex: the session meta, turn context, last cumulative usage and call counts in force at the
-- cursor line; see Readers/Codex/CodexReadState.cs). NULL: nothing.
ALTER TABLE sources ADD COLUMN cursor_reader_state BLOB;

-- A Codex step's first_line is now the line its model output starts at (as for Claude), not the
-- first of its input events: the next ingest re-reads every Codex rollout once, so every row
-- has the new meaning and every rollout a resumable cursor.
UPDATE sources SET size_bytes = -1, mtime_ns = -1 WHERE provider = 'codex';
