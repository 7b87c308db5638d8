-- Media facts of a video, owned by the media module: the processing status, what ffprobe
-- found, and the derived files (the poster) kept in the video storage. A video without a
-- row (a source URL, or one stored before media processing) has no media facts.

-- +goose Up
CREATE TABLE media (
    video_id         BIGINT PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
    status           TEXT             NOT NULL CONSTRAINT media_status CHECK (status IN ('processing', 'ready', 'failed')),
    error            TEXT             NOT NULL DEFAULT '',
    original_key     TEXT             NOT NULL,
    duration_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    width            INTEGER          NOT NULL DEFAULT 0,
    height           INTEGER          NOT NULL DEFAULT 0,
    video_codec      TEXT             NOT NULL DEFAULT '',
    audio_codec      TEXT             NOT NULL DEFAULT '',
    bitrate          BIGINT           NOT NULL DEFAULT 0,
    poster_key       TEXT             NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ      NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ      NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE media;
