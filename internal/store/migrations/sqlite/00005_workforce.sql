-- +goose Up
-- Workforce development records (issue 5): each worker's profile, roles
-- held, trainings, competency sign-offs and requests for them, prerequisite
-- facts, waivers, credentials with continuing education, supervision
-- sessions, the Code of Ethics (versions, attestations, consultations) and
-- development-plan notes. Every table carries org_id, and every index a
-- listing uses starts with it. The worker is users.id (user_id).

-- A supervisor's team is listed by name within the organisation.
CREATE INDEX users_org_supervisor ON users (org_id, supervisor_id, name, id);

CREATE TABLE worker_profiles (
    user_id         INTEGER PRIMARY KEY REFERENCES users (id),
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    track           TEXT    NOT NULL DEFAULT 'both',
    languages       TEXT    NOT NULL DEFAULT '',
    specialisations TEXT    NOT NULL DEFAULT '',
    confirmed_stage TEXT    NOT NULL DEFAULT '',
    confirmed_on    TEXT    NOT NULL DEFAULT '',
    confirmed_by    INTEGER REFERENCES users (id),
    updated_at      INTEGER NOT NULL
);
CREATE INDEX worker_profiles_org ON worker_profiles (org_id, user_id);

CREATE TABLE worker_roles (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    title        TEXT    NOT NULL,
    organisation TEXT    NOT NULL DEFAULT '',
    from_on      TEXT    NOT NULL,
    to_on        TEXT    NOT NULL DEFAULT '',
    peer         INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX worker_roles_user ON worker_roles (org_id, user_id, from_on, id);

-- source identifies a completion recorded by another capability (a course
-- cohort: "cohort:12"), so recording it twice changes nothing.
CREATE TABLE training_completions (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    item_key     TEXT    NOT NULL DEFAULT '',
    title        TEXT    NOT NULL,
    completed_on TEXT    NOT NULL,
    provider     TEXT    NOT NULL DEFAULT '',
    hours_x100   INTEGER NOT NULL DEFAULT 0,
    document_id  INTEGER REFERENCES documents (id),
    source       TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX training_completions_user ON training_completions (org_id, user_id, completed_on, id);
CREATE UNIQUE INDEX training_completions_source ON training_completions (org_id, user_id, source) WHERE source <> '';

-- Sign-offs and waivers are withdrawn, never deleted, so the history of who
-- vouched for what stays.
CREATE TABLE competency_signoffs (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    item_key     TEXT    NOT NULL,
    observed_on  TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    signed_by    INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    withdrawn_at INTEGER NOT NULL DEFAULT 0,
    withdrawn_by INTEGER REFERENCES users (id)
);
CREATE INDEX competency_signoffs_user ON competency_signoffs (org_id, user_id, observed_on, id);

CREATE TABLE signoff_requests (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    item_key       TEXT    NOT NULL,
    note           TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL DEFAULT 'open',
    requested_at   INTEGER NOT NULL,
    decided_at     INTEGER NOT NULL DEFAULT 0,
    decided_by     INTEGER REFERENCES users (id),
    decline_reason TEXT    NOT NULL DEFAULT '',
    signoff_id     INTEGER REFERENCES competency_signoffs (id)
);
CREATE INDEX signoff_requests_user ON signoff_requests (org_id, user_id, status, id);

CREATE TABLE prerequisite_records (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    item_key    TEXT    NOT NULL,
    statement   TEXT    NOT NULL,
    recorded_on TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX prerequisite_records_user ON prerequisite_records (org_id, user_id, recorded_on, id);

CREATE TABLE waivers (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    item_key     TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    waived_on    TEXT    NOT NULL,
    waived_by    INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    withdrawn_at INTEGER NOT NULL DEFAULT 0,
    withdrawn_by INTEGER REFERENCES users (id)
);
CREATE INDEX waivers_user ON waivers (org_id, user_id, waived_on, id);

CREATE TABLE credentials (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL DEFAULT '',
    number     TEXT    NOT NULL DEFAULT '',
    issuer     TEXT    NOT NULL DEFAULT '',
    issued_on  TEXT    NOT NULL,
    expires_on TEXT    NOT NULL DEFAULT '',
    source     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX credentials_user ON credentials (org_id, user_id, id);
CREATE INDEX credentials_expiry ON credentials (org_id, expires_on);
CREATE UNIQUE INDEX credentials_source ON credentials (org_id, user_id, source) WHERE source <> '';

CREATE TABLE credential_hours (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organisations (id),
    credential_id     INTEGER NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL REFERENCES users (id),
    completed_on      TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    hours_x100        INTEGER NOT NULL,
    ethics_hours_x100 INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    created_by        INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX credential_hours_credential ON credential_hours (org_id, credential_id, completed_on, id);

CREATE TABLE credential_rules (
    org_id            INTEGER NOT NULL REFERENCES organisations (id),
    kind              TEXT    NOT NULL,
    hours_x100        INTEGER NOT NULL,
    ethics_hours_x100 INTEGER NOT NULL,
    period_months     INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    updated_by        INTEGER REFERENCES users (id),
    PRIMARY KEY (org_id, kind)
);

CREATE TABLE supervision_sessions (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    supervisee_id   INTEGER NOT NULL REFERENCES users (id),
    supervisor_id   INTEGER NOT NULL REFERENCES users (id),
    held_on         TEXT    NOT NULL,
    minutes         INTEGER NOT NULL,
    mode            TEXT    NOT NULL,
    topics          TEXT    NOT NULL DEFAULT '',
    peer_credential INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    created_by      INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX supervision_sessions_supervisee ON supervision_sessions (org_id, supervisee_id, held_on, id);
CREATE INDEX supervision_sessions_supervisor ON supervision_sessions (org_id, supervisor_id, held_on);

-- A version of the Code of Ethics is identified by the SHA-256 of its
-- text; the organisation's current version is its latest.
CREATE TABLE ethics_versions (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    shipped      INTEGER NOT NULL DEFAULT 0,
    published_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX ethics_versions_org_sha ON ethics_versions (org_id, sha256);
CREATE INDEX ethics_versions_org ON ethics_versions (org_id, id);

CREATE TABLE ethics_attestations (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    version_hash TEXT    NOT NULL,
    typed_name   TEXT    NOT NULL,
    attested_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ethics_attestations_user ON ethics_attestations (org_id, user_id, version_hash);
CREATE INDEX ethics_attestations_version ON ethics_attestations (org_id, version_hash, user_id);

CREATE TABLE ethics_consultations (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    situation   TEXT    NOT NULL,
    guidance    TEXT    NOT NULL DEFAULT '',
    guidance_by INTEGER REFERENCES users (id),
    guidance_at INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT    NOT NULL DEFAULT '',
    outcome_at  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX ethics_consultations_user ON ethics_consultations (org_id, user_id, id);

CREATE TABLE development_notes (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX development_notes_user ON development_notes (org_id, user_id, id);

-- +goose Down
DROP TABLE development_notes;
DROP TABLE ethics_consultations;
DROP TABLE ethics_attestations;
DROP TABLE ethics_versions;
DROP TABLE supervision_sessions;
DROP TABLE credential_rules;
DROP TABLE credential_hours;
DROP TABLE credentials;
DROP TABLE waivers;
DROP TABLE prerequisite_records;
DROP TABLE signoff_requests;
DROP TABLE competency_signoffs;
DROP TABLE training_completions;
DROP TABLE worker_roles;
DROP TABLE worker_profiles;
DROP INDEX users_org_supervisor;
