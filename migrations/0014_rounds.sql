-- A school's rounds: a coordinator invites the school's leaders and teachers to reflect on one
-- innovation with one questionnaire, through two group links (school and role filled in) and,
-- optionally, one-time invitation codes. A round closes by hand or after its last day.
CREATE TABLE rounds (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools (id),
    instrument_id TEXT NOT NULL,
    innovation TEXT NOT NULL,
    innovation_detail TEXT,
    -- first and last day (YYYY-MM-DD, inclusive), both optional
    opens_on TEXT,
    closes_on TEXT,
    -- 1: only people with an invitation code may start
    invitations BIGINT NOT NULL,
    -- the group links' tokens: shared links (like the school code), replaced when revoked
    leaders_link TEXT NOT NULL UNIQUE,
    teachers_link TEXT NOT NULL UNIQUE,
    closed_at TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX rounds_school ON rounds (school_id);

-- One-time invitation codes, stored as SHA-256 hashes. A code is marked used when a reflection
-- starts with it; nothing here (no time, no id) links a code to the reflection.
CREATE TABLE round_invitations (
    round_id TEXT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    role_group TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (round_id, code_hash)
);

ALTER TABLE reflections ADD COLUMN round_id TEXT REFERENCES rounds (id);

CREATE INDEX reflections_round ON reflections (round_id);
