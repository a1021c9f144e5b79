-- +goose Up
-- Moving in (issue 19): records brought in from a spreadsheet. Each import
-- is a batch (the file's name and SHA-256, what it did); each record it
-- created keeps the id it had in the file (the mapped source id column, or a
-- digest of the row when the file has none), unique per organisation and
-- kind, so running the same file again adds nothing twice.
CREATE TABLE import_batches (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    kind         TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    checksum     TEXT    NOT NULL,
    row_count    INTEGER NOT NULL,
    created      INTEGER NOT NULL,
    skipped      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX import_batches_org ON import_batches (org_id, id);

CREATE TABLE import_sources (
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    kind         TEXT    NOT NULL,
    source_id    TEXT    NOT NULL,
    record_id    INTEGER NOT NULL,
    batch_id     INTEGER NOT NULL REFERENCES import_batches (id)
);
CREATE UNIQUE INDEX import_sources_key ON import_sources (org_id, kind, source_id);

-- +goose Down
DROP TABLE import_sources;
DROP TABLE import_batches;
