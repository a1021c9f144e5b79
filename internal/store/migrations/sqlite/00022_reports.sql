-- +goose Up
-- Outcomes and funder reports (issue 17). contact_days counts contacts per
-- day, worker, person, kind, mode and format, kept up to date in the same
-- transaction as every contact change (contact_days.go), so that a report
-- for a period reads a year of summary rows instead of the contacts
-- themselves. day_on is the contact's date in Massachusetts time.
CREATE TABLE contact_days (
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    day_on    TEXT    NOT NULL,
    -- The Monday of day_on's week: reports count weeks without date
    -- arithmetic in SQL, which the two databases do differently.
    week_on   TEXT    NOT NULL,
    worker_id INTEGER NOT NULL REFERENCES users (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    kind      TEXT    NOT NULL,
    mode      TEXT    NOT NULL,
    format    TEXT    NOT NULL,
    contacts  INTEGER NOT NULL,
    minutes   INTEGER NOT NULL,
    PRIMARY KEY (org_id, day_on, worker_id, person_id, kind, mode, format)
) WITHOUT ROWID; -- kept in key order, so a period's rows are read in sequence
CREATE INDEX contact_days_worker ON contact_days (org_id, worker_id, day_on);
CREATE INDEX contact_days_person ON contact_days (org_id, person_id, day_on);

-- When a person's support ended (0 while it has not): the people closed in
-- a period, with their reasons.
ALTER TABLE people ADD COLUMN closed_at INTEGER NOT NULL DEFAULT 0;
UPDATE people SET closed_at = updated_at WHERE status = 'closed';

-- +goose Down
ALTER TABLE people DROP COLUMN closed_at;
DROP TABLE contact_days;
