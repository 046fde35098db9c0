-- The generation of a user's web sessions: each session cookie's JWT carries the generation
-- it was issued under, and is refused once the number has moved on. Logging out and
-- changing one's password move it on, so that a copied cookie dies with its session.
ALTER TABLE users ADD COLUMN session_generation BIGINT NOT NULL DEFAULT 0;
