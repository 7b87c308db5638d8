-- Watch analytics, owned by the analytics module: one row per user and video, what the
-- user was served of the video mapped to media time. seconds is a bit set (bit s of
-- byte s/8 for the second [s, s+1)) that the flushes of every replica OR into;
-- watched_seconds and furthest_seconds (the end of the last second watched) follow from
-- it; duration_seconds is how many seconds the video was counted in. Rows go with their
-- video or user.

-- +goose Up
CREATE TABLE watch_sessions (
    video_id         BIGINT      NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    user_id          BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seconds          BYTEA       NOT NULL,
    watched_seconds  INTEGER     NOT NULL,
    furthest_seconds INTEGER     NOT NULL,
    duration_seconds INTEGER     NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL,
    last_seen_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (video_id, user_id)
);
CREATE INDEX watch_sessions_user_id ON watch_sessions (user_id);

-- +goose Down
DROP TABLE watch_sessions;
