-- Live workshop rooms: the facilitator reveals the room's results (they also need the live minimum
-- group size) and may hide words from the word cloud. Hidden words are stored normalised, as the
-- answers are, and hide every answer with that word.
ALTER TABLE workshops ADD COLUMN revealed BIGINT NOT NULL DEFAULT 0;

CREATE TABLE workshop_hidden_words (
    workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    PRIMARY KEY (workshop_id, word)
);
