-- +goose Up
-- Uploaded files (signed consent forms, training certificates). Kept in the
-- database so a backup holds them with the records they belong to. The
-- feature that owns a document checks access before handing it out.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    kind         TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX documents_org ON documents (org_id, id);

-- +goose Down
DROP TABLE documents;
