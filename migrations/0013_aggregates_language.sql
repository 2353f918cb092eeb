-- Language as a dimension of the group results (issue 17): every aggregate cell is also by the
-- language a reflection was answered in (`reflections.language`, 0011), so results can be
-- filtered by it like by innovation. A group's total rows (role, innovation and month '*') get
-- language '*' too.
--
-- A primary key cannot change in SQLite, so each of the four count tables is made anew, its rows
-- copied, the old one dropped and the new one renamed (the same statements on SQLite and
-- PostgreSQL). The rows copied were counted before reflections could be answered in another
-- language (0011: those were all answered in English), so they count as English. A database that
-- took answers in other languages between 0011 and this migration gets them right with
-- `reflect recompute-aggregates`.
CREATE TABLE answer_counts_new (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    month TEXT NOT NULL,
    language TEXT NOT NULL,
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, language, item_id, value)
);
INSERT INTO answer_counts_new
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, item_id, value, n)
SELECT level, group_key, instrument_id, instrument_version, role, innovation, month,
    CASE WHEN month = '*' THEN '*' ELSE 'en' END, item_id, value, n
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
    n BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, language)
);
INSERT INTO respondent_counts_new
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, n)
SELECT level, group_key, instrument_id, instrument_version, role, innovation, month,
    CASE WHEN month = '*' THEN '*' ELSE 'en' END, n
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
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, language, item_id, value)
);
INSERT INTO pending_answer_counts_new
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, item_id, value, n)
SELECT level, group_key, instrument_id, instrument_version, role, innovation, month,
    CASE WHEN month = '*' THEN '*' ELSE 'en' END, item_id, value, n
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
    school_key TEXT NOT NULL,
    n BIGINT NOT NULL,
    changes BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, language, school_key)
);
INSERT INTO pending_respondent_counts_new
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, school_key, n, changes)
SELECT level, group_key, instrument_id, instrument_version, role, innovation, month,
    CASE WHEN month = '*' THEN '*' ELSE 'en' END, school_key, n, changes
FROM pending_respondent_counts;
DROP TABLE pending_respondent_counts;
ALTER TABLE pending_respondent_counts_new RENAME TO pending_respondent_counts;
