-- +goose Up
-- People supported, and the daily work with them: contacts, check-ins, goals
-- in three-month cycles, referrals to resources, consent to peer support.
-- Every table carries org_id and every listing index begins with it. The
-- PostgreSQL migration of the same number builds the same tables.

CREATE TABLE people (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organisations (id),
    preferred_name      TEXT    NOT NULL,
    legal_name          TEXT    NOT NULL DEFAULT '',
    -- Lower-cased, accent-folded forms of the names (made in Go, so that both
    -- databases search and compare them alike): search and duplicate checks.
    preferred_key       TEXT    NOT NULL,
    legal_key           TEXT    NOT NULL DEFAULT '',
    pronouns            TEXT    NOT NULL DEFAULT '',
    born_on             TEXT    NOT NULL DEFAULT '',
    preferred_language  TEXT    NOT NULL DEFAULT '',
    phone               TEXT    NOT NULL DEFAULT '',
    email               TEXT    NOT NULL DEFAULT '',
    mailing_address     TEXT    NOT NULL DEFAULT '',
    -- Channels it is okay to use, comma-separated: phone_call,voicemail,text,email,mail.
    okay_to_contact     TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL DEFAULT 'active',
    closed_reason       TEXT    NOT NULL DEFAULT '',
    check_in_every_days INTEGER NOT NULL DEFAULT 7,
    -- Kept up to date in the same transaction as every contact change, so the
    -- list of people needs no join with contacts.
    last_contact_at     INTEGER NOT NULL DEFAULT 0,
    active_since_at     INTEGER NOT NULL,
    check_in_due_on     TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    created_by          INTEGER NOT NULL REFERENCES users (id),
    updated_at          INTEGER NOT NULL
);
CREATE INDEX people_org_status_due ON people (org_id, status, check_in_due_on, id);
CREATE INDEX people_org_due ON people (org_id, check_in_due_on, id);
CREATE INDEX people_org_name ON people (org_id, preferred_key);
CREATE INDEX people_org_legal ON people (org_id, legal_key, born_on);

-- Who supports whom. Only peer workers, supervisors and administrators are
-- assigned (never a trainer); a person may have several.
CREATE TABLE person_workers (
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, user_id)
);
CREATE INDEX person_workers_user ON person_workers (user_id, person_id);

CREATE TABLE person_programmes (
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    name      TEXT    NOT NULL,
    PRIMARY KEY (person_id, name)
);
CREATE INDEX person_programmes_org ON person_programmes (org_id, name);

-- Consent to peer support, with an optional signed document (in documents).
CREATE TABLE consents (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    person_id      INTEGER NOT NULL REFERENCES people (id),
    given_on       TEXT    NOT NULL,
    covers         TEXT    NOT NULL,
    witnessed_by   TEXT    NOT NULL DEFAULT '',
    document_id    INTEGER REFERENCES documents (id),
    withdrawn_on   TEXT    NOT NULL DEFAULT '',
    withdrawn_note TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX consents_person ON consents (org_id, person_id, id);

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organisations (id),
    person_id        INTEGER NOT NULL REFERENCES people (id),
    occurred_at      INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL,
    format           TEXT    NOT NULL,
    mode             TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    participants     TEXT    NOT NULL DEFAULT '',
    note             TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    created_by       INTEGER NOT NULL REFERENCES users (id),
    updated_at       INTEGER NOT NULL
);
CREATE INDEX contacts_person ON contacts (org_id, person_id, occurred_at, id);
-- The worker's most recent contact gives the contact form its defaults.
CREATE INDEX contacts_worker ON contacts (org_id, created_by, id);

CREATE TABLE goal_cycles (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    starts_on   TEXT    NOT NULL,
    ends_on     TEXT    NOT NULL,
    reviewed_at INTEGER NOT NULL DEFAULT 0,
    reviewed_by INTEGER REFERENCES users (id),
    review_note TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX goal_cycles_person ON goal_cycles (org_id, person_id, starts_on, id);

CREATE TABLE goals (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    person_id    INTEGER NOT NULL REFERENCES people (id),
    cycle_id     INTEGER NOT NULL REFERENCES goal_cycles (id),
    text         TEXT    NOT NULL,
    life_area    TEXT    NOT NULL,
    steps        TEXT    NOT NULL DEFAULT '',
    target_on    TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'active',
    carried_from INTEGER REFERENCES goals (id),
    created_at   INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    updated_at   INTEGER NOT NULL
);
CREATE INDEX goals_person ON goals (org_id, person_id, id);
CREATE INDEX goals_cycle ON goals (org_id, cycle_id, id);
-- Finds the goal that continues this one in a later cycle.
CREATE INDEX goals_carried ON goals (carried_from);

CREATE TABLE goal_progress (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    goal_id    INTEGER NOT NULL REFERENCES goals (id),
    note       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX goal_progress_goal ON goal_progress (org_id, goal_id, id);

-- The organisation's directory of resources, shared by all its workers.
CREATE TABLE resources (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    address     TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    hours       TEXT    NOT NULL DEFAULT '',
    languages   TEXT    NOT NULL DEFAULT '',
    eligibility TEXT    NOT NULL DEFAULT '',
    website     TEXT    NOT NULL DEFAULT '',
    verified_on TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
-- One entry per name in an organisation, so a CSV import can update by name.
CREATE UNIQUE INDEX resources_org_name ON resources (org_id, name_key);

CREATE TABLE referrals (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    resource_id   INTEGER REFERENCES resources (id),
    -- The resource's name when the referral was made, or a free-text one.
    resource_name TEXT    NOT NULL,
    reason        TEXT    NOT NULL DEFAULT '',
    made_on       TEXT    NOT NULL,
    follow_up_on  TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'made',
    outcome_note  TEXT    NOT NULL DEFAULT '',
    closed_at     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES users (id),
    updated_at    INTEGER NOT NULL
);
CREATE INDEX referrals_person ON referrals (org_id, person_id, status, follow_up_on);
CREATE INDEX referrals_due ON referrals (org_id, status, follow_up_on, id);

-- An organisation's own entries for the wording helper: additions, and
-- replacements or switch-offs of shipped entries by id. entry is the JSON of
-- a language.Entry.
CREATE TABLE wording_entries (
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    entry_id   TEXT    NOT NULL,
    entry      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (org_id, entry_id)
);

-- +goose Down
DROP TABLE wording_entries;
DROP TABLE referrals;
DROP TABLE resources;
DROP TABLE goal_progress;
DROP TABLE goals;
DROP TABLE goal_cycles;
DROP TABLE contacts;
DROP TABLE consents;
DROP TABLE person_programmes;
DROP TABLE person_workers;
DROP TABLE people;
