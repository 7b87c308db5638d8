-- Storage quotas and usage metering, owned by the usage module.
--
-- usage_accounts: per corporation, the bytes it stores (originals and derived files of
-- its videos, deleted ones included: they can be restored) and the bytes reserved by
-- uploads in progress. An upload reserves its declared length with one conditional
-- UPDATE (used + reserved + n <= quota), so concurrent uploads cannot overshoot.
-- usage_reservations: each reservation (keyed by its upload), released when the upload
-- completes, fails, is terminated or expires, or at expires_at by the usage-reservations
-- job (an upload whose process died).
-- usage_videos: each stored video's bytes, so derived files replaced on reprocessing are
-- subtracted and a purge (not built yet) can give a video's bytes back. No ON DELETE: a
-- video row must not disappear without its bytes leaving usage_accounts.
-- usage_days: per corporation and UTC day (days since 1970-01-01), the stored bytes after
-- the day's last change (NULL: unchanged that day, the previous level carries on), egress
-- bytes written to clients, first views and completed uploads.
--
-- Existing videos are counted from their rows: originals by size_bytes, derived files by
-- the HLS files' sizes (posters stored before this migration were not measured and count
-- from their next processing).

-- +goose Up
CREATE TABLE usage_accounts (
    corporation_id BIGINT PRIMARY KEY REFERENCES corporations (id) ON DELETE CASCADE,
    used_bytes     BIGINT      NOT NULL DEFAULT 0,
    reserved_bytes BIGINT      NOT NULL DEFAULT 0 CONSTRAINT usage_accounts_reserved CHECK (reserved_bytes >= 0),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE usage_reservations (
    id             TEXT PRIMARY KEY,
    corporation_id BIGINT      NOT NULL REFERENCES corporations (id) ON DELETE CASCADE,
    bytes          BIGINT      NOT NULL CONSTRAINT usage_reservations_bytes CHECK (bytes >= 0),
    expires_at     TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX usage_reservations_expires_at ON usage_reservations (expires_at);

CREATE TABLE usage_videos (
    video_id       BIGINT PRIMARY KEY REFERENCES videos (id),
    corporation_id BIGINT NOT NULL REFERENCES corporations (id) ON DELETE CASCADE,
    original_bytes BIGINT NOT NULL,
    derived_bytes  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX usage_videos_corporation ON usage_videos (corporation_id);

CREATE TABLE usage_days (
    corporation_id BIGINT NOT NULL REFERENCES corporations (id) ON DELETE CASCADE,
    day            INTEGER NOT NULL,
    stored_bytes   BIGINT,
    egress_bytes   BIGINT NOT NULL DEFAULT 0,
    first_views    BIGINT NOT NULL DEFAULT 0,
    uploads        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (corporation_id, day)
);

INSERT INTO usage_videos (video_id, corporation_id, original_bytes, derived_bytes)
SELECT v.id, v.corporation_id, v.size_bytes,
       COALESCE((SELECT SUM(h.size_bytes) FROM media_hls_files h WHERE h.video_id = v.id), 0)
FROM videos v
WHERE v.source_kind = 'upload';

INSERT INTO usage_accounts (corporation_id, used_bytes)
SELECT corporation_id, SUM(original_bytes + derived_bytes) FROM usage_videos GROUP BY corporation_id;

INSERT INTO usage_days (corporation_id, day, stored_bytes)
SELECT corporation_id, floor(extract(epoch FROM now()) / 86400)::integer, used_bytes FROM usage_accounts;

-- +goose Down
DROP TABLE usage_days;
DROP TABLE usage_videos;
DROP TABLE usage_reservations;
DROP TABLE usage_accounts;
