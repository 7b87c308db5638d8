-- HLS of a video, owned by the media module: the renditions announced by its master
-- playlist, on the media row (a JSON array, empty until the video has HLS), and the files
-- of its current HLS, each stored in the video storage under a generated key and found by
-- its path relative to the video's HLS root (master.m3u8, 720p/index.m3u8, 720p/init.mp4,
-- 720p/seg_00001.m4s, …). Processing again replaces a video's rows in one transaction.

-- +goose Up
ALTER TABLE media ADD COLUMN renditions TEXT NOT NULL DEFAULT '[]';
CREATE TABLE media_hls_files (
    video_id    BIGINT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    path        TEXT   NOT NULL,
    storage_key TEXT   NOT NULL,
    size_bytes  BIGINT NOT NULL,
    PRIMARY KEY (video_id, path)
);

-- +goose Down
DROP TABLE media_hls_files;
ALTER TABLE media DROP COLUMN renditions;
