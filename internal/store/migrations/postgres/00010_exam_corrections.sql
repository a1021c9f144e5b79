-- +goose Up
-- An exam result recorded by mistake is taken back, not deleted: it stops
-- counting as an attempt, and the participant's page keeps who took it back,
-- when and why (the audit log records only that it happened).
ALTER TABLE exam_attempts ADD COLUMN taken_back_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE exam_attempts ADD COLUMN taken_back_by BIGINT REFERENCES users (id);
ALTER TABLE exam_attempts ADD COLUMN taken_back_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE exam_attempts DROP COLUMN taken_back_reason;
ALTER TABLE exam_attempts DROP COLUMN taken_back_by;
ALTER TABLE exam_attempts DROP COLUMN taken_back_at;
