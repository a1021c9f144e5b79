-- +goose Up
-- Development charts (the career framework), per organisation and version.
-- data is the chart file exactly as loaded; sha256 identifies the version.
CREATE TABLE charts (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    chart_key   TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    published   TEXT    NOT NULL,
    item_count  INTEGER NOT NULL,
    data        TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    shipped     INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 0,
    imported_at INTEGER NOT NULL,
    imported_by INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX charts_org_sha ON charts (org_id, sha256);
CREATE INDEX charts_org ON charts (org_id, id);

-- +goose Down
DROP TABLE charts;
