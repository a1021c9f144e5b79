-- +goose Up
-- Entries written by changes on PostgreSQL wait, for a few milliseconds,
-- with org_seq -1 until the audit writer gives them their place in their
-- organisation's chain (docs/audit.md, "Changes"). SQLite has one writer
-- and appends them to the chain at once, but keeps the same index so the
-- two schemas stay alike.
CREATE INDEX audit_unsealed ON audit_log (org_id, seq) WHERE org_seq < 0;

-- +goose Down
DROP INDEX audit_unsealed;
