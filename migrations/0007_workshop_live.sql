-- Workshops on parts of categories, and live rooms: the facilitator reveals the room's results (they also need the live minimum
-- group size) and may hide words from the word cloud. Hidden words are stored normalised, as the
-- answers are, and hide every answer with that word.
ALTER TABLE workshops ADD COLUMN revealed BIGINT NOT NULL DEFAULT 0;

-- Optional parts of the chosen categories: JSON array of "category/subcategory" ids. A chosen
-- category without parts listed is reflected on whole.
ALTER TABLE workshops ADD COLUMN parts TEXT NOT NULL DEFAULT '[]';

CREATE TABLE workshop_hidden_words (
    workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    PRIMARY KEY (workshop_id, word)
);
