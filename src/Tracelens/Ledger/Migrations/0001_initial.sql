-- Tracelens ledger, schema version 1. Identity model: Ledger/README.md.

-- One row per session log file ever ingested, with the fingerprint that tells whether it changed.
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    provider        TEXT    NOT NULL,
    path            TEXT    NOT NULL UNIQUE,
    store           TEXT    NOT NULL,
    size_bytes      INTEGER NOT NULL,
    mtime_ns        INTEGER NOT NULL,
    inode           INTEGER NOT NULL,
    steps           INTEGER NOT NULL DEFAULT 0,
    skipped_lines   INTEGER NOT NULL DEFAULT 0,
    ingested_at     TEXT    NOT NULL
);

-- One row per session id (provider-prefixed, as in steps.session_id).
CREATE TABLE sessions (
    session_id          TEXT PRIMARY KEY,
    provider            TEXT NOT NULL,
    project             TEXT,
    parent_session_id   TEXT,
    agent_id            TEXT,
    subagent_type       TEXT,
    parent_tool_call_id TEXT,
    first_started_at    TEXT,
    last_started_at     TEXT,
    steps               INTEGER NOT NULL DEFAULT 0
);

-- One row per LLM call (agent step). trace_key is the unique identity (first occurrence wins).
CREATE TABLE steps (
    id                                 INTEGER PRIMARY KEY,
    trace_key                          TEXT    NOT NULL UNIQUE,
    source_id                          INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    provider                           TEXT    NOT NULL,
    session_id                         TEXT    NOT NULL,
    round_index                        INTEGER NOT NULL,
    round_id                           TEXT    NOT NULL,
    turn_id                            TEXT,
    request_id                         TEXT,
    model                              TEXT,
    started_at                         TEXT,
    first_line                         INTEGER NOT NULL,
    input_tokens_total                 INTEGER NOT NULL,
    prefix_tokens                      INTEGER NOT NULL,
    newly_append_tokens                INTEGER NOT NULL,
    claude_uncached_input_tokens       INTEGER,
    claude_cache_creation_input_tokens INTEGER,
    claude_cache_read_input_tokens     INTEGER,
    cache_creation_5m_tokens           INTEGER NOT NULL,
    cache_creation_1h_tokens           INTEGER NOT NULL,
    output_tokens                      INTEGER NOT NULL,
    reasoning_output_tokens            INTEGER,
    stop_reason                        TEXT,
    is_sidechain                       INTEGER NOT NULL,
    parent_session_id                  TEXT,
    agent_id                           TEXT,
    subagent_type                      TEXT,
    parent_tool_call_id                TEXT,
    current_input_event_count          INTEGER NOT NULL,
    current_user_message_count         INTEGER NOT NULL,
    current_tool_result_count          INTEGER NOT NULL,
    current_user_message_chars         INTEGER NOT NULL,
    current_tool_result_chars          INTEGER NOT NULL,
    current_input_chars                INTEGER NOT NULL,
    first_input_event_type             TEXT,
    project                            TEXT,
    cwd                                TEXT,
    session_file                       TEXT,
    home                               TEXT,
    user_name                          TEXT,
    store                              TEXT
);
CREATE INDEX steps_by_session ON steps(session_id, round_index);
CREATE INDEX steps_by_source ON steps(source_id);
CREATE INDEX steps_by_time ON steps(started_at);

-- Tool calls of a step, in the step's order; results observed later in the log are folded in.
CREATE TABLE tool_calls (
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
) WITHOUT ROWID;

-- Ordered timing events of a step (TraceLab's timing_events[]).
CREATE TABLE timing_events (
    step_id       INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
    event_index   INTEGER NOT NULL,
    event_type    TEXT    NOT NULL,
    timestamp     TEXT,
    source        TEXT    NOT NULL,
    content_chars INTEGER,
    tool_call_id  TEXT,
    tool_name     TEXT,
    tool_index    INTEGER,
    result_chars  INTEGER,
    is_error      INTEGER,
    PRIMARY KEY (step_id, event_index)
) WITHOUT ROWID;
