-- Running aggregates of finished reflections, so results never rescan the answers:
-- counts per group cell (instrument version × school × role × innovation × day finished) × item ×
-- answer value, and the number of respondents per cell. Updated in the same transaction that
-- finishes or deletes a reflection; `reflect recompute-aggregates` rebuilds them from the answers.
CREATE TABLE answer_counts (
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    school_key TEXT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    finished_on TEXT NOT NULL,
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (instrument_id, instrument_version, school_key, role, innovation, finished_on, item_id, value)
);

CREATE TABLE respondent_counts (
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    school_key TEXT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    finished_on TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (instrument_id, instrument_version, school_key, role, innovation, finished_on)
);
