-- +goose Up
-- Text messages (issue 18): one-time sign-in codes sent by SMS, waiting to
-- be sent. Like the email outbox, a row is written in the transaction of
-- the request that causes it and the sender in "peerpath serve" delivers
-- it, retrying with growing waits while the provider is down. The body
-- (sealed with the installation's key) holds a code: the body and the
-- number are emptied as soon as the message is sent or given up, and a
-- message not sent by expires_at (when its code stops working) is given
-- up. What stays, until PurgeOutbox, is when and how it went.
CREATE TABLE sms_outbox (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    to_number       TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0,
    given_up_at     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sms_outbox_due ON sms_outbox (sent_at, given_up_at, next_attempt_at);

-- +goose Down
DROP TABLE sms_outbox;
