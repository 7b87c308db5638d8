-- API keys, owned by the auth module: a corporation's keys for automation. Only the
-- SHA-256 of a key is kept (key_hash), with its first characters (prefix) to tell keys
-- apart in lists. scopes holds the key's scope names separated by single spaces, as
-- OAuth writes them. A key is usable while revoked_at is NULL and expires_at (NULL: never)
-- is in the future; last_used_at is written at most once a minute per key and replica.
-- uploads.api_key_id names the key that created a resumable upload (user_id is then 0).

-- +goose Up
CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    corporation_id BIGINT      NOT NULL REFERENCES corporations (id) ON DELETE CASCADE,
    name           TEXT        NOT NULL,
    prefix         TEXT        NOT NULL,
    key_hash       TEXT        NOT NULL,
    scopes         TEXT        NOT NULL,
    expires_at     DATETIME    NULL,
    last_used_at   DATETIME    NULL,
    revoked_at     DATETIME    NULL,
    created_at     DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at     DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX api_keys_hash_uq ON api_keys (key_hash);
CREATE INDEX api_keys_corporation_idx ON api_keys (corporation_id, id);

ALTER TABLE uploads ADD COLUMN api_key_id BIGINT NULL;

-- +goose Down
ALTER TABLE uploads DROP COLUMN api_key_id;
DROP TABLE api_keys;
