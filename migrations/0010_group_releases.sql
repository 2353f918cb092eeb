-- Group results change only in releases (see src/results/release.rs). `answer_counts` and
-- `respondent_counts` (0002) now hold what each group has released. What finished or left since a
-- group's last release waits in the pending tables, with the same cells; it is added to the
-- released counts in one step when at least k respondents of the group have finished or left and
-- no part of the group that shows would change by fewer than k.
CREATE TABLE pending_answer_counts (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    month TEXT NOT NULL,
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, item_id, value)
);

-- `n`: respondents finished minus respondents left; `changes`: finished plus left. `school_key`:
-- the respondent's school ('' for none), so that a release above school level can require
-- changes from more than one school.
CREATE TABLE pending_respondent_counts (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    month TEXT NOT NULL,
    school_key TEXT NOT NULL,
    n BIGINT NOT NULL,
    changes BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month, school_key)
);

-- A group's last release: when, so that written answers show from the same respondents as the
-- counts (those finished by then).
CREATE TABLE group_releases (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    released_at TEXT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id)
);

-- What was shown before this migration counts as released when the last reflection finished.
INSERT INTO group_releases (level, group_key, instrument_id, released_at)
SELECT DISTINCT level, group_key, instrument_id,
    COALESCE((SELECT MAX(finished_at) FROM reflections WHERE status = 'finished'), '')
FROM respondent_counts;
