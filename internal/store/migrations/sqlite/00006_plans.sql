-- +goose Up
-- Safety plans, wellness plans and crisis preferences (issue 7): documents a
-- person writes with their peer worker, kept in versions. Every save adds a
-- row; no row is ever changed, so each earlier version stays readable with
-- who saved it and when. The PostgreSQL migration of the same number builds
-- the same table.

CREATE TABLE plan_versions (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    -- safety_plan, wellness_plan or crisis_preferences.
    kind       TEXT    NOT NULL,
    -- 1, 2, 3 … for each person and kind; the unique index makes two saves
    -- of the same version (two workers at once) fail rather than both win.
    version    INTEGER NOT NULL,
    -- The plan's sections as a JSON object, in the API's shape: a list of
    -- strings, a list of {"name", "phone"}, or a string, by section key.
    body       TEXT    NOT NULL,
    -- edit, or review: looked at with the person, nothing changed.
    change     TEXT    NOT NULL DEFAULT 'edit',
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
-- The latest version of a person's plan and their version list are seeks
-- on this.
CREATE UNIQUE INDEX plan_versions_person ON plan_versions (org_id, person_id, kind, version);
-- "Saved or reviewed since the cutoff?" and "when last?" in one seek each,
-- without reading the rows (the team view asks it for every person).
CREATE INDEX plan_versions_saved ON plan_versions (org_id, person_id, kind, created_at);

-- The organisation's plan settings: how many days a safety plan may go
-- unreviewed before the caseload flags it, and the crisis lines a new safety
-- plan starts with and every printed plan ends with (a JSON list of
-- {"name", "phone"}; empty means peerpath's Massachusetts defaults).
ALTER TABLE organisations ADD COLUMN plan_review_days INTEGER NOT NULL DEFAULT 90;
ALTER TABLE organisations ADD COLUMN crisis_lines TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organisations DROP COLUMN crisis_lines;
ALTER TABLE organisations DROP COLUMN plan_review_days;
DROP TABLE plan_versions;
