package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestUniqueViolationsByCode: a unique-constraint failure is recognised by
// the database's error code (PostgreSQL 23505, SQLite 2067 and 1555), on
// both databases, and never by the words of a message.
func TestUniqueViolationsByCode(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Codes")
	driver := "sqlite"
	if testkit.Postgres() {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_, unique := raw.Exec("UPDATE users SET email = $1 WHERE id = $2", tm.Admin.Email, tm.Peer.ID)
	_, primary := raw.Exec("INSERT INTO user_roles (user_id, role) VALUES ($1, 'peer')", tm.Peer.ID)
	_, notNull := raw.Exec("UPDATE users SET name = NULL WHERE id = $1", tm.Peer.ID)
	for name, c := range map[string]struct {
		err  error
		want bool
	}{
		"a UNIQUE column":             {unique, true},
		"a primary key":               {primary, true},
		"wrapped":                     {fmt.Errorf("saving: %w", unique), true},
		"a NOT NULL column":           {notNull, false},
		"SQLite's words, no code":     {errors.New("constraint failed: UNIQUE constraint failed: users.email (2067)"), false},
		"PostgreSQL's words, no code": {errors.New(`duplicate key value violates unique constraint "users_email_key" (SQLSTATE 23505)`), false},
		"nil":                         {nil, false},
	} {
		if got := store.IsUniqueViolation(c.err); got != c.want {
			t.Errorf("%s: %v gives %v", name, c.err, got)
		}
	}
	if unique == nil || primary == nil || notNull == nil {
		t.Fatalf("the database accepted what it should refuse: %v / %v / %v", unique, primary, notNull)
	}
}
