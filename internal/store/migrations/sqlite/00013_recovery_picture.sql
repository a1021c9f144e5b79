-- +goose Up
-- A person's recovery picture (issue 13): strengths, recovery capital
-- assessments over time, stages of change per life area, areas of need,
-- natural supports, advocacy, rights concerns and medication questions.
-- Every table carries org_id and every listing index begins with it. The
-- PostgreSQL migration of the same number builds the same tables.

-- Instruments an organisation adds (a JSON file each, as shipped ones are):
-- instruments are data, not code.
CREATE TABLE recovery_instruments (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    instrument_key TEXT NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE UNIQUE INDEX recovery_instruments_key ON recovery_instruments (org_id, instrument_key);

CREATE TABLE recovery_assessments (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    instrument TEXT    NOT NULL,
    taken_on   TEXT    NOT NULL,
    -- A JSON array, one value per statement; null for "prefer not to answer".
    answers    TEXT    NOT NULL,
    total      INTEGER NOT NULL,
    -- Every statement answered: only complete totals count in change figures.
    complete   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
-- A person's history in date order, and "when last?" for the home page.
CREATE INDEX recovery_assessments_person ON recovery_assessments (org_id, person_id, taken_on, id);

-- Stages of change: every note kept, the latest per area is the current one.
CREATE TABLE stage_notes (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    life_area  TEXT    NOT NULL,
    stage      TEXT    NOT NULL,
    noted_on   TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX stage_notes_person ON stage_notes (org_id, person_id, noted_on, id);

-- A guided check of needs on one day, and the areas the person named.
CREATE TABLE need_checks (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    noted_on   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX need_checks_person ON need_checks (org_id, person_id, noted_on, id);

CREATE TABLE needs (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    person_id      INTEGER NOT NULL REFERENCES people (id),
    check_id       INTEGER NOT NULL REFERENCES need_checks (id),
    area           TEXT    NOT NULL,
    -- The area's label when the need was named (an organisation may rename it later).
    area_label     TEXT    NOT NULL,
    in_their_words TEXT    NOT NULL DEFAULT '',
    -- The goal or referral this need started, if any.
    goal_id        INTEGER REFERENCES goals (id),
    referral_id    INTEGER REFERENCES referrals (id),
    created_at     INTEGER NOT NULL
);
CREATE INDEX needs_check ON needs (org_id, check_id, id);
CREATE INDEX needs_person ON needs (org_id, person_id, id);

-- Strengths and resiliencies: one row per person, in their words.
CREATE TABLE person_strengths (
    person_id     INTEGER PRIMARY KEY REFERENCES people (id),
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    good_at       TEXT    NOT NULL DEFAULT '',
    what_matters  TEXT    NOT NULL DEFAULT '',
    helped_before TEXT    NOT NULL DEFAULT '',
    -- Short strengths the person chose or wrote, one a line.
    strengths     TEXT    NOT NULL DEFAULT '',
    updated_at    INTEGER NOT NULL,
    updated_by    INTEGER NOT NULL REFERENCES users (id)
);

CREATE TABLE natural_supports (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    person_id       INTEGER NOT NULL REFERENCES people (id),
    name            TEXT    NOT NULL,
    relationship    TEXT    NOT NULL DEFAULT '',
    how_they_help   TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    okay_to_involve INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    created_by      INTEGER NOT NULL REFERENCES users (id),
    updated_at      INTEGER NOT NULL
);
CREATE INDEX natural_supports_person ON natural_supports (org_id, person_id, id);

-- Advocacy and rights concerns, apart from contact notes so they can be counted.
CREATE TABLE advocacy_entries (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    done_on    TEXT    NOT NULL,
    what       TEXT    NOT NULL,
    with_whom  TEXT    NOT NULL DEFAULT '',
    outcome    TEXT    NOT NULL DEFAULT '',
    skill      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX advocacy_entries_person ON advocacy_entries (org_id, person_id, done_on, id);
CREATE INDEX advocacy_entries_org ON advocacy_entries (org_id, done_on);

CREATE TABLE rights_concerns (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    raised_on   TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    resolved_on TEXT    NOT NULL DEFAULT '',
    resolution  TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    updated_at  INTEGER NOT NULL
);
CREATE INDEX rights_concerns_person ON rights_concerns (org_id, person_id, raised_on, id);
CREATE INDEX rights_concerns_org ON rights_concerns (org_id, raised_on);

-- What the person wants to remember or ask about their medication, in their
-- words. Not a medication list, not an administration record.
CREATE TABLE medication_questions (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    noted_on   TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    settled_on TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX medication_questions_person ON medication_questions (org_id, person_id, id);

-- The organisation's settings: days between recovery capital checks, and
-- its own list of areas of need (JSON; empty means peerpath's list).
ALTER TABLE organisations ADD COLUMN recovery_check_days INTEGER NOT NULL DEFAULT 90;
ALTER TABLE organisations ADD COLUMN need_areas TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organisations DROP COLUMN need_areas;
ALTER TABLE organisations DROP COLUMN recovery_check_days;
DROP TABLE medication_questions;
DROP TABLE rights_concerns;
DROP TABLE advocacy_entries;
DROP TABLE natural_supports;
DROP TABLE person_strengths;
DROP TABLE needs;
DROP TABLE need_checks;
DROP TABLE stage_notes;
DROP TABLE recovery_assessments;
DROP TABLE recovery_instruments;
