-- Rounds as a dimension of a school's results (issue 18): a school's aggregate cells are also by
-- the round its reflections were started in (`reflections.round_id`, 0014; '' for none), so a
-- school's results can be filtered by round under the same rules as by role or innovation. Above
-- school level (network, country, everyone) the round is always '' (rounds belong to a school).
-- Total rows (role, innovation, month and language '*') get round '*'.
--
-- As in 0013, each count table is made anew (a primary key cannot change in SQLite) and its rows
-- copied with round ''. Reflections finished in a round before this migration count as outside
-- any round until `reflect recompute-aggregates` rebuilds the tables from the answers.
CREATE TABLE answer_counts_new (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    month TEXT NOT NULL,
    language TEXT NOT NULL,
    round_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, item_id, value)
);
INSERT INTO answer_counts_new
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, item_id, value, n)
SELECT level, group_key, instrument_id, instrument_version, role, innovation, month, language,
    CASE WHEN month = '*' THEN '*' ELSE '' END, item_id, value, n
FROM answer_counts;
DROP TABLE answer_counts;
ALTER TABLE answer_counts_new RENAME TO answer_counts;

CREATE TABLE respondent_counts_new (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    month TEXT NOT NULL,
    language TEXT NOT NULL,
    round_id TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id)
);
INSERT INTO respondent_counts_new
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, n)
SELECT level, group_key, instrument_id, instrument_version, role, innovation, month, language,
    CASE WHEN month = '*' THEN '*' ELSE '' END, n
FROM respondent_counts;
DROP TABLE respondent_counts;
ALTER TABLE respondent_counts_new RENAME TO respondent_counts;

CREATE TABLE pending_answer_counts_new (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    month TEXT NOT NULL,
    language TEXT NOT NULL,
    round_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, item_id, value)
);
INSERT INTO pending_answer_counts_new
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, item_id, value, n)
SELECT level, group_key, instrument_id, instrument_version, role, innovation, month, language,
    CASE WHEN month = '*' THEN '*' ELSE '' END, item_id, value, n
FROM pending_answer_counts;
DROP TABLE pending_answer_counts;
ALTER TABLE pending_answer_counts_new RENAME TO pending_answer_counts;

CREATE TABLE pending_respondent_counts_new (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    month TEXT NOT NULL,
    language TEXT NOT NULL,
    round_id TEXT NOT NULL,
    school_key TEXT NOT NULL,
    n BIGINT NOT NULL,
    changes BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, school_key)
);
INSERT INTO pending_respondent_counts_new
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, school_key, n, changes)
SELECT level, group_key, instrument_id, instrument_version, role, innovation, month, language,
    CASE WHEN month = '*' THEN '*' ELSE '' END, school_key, n, changes
FROM pending_respondent_counts;
DROP TABLE pending_respondent_counts;
ALTER TABLE pending_respondent_counts_new RENAME TO pending_respondent_counts;
