-- Resumable (tus) uploads, owned by the upload module: one row per upload, keyed by its
-- unguessable tus id, naming the corporation and user that created it, what the finished
-- file becomes (name, visibility) and when an unfinished upload expires. The bytes are
-- parts under DATA_DIR/uploads; video_id is set in the unit of work that registers the
-- finished file as a video.

-- +goose Up
CREATE TABLE uploads (
    id             TEXT PRIMARY KEY,
    corporation_id BIGINT NOT NULL REFERENCES corporations (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL,
    length         BIGINT NOT NULL,
    name           TEXT NOT NULL,
    visibility     TEXT NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    video_id       BIGINT REFERENCES videos (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX uploads_expires_at ON uploads (expires_at) WHERE video_id IS NULL;

-- +goose Down
DROP TABLE uploads;
