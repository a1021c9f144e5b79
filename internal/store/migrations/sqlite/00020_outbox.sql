-- +goose Up
-- Email (issue 16): messages waiting to be sent. A row is written in the
-- same transaction as the change that causes it (an invitation, a reset
-- link, a sign-off answer, a credential reminder), and the sender in
-- "peerpath serve" delivers it, retrying with growing waits while the mail
-- server is down. Once sent, its body is emptied: it may hold a one-time
-- link. Messages hold no details about people supported.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    -- set for a message that must go once only (a reminder for one
    -- credential's end date); empty otherwise
    once_key        TEXT    NOT NULL DEFAULT '',
    to_addr         TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0,
    given_up_at     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (sent_at, given_up_at, next_attempt_at);
CREATE INDEX outbox_org ON outbox (org_id, sent_at, given_up_at);
CREATE UNIQUE INDEX outbox_once ON outbox (org_id, once_key) WHERE once_key <> '';

-- +goose Down
DROP TABLE outbox;
