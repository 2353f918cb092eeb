-- The language a workshop's presenter view speaks (its facilitator's when it was made): the room's
-- live snapshot is one for every screen, so it is made in one language. Participants answer in
-- their own (reflections.language).
ALTER TABLE workshops ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
