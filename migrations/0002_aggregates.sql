-- Running aggregates of finished reflections, so results never rescan the answers.
-- One row set per group level: 'school' (group_key = school id), 'network' (network id),
-- 'country' (country code) and 'all' (group_key = ''), each by instrument version × role ×
-- innovation × month finished. A results query reads one group's rows, whose number does not grow
-- with the number of respondents. Updated in the same transaction that finishes or deletes a
-- reflection; `reflect recompute-aggregates` rebuilds them from the answers.
CREATE TABLE answer_counts (
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

CREATE TABLE respondent_counts (
    level TEXT NOT NULL,
    group_key TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version BIGINT NOT NULL,
    role TEXT NOT NULL,
    innovation TEXT NOT NULL,
    month TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (level, group_key, instrument_id, instrument_version, role, innovation, month)
);
