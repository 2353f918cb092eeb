-- One schema for SQLite and PostgreSQL (the app talks to both through sqlx's Any driver):
-- ids are TEXT (UUIDs), flags and counts BIGINT, times TEXT in RFC 3339 (UTC).
-- No IP address, user agent or name is stored anywhere.

CREATE TABLE instrument_versions (
    instrument_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    definition TEXT NOT NULL,
    source_file TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (instrument_id, version)
);

CREATE TABLE schools (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE reflections (
    id TEXT PRIMARY KEY,
    -- SHA-256 of the private resume token; the token itself is only ever shown to the respondent
    token_hash TEXT NOT NULL UNIQUE,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    school_id TEXT REFERENCES schools (id),
    innovation TEXT NOT NULL,
    innovation_detail TEXT,
    consent_research BIGINT NOT NULL,
    status TEXT NOT NULL,
    action_plan TEXT,
    started_on TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    FOREIGN KEY (instrument_id, instrument_version) REFERENCES instrument_versions (instrument_id, version)
);

CREATE INDEX reflections_instrument ON reflections (instrument_id, instrument_version, status);

CREATE TABLE answers (
    reflection_id TEXT NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    score BIGINT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (reflection_id, item_id)
);

-- Answers to a category's optional open reflection prompt.
CREATE TABLE category_notes (
    reflection_id TEXT NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    category_id TEXT NOT NULL,
    note TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (reflection_id, category_id)
);
