-- Totals by role (issue 19, results at country scale): every group also keeps its total per
-- instrument version × role (innovation, month, language and round '*'), next to its detailed
-- rows and its total. A view filtered by role alone (each side of the leaders/teachers gap, a
-- role's page, and every school's count by role for the rule that a group's total minus its
-- shown schools must not reveal a small rest) then reads a few total rows instead of summing the
-- group's month rows, whose number grows with the cells a group fills.
--
-- The rows a finished reflection adds come from `results::aggregates::cells`; here the rows for
-- what was counted before are summed from the detailed rows (month not '*'), in each of the four
-- count tables, with the rules those tables keep: released counts above 0, pending answer counts
-- other than 0, pending respondent counts with their changes. The same statements on SQLite and
-- PostgreSQL.
INSERT INTO answer_counts
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, item_id, value, n)
SELECT level, group_key, instrument_id, instrument_version, role, '*', '*', '*', '*', item_id, value,
    CAST(SUM(n) AS BIGINT)
FROM answer_counts
WHERE month <> '*'
GROUP BY level, group_key, instrument_id, instrument_version, role, item_id, value
HAVING SUM(n) > 0;

INSERT INTO respondent_counts
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, n)
SELECT level, group_key, instrument_id, instrument_version, role, '*', '*', '*', '*',
    CAST(SUM(n) AS BIGINT)
FROM respondent_counts
WHERE month <> '*'
GROUP BY level, group_key, instrument_id, instrument_version, role
HAVING SUM(n) > 0;

INSERT INTO pending_answer_counts
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, item_id, value, n)
SELECT level, group_key, instrument_id, instrument_version, role, '*', '*', '*', '*', item_id, value,
    CAST(SUM(n) AS BIGINT)
FROM pending_answer_counts
WHERE month <> '*'
GROUP BY level, group_key, instrument_id, instrument_version, role, item_id, value
HAVING SUM(n) <> 0;

INSERT INTO pending_respondent_counts
    (level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, school_key, n, changes)
SELECT level, group_key, instrument_id, instrument_version, role, '*', '*', '*', '*', school_key,
    CAST(SUM(n) AS BIGINT), CAST(SUM(changes) AS BIGINT)
FROM pending_respondent_counts
WHERE month <> '*'
GROUP BY level, group_key, instrument_id, instrument_version, role, school_key;

-- The total rows (month '*') of each group, holding what the results read of them: a group's
-- total or its totals by role are found without reading its detailed rows. Partial: the detailed
-- rows, nearly all of the table, are not in it. Queries write `month = '*'` out for it.
CREATE INDEX answer_counts_totals ON answer_counts
    (level, group_key, instrument_id, role, innovation, language, round_id, instrument_version, item_id, value, n)
    WHERE month = '*';

-- Every school's total (or totals by role) at once, for the rule on a group's total minus its
-- shown schools.
CREATE INDEX respondent_counts_totals ON respondent_counts
    (instrument_id, level, role, innovation, language, round_id, group_key, instrument_version, n)
    WHERE month = '*';
