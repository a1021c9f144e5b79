-- +goose Up
-- Consent under 42 CFR Part 2 and disclosures (issue 18). A consent now has
-- a kind: the consent to peer support every record had ('peer_support'),
-- or a Part 2 consent to disclose ('part2') with the elements of 42 CFR
-- 2.31. A change to a Part 2 consent makes a new version: the versions of
-- one consent share series_id (the first version's id) and the older one
-- gets superseded_at. A revocation keeps withdrawn_on/withdrawn_note and
-- adds when it was recorded (revoked_at) and by whom (revoked_by: 'worker'
-- or 'person').
ALTER TABLE consents ADD COLUMN kind TEXT NOT NULL DEFAULT 'peer_support';
ALTER TABLE consents ADD COLUMN person_name TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN discloser TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN information TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN tpo INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consents ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN how_to_revoke TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN expires_on TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN expiry_event TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN signature_method TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN signed_name TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN signature_image TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN series_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE consents ADD COLUMN superseded_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consents ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consents ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';
UPDATE consents SET series_id = id;
CREATE INDEX consents_kind ON consents (org_id, person_id, kind, series_id, version);

-- Every disclosure of a person's records outside the organisation: to whom,
-- what, when, why, and under which consent. A disclosure in a medical
-- emergency (42 CFR 2.51) has no consent and carries the details that
-- section asks for instead.
CREATE TABLE disclosures (
    id                    INTEGER PRIMARY KEY,
    org_id                INTEGER NOT NULL REFERENCES organisations (id),
    person_id             INTEGER NOT NULL REFERENCES people (id),
    consent_id            INTEGER REFERENCES consents (id),
    recipient             TEXT    NOT NULL,
    purpose               TEXT    NOT NULL,
    information           TEXT    NOT NULL,
    disclosed_on          TEXT    NOT NULL,
    emergency             INTEGER NOT NULL DEFAULT 0,
    emergency_nature      TEXT    NOT NULL DEFAULT '',
    recipient_affiliation TEXT    NOT NULL DEFAULT '',
    disclosed_time        TEXT    NOT NULL DEFAULT '',
    disclosed_by_name     TEXT    NOT NULL DEFAULT '',
    created_at            INTEGER NOT NULL,
    created_by            INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX disclosures_person ON disclosures (org_id, person_id, disclosed_on, id);

-- +goose Down
DROP TABLE disclosures;
DROP INDEX consents_kind;
ALTER TABLE consents DROP COLUMN revoked_by;
ALTER TABLE consents DROP COLUMN revoked_at;
ALTER TABLE consents DROP COLUMN superseded_at;
ALTER TABLE consents DROP COLUMN version;
ALTER TABLE consents DROP COLUMN series_id;
ALTER TABLE consents DROP COLUMN signature_image;
ALTER TABLE consents DROP COLUMN signed_name;
ALTER TABLE consents DROP COLUMN signature_method;
ALTER TABLE consents DROP COLUMN expiry_event;
ALTER TABLE consents DROP COLUMN expires_on;
ALTER TABLE consents DROP COLUMN how_to_revoke;
ALTER TABLE consents DROP COLUMN purpose;
ALTER TABLE consents DROP COLUMN tpo;
ALTER TABLE consents DROP COLUMN recipient;
ALTER TABLE consents DROP COLUMN information;
ALTER TABLE consents DROP COLUMN discloser;
ALTER TABLE consents DROP COLUMN person_name;
ALTER TABLE consents DROP COLUMN kind;
