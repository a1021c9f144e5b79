-- +goose Up
-- Credentials from their issuer, and programme rules the organisation
-- confirms (issue 12).
--
-- Whether the organisation is the certifying body for a kind of credential.
-- Off unless an administrator turns it on: completing a course then records
-- the training only, and the credential is recorded when its issuer grants it.
CREATE TABLE credential_issuers (
    org_id     BIGINT  NOT NULL REFERENCES organisations (id),
    kind       TEXT    NOT NULL,
    certifies  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT  NOT NULL,
    updated_by BIGINT  REFERENCES users (id),
    PRIMARY KEY (org_id, kind)
);

-- The organisation's renewal rule in force when a credential was recorded,
-- in words; '' means "renewal rule not set". Credentials recorded before
-- this migration keep their dates and say the rule is not set.
ALTER TABLE credentials ADD COLUMN renewal_rule TEXT NOT NULL DEFAULT '';

-- Pass marks, attempts and attendance thresholds are the organisation's to
-- confirm: 0 until an administrator has (every rule saved before this
-- migration was peerpath's suggestion and is shown as unconfirmed).
ALTER TABLE programmes ADD COLUMN rule_confirmed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE programmes ADD COLUMN rule_confirmed_by BIGINT REFERENCES users (id);
ALTER TABLE cohorts ADD COLUMN rule_confirmed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cohorts ADD COLUMN rule_confirmed_by BIGINT REFERENCES users (id);

-- +goose Down
ALTER TABLE cohorts DROP COLUMN rule_confirmed_by;
ALTER TABLE cohorts DROP COLUMN rule_confirmed_at;
ALTER TABLE programmes DROP COLUMN rule_confirmed_by;
ALTER TABLE programmes DROP COLUMN rule_confirmed_at;
ALTER TABLE credentials DROP COLUMN renewal_rule;
DROP TABLE credential_issuers;
