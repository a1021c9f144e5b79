-- +goose Up
-- Open Badges credentials (issue 20): every certificate is also a signed
-- credential whose revocation is a bit in its organisation's Bitstring
-- Status List. status_index is that bit, allocated per organisation in
-- order of issue; existing certificates are numbered here the same way.
-- badge_issuers keeps, per organisation, the next free bit and the
-- public half of its signing key (the private key is derived from
-- credential.key in the data directory and is never stored here).
ALTER TABLE certificates ADD COLUMN status_index INTEGER NOT NULL DEFAULT -1;
UPDATE certificates SET status_index = (SELECT COUNT(*) FROM certificates c2 WHERE c2.org_id = certificates.org_id AND c2.id < certificates.id);
CREATE UNIQUE INDEX certificates_status ON certificates (org_id, status_index);

CREATE TABLE badge_issuers (
    org_id            INTEGER PRIMARY KEY REFERENCES organisations (id),
    next_status_index INTEGER NOT NULL,
    public_key        TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL
);
INSERT INTO badge_issuers (org_id, next_status_index, created_at)
    SELECT org_id, COUNT(*), 0 FROM certificates GROUP BY org_id;

-- +goose Down
DROP TABLE badge_issuers;
DROP INDEX certificates_status;
ALTER TABLE certificates DROP COLUMN status_index;
