-- +goose Up
-- Possible duplicates and merged records (issue 15, security defect 5).
-- Adding a person never tells the worker that someone with the same name is
-- recorded; instead a flag is written here for a supervisor or an
-- administrator, who dismisses it ("not the same person") or merges the two
-- records. A merged record keeps its row, pointing at the record it was
-- merged into, so old audit entries still resolve and old links redirect.
-- The PostgreSQL migration of the same number builds the same tables.

ALTER TABLE people ADD COLUMN merged_into_id INTEGER REFERENCES people (id);
ALTER TABLE people ADD COLUMN merged_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE person_duplicate_flags (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    -- The record just added, and the one already recorded it may repeat.
    person_id       INTEGER NOT NULL REFERENCES people (id),
    other_person_id INTEGER NOT NULL REFERENCES people (id),
    flagged_at      INTEGER NOT NULL,
    flagged_by      INTEGER NOT NULL REFERENCES users (id),
    -- open, dismissed (not the same person) or merged.
    status          TEXT    NOT NULL DEFAULT 'open',
    resolved_at     INTEGER NOT NULL DEFAULT 0,
    resolved_by     INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX person_duplicate_flags_pair ON person_duplicate_flags (person_id, other_person_id);
CREATE INDEX person_duplicate_flags_org ON person_duplicate_flags (org_id, status, id);
CREATE INDEX person_duplicate_flags_other ON person_duplicate_flags (other_person_id);

-- +goose Down
DROP TABLE person_duplicate_flags;
ALTER TABLE people DROP COLUMN merged_at;
ALTER TABLE people DROP COLUMN merged_into_id;
