-- +goose Up
-- Entries written by changes wait, for a few milliseconds, with org_seq -1
-- and a MAC of their own until the audit writer gives them their place in
-- their organisation's chain (docs/audit.md, "Changes"). A change then
-- never waits for the organisation's head row, so changes in one
-- organisation commit side by side.
CREATE INDEX audit_unsealed ON audit_log (org_id, seq) WHERE org_seq < 0;

-- The log stays append-only. The one update allowed is that placing: a
-- waiting entry gets its position and its chained MAC, and nothing else
-- about it changes.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.org_seq < 0 AND NEW.org_seq > 0
        AND NEW.seq = OLD.seq AND NEW.at = OLD.at
        AND NEW.org_id IS NOT DISTINCT FROM OLD.org_id
        AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id
        AND NEW.ip IS NOT DISTINCT FROM OLD.ip
        AND NEW.action IS NOT DISTINCT FROM OLD.action
        AND NEW.record_type IS NOT DISTINCT FROM OLD.record_type
        AND NEW.record_id IS NOT DISTINCT FROM OLD.record_id
        AND NEW.detail IS NOT DISTINCT FROM OLD.detail THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX audit_unsealed;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
-- +goose StatementEnd
