-- +goose Up
-- One-time sign-in codes sent by email to people with a portal account
-- (issue 18): a few digits, valid for minutes, used once, stored as SHA-256
-- only. attempts counts wrong codes typed against it; a code stops working
-- after a few (store/signin_codes.go).
CREATE TABLE signin_codes (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    code_hash   TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX signin_codes_user ON signin_codes (user_id, created_at);

-- +goose Down
DROP TABLE signin_codes;
