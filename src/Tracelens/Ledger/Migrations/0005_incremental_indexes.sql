-- Schema version 5: indexes that keep an incremental pass independent of the ledger's size.

-- A source's steps in file order: the step at a checkpoint, the tail a resumed read replaces, a
-- file's step count and the export order are all index lookups, not scans of wide rows.
DROP INDEX steps_by_source;
CREATE INDEX steps_by_source ON steps(source_id, first_line);

-- A session's steps in order with their start times: the sessions rows of the sessions a pass
-- touched (count, first and last start) come from the index alone.
DROP INDEX steps_by_session;
CREATE INDEX steps_by_session ON steps(session_id, round_index, started_at);
