-- The scheduler elects its leader with an advisory lock held on a dedicated connection
-- and never used this table.

-- +goose Up
DROP TABLE scheduler_runs;

-- +goose Down
CREATE TABLE scheduler_runs (
    job    TEXT        NOT NULL,
    slot   BIGINT      NOT NULL,
    ran_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (job, slot)
);
