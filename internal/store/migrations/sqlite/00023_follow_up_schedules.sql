-- +goose Up
-- Follow-up schedules (issue 17). A service programme (the names people are
-- in, person_programmes.name) may set assessment points: a baseline, regular
-- reassessments, an annual one, one at discharge. SUPRT is a preset; any
-- other schedule is the organisation's own. follow_up_points holds every
-- person's points, worked out again in the same transaction as whatever
-- changes them (an assessment, a programme joined, support closed, the
-- schedule), so the due lists and completion rates are index reads.
CREATE TABLE service_programmes (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    name           TEXT    NOT NULL,
    -- '' (no schedule), suprt or custom.
    schedule       TEXT    NOT NULL DEFAULT '',
    baseline_days  INTEGER NOT NULL DEFAULT 0,
    every_months   INTEGER NOT NULL DEFAULT 0,
    window_days    INTEGER NOT NULL DEFAULT 0,
    annual         INTEGER NOT NULL DEFAULT 0,
    at_discharge   INTEGER NOT NULL DEFAULT 0,
    target_percent INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL DEFAULT 0,
    updated_by     INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX service_programmes_org_name ON service_programmes (org_id, name);
INSERT INTO service_programmes (org_id, name) SELECT DISTINCT org_id, name FROM person_programmes;

-- The day the person started in the programme ('' before this migration:
-- the day their support began counts).
ALTER TABLE person_programmes ADD COLUMN started_on TEXT NOT NULL DEFAULT '';
-- The day support closed, for the discharge point ('' while open).
ALTER TABLE people ADD COLUMN closed_on TEXT NOT NULL DEFAULT '';

CREATE TABLE follow_up_points (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    person_id    INTEGER NOT NULL REFERENCES people (id),
    programme_id INTEGER NOT NULL REFERENCES service_programmes (id),
    kind         TEXT    NOT NULL,
    months       INTEGER NOT NULL DEFAULT 0,
    target_on    TEXT    NOT NULL,
    opens_on     TEXT    NOT NULL,
    closes_on    TEXT    NOT NULL,
    late_until   TEXT    NOT NULL,
    done_on      TEXT    NOT NULL DEFAULT '',
    -- '' (not done), on_time or late.
    outcome      TEXT    NOT NULL DEFAULT ''
);
-- A person's points, open ones by opening day, carrying what the filters
-- and the completion figures read (the lists and figures of a worker or a
-- team start from their people); the organisation's lists of due and
-- overdue points; the completion figures of a period for the organisation
-- or a programme, read from the index alone.
CREATE INDEX follow_up_points_person ON follow_up_points (org_id, person_id, outcome, opens_on, closes_on, late_until, kind, programme_id);
CREATE INDEX follow_up_points_due ON follow_up_points (org_id, outcome, closes_on, id);
CREATE INDEX follow_up_points_overdue ON follow_up_points (org_id, outcome, late_until, id);
CREATE INDEX follow_up_points_programme ON follow_up_points (org_id, programme_id, closes_on, kind, outcome, late_until);
CREATE INDEX follow_up_points_period ON follow_up_points (org_id, closes_on, kind, outcome, late_until, programme_id);

-- +goose Down
DROP TABLE follow_up_points;
ALTER TABLE people DROP COLUMN closed_on;
ALTER TABLE person_programmes DROP COLUMN started_on;
DROP TABLE service_programmes;
