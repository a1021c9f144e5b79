-- +goose Up
-- Reliability (issue 15).

-- The fingerprint of the installation's secret key (never the key): a
-- database refuses to be opened with another key, or with a new key made up
-- because the right one was not found.
CREATE TABLE installation (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    key_fingerprint TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);

-- One row that /healthz rewrites to prove a write can commit.
CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);

-- API requests sent with an Idempotency-Key: the first answer, replayed to
-- a retry of the same request. status 0 marks a request still under way.
CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT    NOT NULL DEFAULT '',
    location     TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- One-time tokens of HTML forms that create something, claimed when the
-- form is sent: a second send of the same form finds its claim and is led
-- to what the first created (result) instead of creating it again.
CREATE TABLE form_tokens (
    token      TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    result     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX form_tokens_created ON form_tokens (created_at);

-- Two administrators editing one user: the second save is checked against
-- the version the editor started from.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN updated_by INTEGER REFERENCES users (id);

-- +goose Down
ALTER TABLE users DROP COLUMN updated_by;
ALTER TABLE users DROP COLUMN version;
DROP TABLE form_tokens;
DROP TABLE idempotency_keys;
DROP TABLE health_probe;
DROP TABLE installation;
