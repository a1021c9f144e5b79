-- +goose Up
-- Cohorts (issue 8): programmes, cohorts and their trainers, sessions, host
-- companies, participants, attendance, exams, certificates and outcomes.
-- Every table carries org_id and every listing index begins with it.
-- Dates are text YYYY-MM-DD (*_on); times of day are text HH:MM (*_time);
-- instants are integer milliseconds (*_at). The PostgreSQL migration of the
-- same number builds the same tables.

-- Programmes an organisation defines, and its own settings for the built-in
-- ones (kind cps or ican, at most one row each; without a row the built-in
-- defaults apply).
CREATE TABLE programmes (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organisations (id),
    kind               TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    session_kinds      TEXT    NOT NULL,
    students           INTEGER NOT NULL DEFAULT 0,
    attendance_percent INTEGER NOT NULL,
    written_exam       INTEGER NOT NULL DEFAULT 0,
    written_pass_mark  INTEGER NOT NULL DEFAULT 0,
    oral_exam          INTEGER NOT NULL DEFAULT 0,
    attempts           INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX programmes_org_name ON programmes (org_id, name, id);
CREATE UNIQUE INDEX programmes_org_builtin ON programmes (org_id, kind) WHERE kind <> 'custom';
CREATE UNIQUE INDEX programmes_org_lname ON programmes (org_id, lower(name));

-- A cohort copies its programme's rule when it is created, so that editing
-- the programme later never changes what past cohorts required.
CREATE TABLE cohorts (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organisations (id),
    programme_kind     TEXT    NOT NULL,
    programme_id       INTEGER REFERENCES programmes (id),
    programme_name     TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    term               TEXT    NOT NULL DEFAULT '',
    location           TEXT    NOT NULL DEFAULT '',
    starts_on          TEXT    NOT NULL,
    ends_on            TEXT    NOT NULL,
    capacity           INTEGER NOT NULL,
    session_kinds      TEXT    NOT NULL,
    students           INTEGER NOT NULL DEFAULT 0,
    attendance_percent INTEGER NOT NULL,
    written_exam       INTEGER NOT NULL DEFAULT 0,
    written_pass_mark  INTEGER NOT NULL DEFAULT 0,
    oral_exam          INTEGER NOT NULL DEFAULT 0,
    attempts           INTEGER NOT NULL DEFAULT 0,
    created_by         INTEGER NOT NULL REFERENCES users (id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX cohorts_org_starts ON cohorts (org_id, starts_on, id);
CREATE INDEX cohorts_org_ends ON cohorts (org_id, ends_on, id);

CREATE TABLE cohort_trainers (
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX cohort_trainers_org_user ON cohort_trainers (org_id, user_id, cohort_id);

-- ICAN host companies: an organisation-wide directory of businesses.
CREATE TABLE host_companies (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    name          TEXT    NOT NULL,
    industry      TEXT    NOT NULL DEFAULT '',
    contact_name  TEXT    NOT NULL DEFAULT '',
    contact_email TEXT    NOT NULL DEFAULT '',
    contact_phone TEXT    NOT NULL DEFAULT '',
    address       TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX host_companies_org_name ON host_companies (org_id, name, id);
CREATE UNIQUE INDEX host_companies_org_lname ON host_companies (org_id, lower(name));

CREATE TABLE cohort_sessions (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    cohort_id       INTEGER NOT NULL REFERENCES cohorts (id),
    kind            TEXT    NOT NULL,
    held_on         TEXT    NOT NULL,
    start_time      TEXT    NOT NULL DEFAULT '',
    end_time        TEXT    NOT NULL DEFAULT '',
    place           TEXT    NOT NULL DEFAULT '',
    topic           TEXT    NOT NULL DEFAULT '',
    host_company_id INTEGER REFERENCES host_companies (id),
    makes_up_id     INTEGER REFERENCES cohort_sessions (id),
    covered         TEXT    NOT NULL DEFAULT '',
    visit_notes     TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX cohort_sessions_org_cohort ON cohort_sessions (org_id, cohort_id, held_on, id);

-- Participants are records of the cohort, not necessarily users. Students'
-- details (school, grade, accommodations, guardian) are kept only for
-- programmes whose participants are students.
CREATE TABLE participants (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organisations (id),
    cohort_id           INTEGER NOT NULL REFERENCES cohorts (id),
    user_id             INTEGER REFERENCES users (id),
    name                TEXT    NOT NULL,
    email               TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL,
    applied_on          TEXT    NOT NULL DEFAULT '',
    enrolled_on         TEXT    NOT NULL DEFAULT '',
    waitlisted_at       INTEGER NOT NULL DEFAULT 0,
    withdrawn_on        TEXT    NOT NULL DEFAULT '',
    completed_on        TEXT    NOT NULL DEFAULT '',
    school              TEXT    NOT NULL DEFAULT '',
    grade               TEXT    NOT NULL DEFAULT '',
    accommodations      TEXT    NOT NULL DEFAULT '',
    minor               INTEGER NOT NULL DEFAULT 0,
    guardian_name       TEXT    NOT NULL DEFAULT '',
    guardian_contact    TEXT    NOT NULL DEFAULT '',
    guardian_consent_on TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX participants_org_cohort_name ON participants (org_id, cohort_id, name, id);
CREATE INDEX participants_org_cohort_status ON participants (org_id, cohort_id, status, waitlisted_at, id);
CREATE INDEX participants_org_user ON participants (org_id, user_id, id);
CREATE UNIQUE INDEX participants_cohort_user ON participants (cohort_id, user_id);

CREATE TABLE attendance (
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    cohort_id      INTEGER NOT NULL REFERENCES cohorts (id),
    session_id     INTEGER NOT NULL REFERENCES cohort_sessions (id),
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    mark           TEXT    NOT NULL,
    recorded_at    INTEGER NOT NULL,
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX attendance_org_participant ON attendance (org_id, participant_id);
CREATE INDEX attendance_org_cohort ON attendance (org_id, cohort_id, session_id);

CREATE TABLE exam_attempts (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    cohort_id      INTEGER NOT NULL REFERENCES cohorts (id),
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    exam           TEXT    NOT NULL,
    taken_on       TEXT    NOT NULL,
    score          INTEGER,
    passed         INTEGER NOT NULL,
    recorded_at    INTEGER NOT NULL,
    recorded_by    INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX exam_attempts_org_participant ON exam_attempts (org_id, participant_id, taken_on, id);

-- Certificates keep what they say (name, programme, issuer, date) as issued,
-- so renaming the organisation or correcting a record later does not change
-- a certificate someone already holds. One valid certificate per participant;
-- after a revocation a new one may be issued with a new code.
CREATE TABLE certificates (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    cohort_id      INTEGER NOT NULL REFERENCES cohorts (id),
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    code           TEXT    NOT NULL UNIQUE,
    recipient      TEXT    NOT NULL,
    programme_name TEXT    NOT NULL,
    issuer         TEXT    NOT NULL,
    issued_on      TEXT    NOT NULL,
    demo           INTEGER NOT NULL DEFAULT 0,
    issued_by      INTEGER NOT NULL REFERENCES users (id),
    issued_at      INTEGER NOT NULL,
    revoked_at     INTEGER NOT NULL DEFAULT 0,
    revoked_by     INTEGER REFERENCES users (id),
    revoke_reason  TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX certificates_valid ON certificates (participant_id) WHERE revoked_at = 0;
CREATE INDEX certificates_org_participant ON certificates (org_id, participant_id, id);
CREATE INDEX certificates_org_cohort ON certificates (org_id, cohort_id);

-- What happened after the programme (ICAN): an internship or job offered,
-- accepted, started.
CREATE TABLE outcomes (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    cohort_id       INTEGER NOT NULL REFERENCES cohorts (id),
    participant_id  INTEGER NOT NULL REFERENCES participants (id),
    kind            TEXT    NOT NULL,
    employer        TEXT    NOT NULL,
    host_company_id INTEGER REFERENCES host_companies (id),
    offered_on      TEXT    NOT NULL DEFAULT '',
    accepted_on     TEXT    NOT NULL DEFAULT '',
    started_on      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX outcomes_org_participant ON outcomes (org_id, participant_id, id);
CREATE INDEX outcomes_org_cohort ON outcomes (org_id, cohort_id);

-- +goose Down
DROP TABLE outcomes;
DROP TABLE certificates;
DROP TABLE exam_attempts;
DROP TABLE attendance;
DROP TABLE participants;
DROP TABLE cohort_sessions;
DROP TABLE host_companies;
DROP TABLE cohort_trainers;
DROP TABLE cohorts;
DROP TABLE programmes;
