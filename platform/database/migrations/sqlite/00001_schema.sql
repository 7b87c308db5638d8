-- +goose Up
CREATE TABLE corporations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT        NOT NULL,
    plan_type       TEXT        NOT NULL CHECK (plan_type IN ('FREE', 'PAID')),
    plan_expired_at DATETIME NULL,
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at      DATETIME NULL,
    CONSTRAINT corporations_paid_needs_expiry CHECK (plan_type <> 'PAID' OR plan_expired_at IS NOT NULL)
);
CREATE UNIQUE INDEX corporations_name_live_uq ON corporations (lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX corporations_live_id_idx ON corporations (id) WHERE deleted_at IS NULL;
CREATE INDEX corporations_paid_expiry_idx ON corporations (plan_expired_at) WHERE plan_type = 'PAID';

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT        NOT NULL,
    password_hash  TEXT        NOT NULL,
    role           TEXT        NOT NULL CHECK (role IN ('admin', 'guest')),
    corporation_id BIGINT      NOT NULL REFERENCES corporations (id),
    point          BIGINT      NOT NULL DEFAULT 0 CHECK (point >= 0),
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at     DATETIME NULL
);
CREATE UNIQUE INDEX users_email_live_uq ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_corporation_live_idx ON users (corporation_id, id) WHERE deleted_at IS NULL;

CREATE TABLE videos (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT        NOT NULL,
    corporation_id BIGINT      NOT NULL REFERENCES corporations (id),
    source_kind    TEXT        NOT NULL CHECK (source_kind IN ('upload', 'url')),
    storage_key    TEXT        NULL,
    source_url     TEXT        NULL,
    content_type   TEXT        NOT NULL DEFAULT '',
    size_bytes     BIGINT      NOT NULL DEFAULT 0,
    sha256         TEXT        NOT NULL DEFAULT '',
    deleted        BOOLEAN     NOT NULL DEFAULT FALSE,
    deleted_at     DATETIME NULL,
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT videos_source CHECK ((source_kind = 'upload' AND storage_key IS NOT NULL)
                                 OR (source_kind = 'url' AND source_url IS NOT NULL))
);
CREATE INDEX videos_live_id_idx ON videos (id) WHERE deleted = FALSE;
CREATE INDEX videos_corporation_idx ON videos (corporation_id, deleted, id);
CREATE UNIQUE INDEX videos_storage_key_uq ON videos (storage_key) WHERE storage_key IS NOT NULL;

CREATE TABLE video_view_logs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT      NOT NULL REFERENCES users (id),
    video_id   BIGINT      NOT NULL REFERENCES videos (id),
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT video_view_logs_user_video_uq UNIQUE (user_id, video_id)
);
CREATE INDEX video_view_logs_video_idx ON video_view_logs (video_id);

CREATE TABLE point_transactions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT      NOT NULL REFERENCES users (id),
    amount     BIGINT      NOT NULL,
    reason     TEXT        NOT NULL,
    ref_id     BIGINT      NOT NULL,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT point_transactions_user_reason_ref_uq UNIQUE (user_id, reason, ref_id)
);

CREATE TABLE refresh_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT      NOT NULL REFERENCES users (id),
    token_hash   TEXT        NOT NULL,
    family_id    TEXT        NOT NULL,
    expires_at   DATETIME NOT NULL,
    last_used_at DATETIME NULL,
    revoked_at   DATETIME NULL,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX refresh_tokens_hash_uq ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id, id);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

CREATE TABLE scheduler_runs (
    job    TEXT        NOT NULL,
    slot   BIGINT      NOT NULL,
    ran_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (job, slot)
);

-- +goose Down
DROP TABLE scheduler_runs;
DROP TABLE refresh_tokens;
DROP TABLE point_transactions;
DROP TABLE video_view_logs;
DROP TABLE videos;
DROP TABLE users;
DROP TABLE corporations;
