-- +goose Up
-- Calendars (issue 20): each user's private iCalendar feed. The feed's
-- address holds a long random token; the database keeps its SHA-256 (to
-- find the feed) and the token sealed with the installation's key (to show
-- the address again on the settings page). A copy of the database alone
-- opens no feed. Resetting replaces the row, so the old address answers 404.
CREATE TABLE calendar_feeds (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id),
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    token_hash   TEXT    NOT NULL,
    token_sealed TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_hash ON calendar_feeds (token_hash);
CREATE INDEX calendar_feeds_org ON calendar_feeds (org_id, user_id);

-- +goose Down
DROP TABLE calendar_feeds;
