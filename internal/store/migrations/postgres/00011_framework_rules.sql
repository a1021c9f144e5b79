-- +goose Up
-- The career framework's organisation rules (issue 12).
--
-- A code of ethics per track: each version belongs to one code ("cps",
-- "rsc", … as the chart names them). Every version published so far was of
-- the one code there was, the CPS code; attestations follow their version
-- by hash, so they become attestations to the CPS code.
ALTER TABLE ethics_versions ADD COLUMN code TEXT NOT NULL DEFAULT 'cps';
CREATE INDEX ethics_versions_org_code ON ethics_versions (org_id, code, id);

-- What the organisation has decided about the chart items that leave it a
-- choice: whether a conditional item (CORI "as indicated by specific RSC,
-- RLC or other program") applies, and which strength it reads for a
-- "required or preferred" item ('' = the chart's default reading).
CREATE TABLE framework_choices (
    org_id     BIGINT  NOT NULL REFERENCES organisations (id),
    item_key   TEXT    NOT NULL,
    applies    BOOLEAN NOT NULL DEFAULT FALSE,
    strength   TEXT    NOT NULL DEFAULT '',
    updated_at BIGINT  NOT NULL,
    updated_by BIGINT  REFERENCES users (id),
    PRIMARY KEY (org_id, item_key)
);

-- A track is chosen, never assumed: from now on a worker without a profile
-- has no track. Everyone who exists today was read as working on both
-- tracks, and keeps that.
INSERT INTO worker_profiles (user_id, org_id, track, updated_at)
    SELECT u.id, u.org_id, 'both', u.created_at FROM users u
    WHERE NOT EXISTS (SELECT 1 FROM worker_profiles p WHERE p.user_id = u.id);

-- +goose Down
DROP TABLE framework_choices;
DROP INDEX ethics_versions_org_code;
ALTER TABLE ethics_versions DROP COLUMN code;
