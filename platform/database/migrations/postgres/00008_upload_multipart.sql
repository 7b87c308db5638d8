-- Resumable uploads whose parts are kept in S3 (STORAGE_URL=s3://…): tusd's S3 store
-- knows an upload as <object>+<multipart upload id>, while clients keep the upload's own
-- id. multipart_id keeps the S3 multipart upload id so a request finds the parts without
-- listing the bucket's multipart uploads ('' for parts on the local disk, and until the
-- multipart upload exists). sha256_state is the running sha256 of the first sha256_offset
-- bytes received (a marshalled Go hash state), so the finished object's sha256 is known
-- without reading it back; NULL once a failed write makes it untrustworthy.

-- +goose Up
ALTER TABLE uploads ADD COLUMN multipart_id TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN sha256_offset BIGINT NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN sha256_state BYTEA;

-- +goose Down
ALTER TABLE uploads DROP COLUMN sha256_state;
ALTER TABLE uploads DROP COLUMN sha256_offset;
ALTER TABLE uploads DROP COLUMN multipart_id;
