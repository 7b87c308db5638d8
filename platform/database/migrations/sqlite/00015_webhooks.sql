-- Webhooks, owned by the webhook module. Endpoints of a corporation with their signing
-- secret, the event types each subscribes to, and the outbox: one delivery per event and
-- subscribed endpoint, written in the transaction of the change that made the event, with
-- a row per attempt.
--
-- webhook_deliveries has no foreign key to webhook_endpoints on purpose: every first view
-- writes its delivery in the view's transaction, and the foreign-key check would take a
-- share lock on the endpoint's row in each of them. Deleting an endpoint deletes its
-- deliveries itself.

-- +goose Up
CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    corporation_id  BIGINT      NOT NULL REFERENCES corporations (id),
    url             TEXT        NOT NULL,
    description     TEXT        NOT NULL DEFAULT '',
    secret          TEXT        NOT NULL,
    enabled         BOOLEAN     NOT NULL DEFAULT TRUE,
    disabled_reason TEXT        NOT NULL DEFAULT '',
    failing_since   DATETIME    NULL,
    created_at      DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX webhook_endpoints_corporation_idx ON webhook_endpoints (corporation_id, id);

CREATE TABLE webhook_subscriptions (
    endpoint_id    BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    corporation_id BIGINT NOT NULL,
    event_type     TEXT   NOT NULL,
    PRIMARY KEY (endpoint_id, event_type)
);
CREATE INDEX webhook_subscriptions_lookup_idx ON webhook_subscriptions (corporation_id, event_type);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id      BIGINT      NOT NULL,
    corporation_id   BIGINT      NOT NULL,
    event_id         TEXT        NOT NULL,
    event_type       TEXT        NOT NULL,
    body             TEXT        NOT NULL,
    status           TEXT        NOT NULL CONSTRAINT webhook_deliveries_status CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    last_status_code INTEGER     NOT NULL DEFAULT 0,
    last_duration_us BIGINT      NOT NULL DEFAULT 0,
    last_error       TEXT        NOT NULL DEFAULT '',
    next_attempt_at  DATETIME    NULL,
    delivered_at     DATETIME    NULL,
    created_at       DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (created_at) WHERE status <> 'pending';

CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id BIGINT      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     INTEGER     NOT NULL,
    status_code INTEGER     NOT NULL DEFAULT 0,
    duration_us BIGINT      NOT NULL DEFAULT 0,
    error       TEXT        NOT NULL DEFAULT '',
    created_at  DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE webhook_endpoints;
