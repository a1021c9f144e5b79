-- +goose Up
-- Learning (issue 9): the organisation's own glossary entries, review-game
-- boards and classroom games, each worker's flashcards with their FSRS state
-- and review log, and practice-quiz attempts. These records are about the
-- workers who learn, never about the people they support. The PostgreSQL
-- migration of the same number builds the same tables.

-- An organisation's own glossary entries. A row whose slug is a shipped
-- entry's overrides it (term <> '') and/or hides it (hidden = 1); any other
-- row is an entry the organisation added. related and aliases are JSON lists.
CREATE TABLE learning_terms (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    slug       TEXT    NOT NULL,
    term       TEXT    NOT NULL DEFAULT '',
    expansion  TEXT    NOT NULL DEFAULT '',
    definition TEXT    NOT NULL DEFAULT '',
    category   TEXT    NOT NULL DEFAULT '',
    clue       TEXT    NOT NULL DEFAULT '',
    related    TEXT    NOT NULL DEFAULT '[]',
    aliases    TEXT    NOT NULL DEFAULT '[]',
    hidden     INTEGER NOT NULL DEFAULT 0,
    updated_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX learning_terms_org_slug ON learning_terms (org_id, slug);

-- One counter per organisation, raised by every change to its glossary, so
-- every server process can tell cheaply whether its cached copy is current.
CREATE TABLE learning_glossary_rev (
    org_id INTEGER PRIMARY KEY REFERENCES organisations (id),
    rev    INTEGER NOT NULL
);

-- Trainers' boards: board is the JSON of a learning.Board.
CREATE TABLE learning_boards (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    title      TEXT    NOT NULL,
    board      TEXT    NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX learning_boards_org_title ON learning_boards (org_id, title, id);

-- Classroom games. state is the JSON of a learning.Game, which carries its
-- own copy of the board, so editing or deleting a board never changes a game.
-- code is the projector view's capability (at least 80 random bits); version
-- rises with every move, for the projector's polling and double-click guard.
CREATE TABLE learning_games (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    host_id    INTEGER NOT NULL REFERENCES users (id),
    board_ref  TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    code       TEXT    NOT NULL UNIQUE,
    state      TEXT    NOT NULL,
    phase      TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX learning_games_org_host ON learning_games (org_id, host_id, id);

-- Flashcards: from a glossary entry (slug) or the worker's own (slug = '').
-- front and back keep the text the card was made with, shown if its entry
-- later leaves the glossary. The scheduling columns are a learning.Card.
CREATE TABLE learning_cards (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    slug           TEXT    NOT NULL DEFAULT '',
    front          TEXT    NOT NULL,
    back           TEXT    NOT NULL,
    state          INTEGER NOT NULL DEFAULT 0,
    due_at         INTEGER NOT NULL,
    stability      REAL    NOT NULL DEFAULT 0,
    difficulty     REAL    NOT NULL DEFAULT 0,
    elapsed_days   INTEGER NOT NULL DEFAULT 0,
    scheduled_days INTEGER NOT NULL DEFAULT 0,
    reps           INTEGER NOT NULL DEFAULT 0,
    lapses         INTEGER NOT NULL DEFAULT 0,
    step           INTEGER NOT NULL DEFAULT 0,
    last_review_at INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX learning_cards_due ON learning_cards (org_id, user_id, due_at, id);
CREATE INDEX learning_cards_state ON learning_cards (org_id, user_id, state, due_at, id);
CREATE UNIQUE INDEX learning_cards_slug ON learning_cards (org_id, user_id, slug) WHERE slug <> '';

-- The review log. It outlives a deleted card (card_id becomes NULL) so a
-- worker's progress over time does not change when they tidy their cards.
CREATE TABLE learning_reviews (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    card_id        INTEGER REFERENCES learning_cards (id) ON DELETE SET NULL,
    rating         INTEGER NOT NULL,
    state_before   INTEGER NOT NULL,
    elapsed_days   INTEGER NOT NULL,
    scheduled_days INTEGER NOT NULL,
    stability      REAL    NOT NULL,
    difficulty     REAL    NOT NULL,
    reviewed_at    INTEGER NOT NULL
);
CREATE INDEX learning_reviews_user ON learning_reviews (org_id, user_id, reviewed_at);
CREATE INDEX learning_reviews_card ON learning_reviews (card_id);

-- Practice-quiz attempts: questions and answers are JSON; finished_at is 0
-- until the attempt is handed in.
CREATE TABLE learning_quiz_attempts (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    category    TEXT    NOT NULL DEFAULT '',
    questions   TEXT    NOT NULL,
    answers     TEXT    NOT NULL DEFAULT '[]',
    correct     INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX learning_quiz_user ON learning_quiz_attempts (org_id, user_id, id);

-- +goose Down
DROP TABLE learning_quiz_attempts;
DROP TABLE learning_reviews;
DROP TABLE learning_cards;
DROP TABLE learning_games;
DROP TABLE learning_boards;
DROP TABLE learning_glossary_rev;
DROP TABLE learning_terms;
