-- A workshop participant's answers to the room's questions: which category needs most work in
-- their school (one of the workshop's categories) and one word. One row per reflection, deleted
-- with it.
CREATE TABLE workshop_answers (
    reflection_id TEXT PRIMARY KEY REFERENCES reflections (id) ON DELETE CASCADE,
    workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    poll_category TEXT,
    word TEXT,
    updated_at TEXT NOT NULL
);

CREATE INDEX workshop_answers_workshop ON workshop_answers (workshop_id);
