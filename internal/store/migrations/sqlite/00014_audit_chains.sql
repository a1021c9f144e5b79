-- Audit chains per organisation (issue 14).
--
-- Until now every audit entry in the installation joined one chain, whose
-- single head row every write (and every audited read) had to lock. From
-- here on each organisation has its own chain and its own head row, so
-- organisations never wait for each other.
--
-- The entries written before this migration keep their chain, unchanged and
-- still verifiable: its head moves to audit_legacy_head and is never written
-- again. Their org_seq is 0. New entries carry org_seq, their position in
-- their organisation's chain (1, 2, 3, …), and seq stays the row's number
-- in the whole log (assigned by the database), which orders the admin list.

-- +goose Up
ALTER TABLE audit_head RENAME TO audit_legacy_head;

ALTER TABLE audit_log ADD COLUMN org_seq INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX audit_org_chain ON audit_log (org_id, org_seq) WHERE org_seq > 0;
CREATE INDEX audit_legacy ON audit_log (seq) WHERE org_seq = 0;

CREATE TABLE audit_head (
    org_id   INTEGER PRIMARY KEY,
    seq      INTEGER NOT NULL,
    mac      TEXT    NOT NULL,
    head_mac TEXT    NOT NULL
);

-- +goose Down
DROP TABLE audit_head;
DROP INDEX audit_org_chain;
DROP INDEX audit_legacy;
ALTER TABLE audit_log DROP COLUMN org_seq;
ALTER TABLE audit_legacy_head RENAME TO audit_head;
