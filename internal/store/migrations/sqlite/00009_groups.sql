-- +goose Up
-- Groups (issue 7): group programmes of an organisation (Hearing Voices, a
-- wellness planning class, dual recovery…), their facilitators and members,
-- sessions with attendance, and the link from each attending member's
-- contact to the session it came from. Every table carries org_id and every
-- listing index begins with it. The PostgreSQL migration of the same number
-- builds the same tables. (The table is peer_groups: GROUPS is a keyword.)

CREATE TABLE peer_groups (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organisations (id),
    name             TEXT    NOT NULL,
    -- Lower-cased, accent-folded name (made in Go): one group per name.
    name_key         TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    -- in_person (at place) or video (at video_link): the mode of its contacts.
    meets            TEXT    NOT NULL DEFAULT 'in_person',
    place            TEXT    NOT NULL DEFAULT '',
    video_link       TEXT    NOT NULL DEFAULT '',
    -- The schedule in plain words, and optionally the weekly slot it
    -- follows (ISO weekday 1 = Monday … 7 = Sunday, 0 = none; HH:MM).
    schedule         TEXT    NOT NULL DEFAULT '',
    weekday          INTEGER NOT NULL DEFAULT 0,
    start_time       TEXT    NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL DEFAULT 90,
    status           TEXT    NOT NULL DEFAULT 'active',
    created_at       INTEGER NOT NULL,
    created_by       INTEGER NOT NULL REFERENCES users (id),
    updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX peer_groups_org_name ON peer_groups (org_id, name_key);
CREATE INDEX peer_groups_org_status ON peer_groups (org_id, status, name_key, id);

-- Who runs each group: peer workers (or supervisors, administrators) of the
-- organisation; one or more.
CREATE TABLE group_facilitators (
    group_id INTEGER NOT NULL REFERENCES peer_groups (id),
    user_id  INTEGER NOT NULL REFERENCES users (id),
    org_id   INTEGER NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_facilitators_user ON group_facilitators (user_id, group_id);

-- Members: people supported by the organisation. Leaving keeps the row (with
-- left_on) so past attendance still names who was there.
CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES peer_groups (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    joined_on TEXT    NOT NULL,
    left_on   TEXT    NOT NULL DEFAULT '',
    added_by  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, person_id)
);
-- A person's groups, for their record; a group's current members, counted
-- on the index alone for the list of groups.
CREATE INDEX group_members_person ON group_members (org_id, person_id, group_id);
CREATE INDEX group_members_current ON group_members (group_id, left_on);

-- A session held, with its note about the group as a whole (never naming
-- members) and the drop-in guests, counted without names.
CREATE TABLE group_sessions (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organisations (id),
    group_id         INTEGER NOT NULL REFERENCES peer_groups (id),
    held_on          TEXT    NOT NULL,
    start_time       TEXT    NOT NULL,
    duration_minutes INTEGER NOT NULL,
    note             TEXT    NOT NULL DEFAULT '',
    guests           INTEGER NOT NULL DEFAULT 0,
    -- The attendance counts, kept in the same transaction as the marks so
    -- that a list of sessions needs no aggregate over them.
    present          INTEGER NOT NULL DEFAULT 0,
    late             INTEGER NOT NULL DEFAULT 0,
    excused          INTEGER NOT NULL DEFAULT 0,
    absent           INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    created_by       INTEGER NOT NULL REFERENCES users (id),
    updated_at       INTEGER NOT NULL,
    updated_by       INTEGER NOT NULL REFERENCES users (id)
);
-- One session per group, day and starting time: sending the form twice
-- does not record the session twice.
CREATE UNIQUE INDEX group_sessions_slot ON group_sessions (group_id, held_on, start_time);
CREATE INDEX group_sessions_group ON group_sessions (org_id, group_id, held_on, start_time, id);

-- Who facilitated each session: the hours a worker's development record counts.
CREATE TABLE group_session_facilitators (
    session_id INTEGER NOT NULL REFERENCES group_sessions (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX group_session_facilitators_user ON group_session_facilitators (org_id, user_id, session_id);

-- Attendance per member: present, late, excused or absent.
CREATE TABLE group_attendance (
    session_id INTEGER NOT NULL REFERENCES group_sessions (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    group_id   INTEGER NOT NULL REFERENCES peer_groups (id),
    status     TEXT    NOT NULL,
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX group_attendance_person ON group_attendance (org_id, person_id, session_id);

-- A member present or late gets a contact in their history. The contact
-- names its session, so correcting attendance finds it without guessing.
ALTER TABLE contacts ADD COLUMN group_session_id INTEGER REFERENCES group_sessions (id);
CREATE UNIQUE INDEX contacts_group_session ON contacts (group_session_id, person_id) WHERE group_session_id IS NOT NULL;

-- +goose Down
DROP INDEX contacts_group_session;
-- SQLite cannot drop a column that holds a foreign key: it stays, emptied.
-- The contacts themselves stay in people's histories.
UPDATE contacts SET group_session_id = NULL;
DROP TABLE group_attendance;
DROP TABLE group_session_facilitators;
DROP TABLE group_sessions;
DROP TABLE group_members;
DROP TABLE group_facilitators;
DROP TABLE peer_groups;
