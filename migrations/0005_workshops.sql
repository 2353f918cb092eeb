-- Live workshops: a facilitator's session on some categories of an instrument, joined by an
-- 8-digit code. Reflections started from a workshop record it (participation is not linked to
-- anything else: there is no participant table).
CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    facilitator_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    -- JSON array of the chosen category ids
    categories TEXT NOT NULL,
    ask_poll BIGINT NOT NULL,
    word_prompt TEXT,
    code TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX workshops_facilitator ON workshops (facilitator_id);

ALTER TABLE reflections ADD COLUMN workshop_id TEXT REFERENCES workshops (id) ON DELETE SET NULL;

CREATE INDEX reflections_workshop ON reflections (workshop_id);
