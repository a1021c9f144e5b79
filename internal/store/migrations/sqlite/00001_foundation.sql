-- +goose Up
-- Times are integers: milliseconds since 1970 UTC (columns named *_at).
-- Dates are text YYYY-MM-DD (columns named *_on). Booleans are 0/1.
-- The PostgreSQL migration of the same number builds the same tables.

CREATE TABLE organisations (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    is_demo           INTEGER NOT NULL DEFAULT 0,
    require_admin_mfa INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations (lower(name));

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    email           TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    supervisor_id   INTEGER REFERENCES users (id),
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    first_failed_at INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    totp_secret     TEXT    NOT NULL DEFAULT '',
    totp_pending    TEXT    NOT NULL DEFAULT '',
    totp_last_step  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX users_org_name ON users (org_id, name, id);
CREATE INDEX users_supervisor ON users (supervisor_id);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT    NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mfa_pending  INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ended_at     INTEGER NOT NULL DEFAULT 0,
    ip           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE one_time_tokens (
    id         INTEGER PRIMARY KEY,
    purpose    TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path       TEXT    NOT NULL,
    form       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX drafts_user ON drafts (user_id, id);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    org_id      INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    ip          TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    record_type TEXT    NOT NULL,
    record_id   TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    prev_mac    TEXT    NOT NULL,
    mac         TEXT    NOT NULL
);
CREATE INDEX audit_org_seq ON audit_log (org_id, seq);
CREATE INDEX audit_org_user ON audit_log (org_id, user_id, seq);
CREATE INDEX audit_org_record ON audit_log (org_id, record_type, record_id, seq);

CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    seq      INTEGER NOT NULL,
    mac      TEXT    NOT NULL,
    head_mac TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, mac, head_mac) VALUES (1, 0, '', '');

-- The audit log is append-only for the application. Someone with direct
-- access to the database file can still drop these triggers; the MAC chain is
-- what catches that.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE drafts;
DROP TABLE one_time_tokens;
DROP TABLE api_tokens;
DROP TABLE recovery_codes;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE organisations;
