-- The outbox relay: a change's transaction writes only its webhook_deliveries rows, with
-- enqueued_at NULL; the webhook module's relay inserts their River jobs in batches and sets
-- enqueued_at in the same transaction, so a row is enqueued once. The partial index holds
-- only the rows still to enqueue, so the relay's lookups stay small however large the
-- outbox grows. Rows written before this migration already have their jobs.
--
-- Migrate down only once the relay has nothing left: rows not yet enqueued would then never
-- get a job.

-- +goose Up
ALTER TABLE webhook_deliveries ADD COLUMN enqueued_at TIMESTAMPTZ NULL;
UPDATE webhook_deliveries SET enqueued_at = created_at;
CREATE INDEX webhook_deliveries_relay_idx ON webhook_deliveries (id) WHERE enqueued_at IS NULL;

-- +goose Down
DROP INDEX webhook_deliveries_relay_idx;
ALTER TABLE webhook_deliveries DROP COLUMN enqueued_at;
