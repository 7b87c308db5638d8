-- Videos get a visibility. Rows that exist before this migration become private: they
-- were uploaded when every video was listed to everyone, but nobody chose to publish
-- them, and a migration must not publish what was not meant to be public. Their
-- admins make them public with PUT /v1/videos/{id} {"visibility": "public"}.
--
-- ?q= on SQLite is a plain scan with lower(name) LIKE '%…%': no index helps a
-- substring match here.

-- +goose Up
ALTER TABLE videos ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private'
    CONSTRAINT videos_visibility CHECK (visibility IN ('private', 'public'));
-- The anonymous list: live public videos by id.
CREATE INDEX videos_public_id_idx ON videos (id) WHERE deleted = FALSE AND visibility = 'public';

-- +goose Down
DROP INDEX videos_public_id_idx;
ALTER TABLE videos DROP COLUMN visibility;
