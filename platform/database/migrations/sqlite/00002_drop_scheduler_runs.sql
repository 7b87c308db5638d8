-- The scheduler elects its leader with an advisory lock held on a dedicated connection
-- and never used this table.

-- +goose Up
DROP TABLE scheduler_runs;

-- +goose Down
CREATE TABLE scheduler_runs (
    job    TEXT        NOT NULL,
    slot   BIGINT      NOT NULL,
    ran_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (job, slot)
);
