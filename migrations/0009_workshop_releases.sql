-- A live room's released figures per category (see src/workshops/room.rs): the room shows these,
-- not the answers as they arrive, until at least k participants have joined or left the category.
-- `figures` is JSON: the members (reflection ids), the mean and the distribution.
CREATE TABLE workshop_releases (
    workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    category_id TEXT NOT NULL,
    figures TEXT NOT NULL,
    released_at TEXT NOT NULL,
    PRIMARY KEY (workshop_id, category_id)
);
