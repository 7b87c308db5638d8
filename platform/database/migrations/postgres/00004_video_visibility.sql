-- Videos get a visibility. Rows that exist before this migration become private: they
-- were uploaded when every video was listed to everyone, but nobody chose to publish
-- them, and a migration must not publish what was not meant to be public. Their
-- admins make them public with PUT /v1/videos/{id} {"visibility": "public"}.
--
-- ?q= on the video lists is "lower(name) LIKE '%…%'"; the trigram index answers it
-- without reading every row. pg_trgm ships with PostgreSQL (contrib) and is a trusted
-- extension, so the database owner may create it.

-- +goose Up
ALTER TABLE videos ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private'
    CONSTRAINT videos_visibility CHECK (visibility IN ('private', 'public'));
-- The anonymous list: live public videos by id.
CREATE INDEX videos_public_id_idx ON videos (id) WHERE NOT deleted AND visibility = 'public';
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX videos_name_trgm_idx ON videos USING gin (lower(name) gin_trgm_ops);

-- +goose Down
DROP INDEX videos_name_trgm_idx;
DROP INDEX videos_public_id_idx;
ALTER TABLE videos DROP COLUMN visibility;
