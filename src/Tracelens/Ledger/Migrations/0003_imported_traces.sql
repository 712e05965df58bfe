-- Schema version 3: steps imported from TraceLab traces (tracelens import).

-- For an imported row: which optional TraceLab keys it had (Export/TraceLabRowReader.cs,
-- TraceLabRowKeys flags), so export writes it back byte for byte. Null for steps read from logs.
ALTER TABLE steps ADD COLUMN tracelab_keys INTEGER;

-- A source is a session log (kind 'log') or an imported trace file (kind 'import').
ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'log';
