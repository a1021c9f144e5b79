-- +goose Up
-- The person's own portal (issue 18). A portal account is a row of users
-- with person_id set and no role: it signs in like staff (same sessions,
-- lockout, rate limits, second factor) and sees only that person's records.
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people (id);
CREATE INDEX users_person ON users (person_id);
-- The language the person chose for their portal ('' = their record's, or
-- the browser's).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- An invitation: a one-time link and a short code to read out, both stored
-- as SHA-256 only. used_at set once, by the acceptance that created the
-- account.
CREATE TABLE portal_invitations (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    token_hash  TEXT    NOT NULL,
    code_hash   TEXT    NOT NULL,
    login       TEXT    NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0,
    user_id     INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX portal_invitations_token ON portal_invitations (token_hash);
CREATE UNIQUE INDEX portal_invitations_code ON portal_invitations (code_hash);
CREATE INDEX portal_invitations_person ON portal_invitations (org_id, person_id, id);

-- A person asks for a correction to their record; their worker answers.
CREATE TABLE correction_requests (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    request     TEXT    NOT NULL,
    asked_by    INTEGER NOT NULL REFERENCES users (id),
    asked_at    INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'open',
    answer      TEXT    NOT NULL DEFAULT '',
    answered_by INTEGER REFERENCES users (id),
    answered_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX correction_requests_person ON correction_requests (org_id, person_id, id);

-- +goose Down
DROP TABLE correction_requests;
DROP TABLE portal_invitations;
ALTER TABLE users DROP COLUMN language;
DROP INDEX users_person;
ALTER TABLE users DROP COLUMN person_id;
