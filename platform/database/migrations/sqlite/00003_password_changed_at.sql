-- When the user's password last changed; NULL means never. Access and playback tokens
-- issued before it are refused.

-- +goose Up
ALTER TABLE users ADD COLUMN password_changed_at DATETIME NULL;

-- +goose Down
ALTER TABLE users DROP COLUMN password_changed_at;
