-- Retake (issue 18): "reflect again" from a finished profile starts a new reflection that points
-- to the earlier one, so the new profile shows the change per category. The chain is known only
-- through the private links: no account, no name. Deleting can remove the whole chain.
ALTER TABLE reflections ADD COLUMN previous_id TEXT;

CREATE INDEX reflections_previous ON reflections (previous_id);
