-- Schema version 6: tool_calls becomes an ordinary rowid table.

-- As a WITHOUT ROWID table, tool_calls was one B-tree keyed by (step_id, tool_index) whose cells
-- held whole rows. A tool input of more than about 4 KB (a file written, a long command) spills
-- onto overflow pages, and every seek that compares against such a cell — each insert's — first
-- copies the whole row out of them: 7 % of a first load's instructions, 10 % of its CPU time
-- (bench/instructions.sh, bench/ab-ingest.sh). Keyed by rowid, an insert appends and compares
-- integers; the primary key becomes a small index of its own. Same columns, same order.
CREATE TABLE tool_calls_by_rowid (
    step_id                  INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
    tool_index               INTEGER NOT NULL,
    tool_name                TEXT,
    tool_call_id             TEXT    NOT NULL,
    emitted_at               TEXT,
    result_at                TEXT,
    input_json               BLOB    NOT NULL,
    input_chars              INTEGER NOT NULL,
    result_chars             INTEGER,
    output_bytes             INTEGER,
    output_truncated         INTEGER,
    tool_wall_latency_ms     INTEGER,
    tool_internal_latency_ms INTEGER,
    is_error                 INTEGER,
    target                   TEXT,
    shell_verb               TEXT,
    subagent_type            TEXT,
    spawned_agent_id         TEXT,
    PRIMARY KEY (step_id, tool_index)
);
INSERT INTO tool_calls_by_rowid SELECT * FROM tool_calls ORDER BY step_id, tool_index;
DROP TABLE tool_calls;
ALTER TABLE tool_calls_by_rowid RENAME TO tool_calls;
CREATE INDEX tool_calls_by_spawned_agent ON tool_calls(spawned_agent_id) WHERE spawned_agent_id IS NOT NULL;
