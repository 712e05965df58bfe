-- Schema version 3: imported TraceLab traces; timing events stored with their step.

-- For an imported row: which optional TraceLab keys it had (Export/TraceLabRowReader.cs,
-- TraceLabRowKeys flags), so export writes it back byte for byte. Null for steps read from logs.
ALTER TABLE steps ADD COLUMN tracelab_keys INTEGER;

-- A source is a session log (kind 'log') or an imported trace file (kind 'import').
ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'log';

-- A step's timing events, as the JSON array of its TraceLab row (exactly those bytes). They are
-- only ever read with their step, and one column instead of ~4 rows per step made ingest and
-- import about a fifth faster. The view below still offers them as rows to SQL.
ALTER TABLE steps ADD COLUMN timing_events_json TEXT NOT NULL DEFAULT '[]';
DROP TABLE timing_events;
CREATE VIEW timing_events AS
SELECT s.id AS step_id, e.key AS event_index,
       e.value ->> '$.event_type' AS event_type, e.value ->> '$.timestamp' AS timestamp, e.value ->> '$.source' AS source,
       e.value ->> '$.content_chars' AS content_chars, e.value ->> '$.tool_call_id' AS tool_call_id,
       e.value ->> '$.tool_name' AS tool_name, e.value ->> '$.tool_index' AS tool_index,
       e.value ->> '$.result_chars' AS result_chars, e.value ->> '$.is_error' AS is_error
FROM steps s, json_each(s.timing_events_json) e;

-- The events of stored steps are gone with the table: read every log again.
UPDATE sources SET size_bytes = -1, mtime_ns = -1, cursor_offset = 0, cursor_line = 0;
