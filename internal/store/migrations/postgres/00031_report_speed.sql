-- +goose Up
-- Reports at state scale (issue 17): a one-year report for an organisation
-- in under a second on both databases.
--
-- contact_org_days counts the organisation's contacts per day, kind, mode
-- and format, split into 16 shards by worker (worker_id % 16; tens of
-- thousands of rows a year, where contact_days has one per person and
-- worker: about 136,000 a year for 2,500 people). It is kept in the same
-- transaction as contact_days (contact_days.go), and the organisation's
-- contact breakdowns and weekly chart read it, summing the shards. One row
-- per day for the whole organisation would make every contact saved that
-- day wait for the one before it on PostgreSQL (the row is locked until
-- commit): 32 workers saving at once went from 526 to 311 a second.
CREATE TABLE contact_org_days (
    org_id   BIGINT  NOT NULL REFERENCES organisations (id),
    day_on   TEXT    NOT NULL,
    week_on  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    mode     TEXT    NOT NULL,
    format   TEXT    NOT NULL,
    shard    INTEGER NOT NULL,
    contacts BIGINT  NOT NULL,
    minutes  BIGINT  NOT NULL,
    PRIMARY KEY (org_id, day_on, kind, mode, format, shard)
);
INSERT INTO contact_org_days (org_id, day_on, week_on, kind, mode, format, shard, contacts, minutes)
    SELECT org_id, day_on, week_on, kind, mode, format, worker_id % 16, SUM(contacts), SUM(minutes) FROM contact_days
    GROUP BY org_id, day_on, week_on, kind, mode, format, worker_id % 16;

-- A person's days carry their week, so the weeks with a contact of each
-- person (check-ins kept) are counted from the index alone, a seek per
-- person, instead of sorting the organisation's year of rows.
DROP INDEX contact_days_person;
CREATE INDEX contact_days_person ON contact_days (org_id, person_id, day_on, week_on);

-- The completion of a team's or a worker's follow-ups seeks each of their
-- people's points by closing day (the index by person has the outcome
-- second, so SQLite read the organisation's whole period instead, once
-- per person: 220 s for a team of 2,000 people).
CREATE INDEX follow_up_points_person_closing ON follow_up_points (org_id, person_id, closes_on, kind, outcome, late_until, programme_id);

-- +goose Down
DROP INDEX follow_up_points_person_closing;
DROP INDEX contact_days_person;
CREATE INDEX contact_days_person ON contact_days (org_id, person_id, day_on);
DROP TABLE contact_org_days;
