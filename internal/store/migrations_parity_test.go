package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// The SQLite and PostgreSQL migration trees must describe one schema: the
// same files (by number and name), and, once applied, the same tables, the
// same columns and the same indexes. Types and the ways each database
// enforces a rule (triggers, check constraints) may differ.

// TestMigrationTreesMatch is the static half: the same file names, and in
// each file the same tables, indexes and added columns.
func TestMigrationTreesMatch(t *testing.T) {
	files := func(dialect string) []string {
		ents, err := os.ReadDir(filepath.Join("migrations", dialect))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}
	lite, pg := files("sqlite"), files("postgres")
	if !slices.Equal(lite, pg) {
		t.Fatalf("the migration trees hold different files:\n sqlite:   %v\n postgres: %v", lite, pg)
	}
	numbers := map[string]string{}
	for _, name := range lite {
		n, _, _ := strings.Cut(name, "_")
		if other, ok := numbers[n]; ok {
			t.Errorf("two migrations numbered %s: %s and %s", n, other, name)
		}
		numbers[n] = name
	}
	for _, name := range lite {
		a, b := declared(t, "sqlite", name), declared(t, "postgres", name)
		if !slices.Equal(a, b) {
			t.Errorf("%s declares different things:\n sqlite only:   %v\n postgres only: %v", name, minus(a, b), minus(b, a))
		}
	}
}

var (
	upSection   = regexp.MustCompile(`(?s)-- \+goose Up(.*?)(?:-- \+goose Down|$)`)
	createTable = regexp.MustCompile(`(?i)CREATE TABLE (?:IF NOT EXISTS )?(\w+)`)
	createIndex = regexp.MustCompile(`(?i)CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?(\w+)\s+ON\s+(\w+)`)
	addColumn   = regexp.MustCompile(`(?i)ALTER TABLE (\w+) ADD COLUMN (?:IF NOT EXISTS )?(\w+)`)
	dropThing   = regexp.MustCompile(`(?i)DROP (TABLE|INDEX) (?:IF EXISTS )?(\w+)`)
	sqlComment  = regexp.MustCompile(`--[^\n]*`)
)

// declared lists what the Up section of a migration creates.
func declared(t *testing.T, dialect, name string) []string {
	raw, err := os.ReadFile(filepath.Join("migrations", dialect, name))
	if err != nil {
		t.Fatal(err)
	}
	m := upSection.FindSubmatch(raw)
	if m == nil {
		t.Fatalf("%s/%s has no -- +goose Up section", dialect, name)
	}
	up := sqlComment.ReplaceAllString(string(m[1]), "")
	var out []string
	for _, c := range createTable.FindAllStringSubmatch(up, -1) {
		out = append(out, "table "+strings.ToLower(c[1]))
	}
	for _, c := range createIndex.FindAllStringSubmatch(up, -1) {
		out = append(out, "index "+strings.ToLower(c[1])+" on "+strings.ToLower(c[2]))
	}
	for _, c := range addColumn.FindAllStringSubmatch(up, -1) {
		out = append(out, "column "+strings.ToLower(c[1])+"."+strings.ToLower(c[2]))
	}
	for _, c := range dropThing.FindAllStringSubmatch(up, -1) {
		out = append(out, "drop "+strings.ToLower(c[1])+" "+strings.ToLower(c[2]))
	}
	sort.Strings(out)
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestMigratedSchemasMatch is the real half: both trees applied, the
// schemas read back from each database and compared. SQLite always runs;
// PostgreSQL when PEERPATH_TEST_POSTGRES is set (and then it is compared
// with a SQLite database migrated beside it).
func TestMigratedSchemasMatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parity.db")
	lite, err := store.Open(context.Background(), path, store.Options{Keys: testkit.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if _, err := lite.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	liteSchema := sqliteSchema(t, path)
	if len(liteSchema) < 50 {
		t.Fatalf("the SQLite schema looks empty: %v", liteSchema)
	}
	// What the migrations say must be in the database: every declared
	// table and index exists after migrating.
	ents, _ := os.ReadDir(filepath.Join("migrations", "sqlite"))
	dropped := map[string]bool{}
	for _, e := range ents {
		for _, d := range declared(t, "sqlite", e.Name()) {
			if strings.HasPrefix(d, "drop ") {
				dropped[strings.TrimPrefix(strings.TrimPrefix(d, "drop table "), "drop index ")] = true
			}
		}
	}
	for _, e := range ents {
		for _, d := range declared(t, "sqlite", e.Name()) {
			f := strings.Fields(d)
			if (f[0] == "table" || f[0] == "index") && !dropped[f[1]] && !slices.Contains(liteSchema, f[0]+" "+f[1]) {
				t.Errorf("%s declares %s, which the migrated SQLite database lacks", e.Name(), d)
			}
		}
	}
	if !testkit.Postgres() {
		t.Log("PostgreSQL not compared: set PEERPATH_TEST_POSTGRES")
		return
	}
	db := testkit.NewStore(t)
	pg, err := sql.Open("pgx", db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	pgSchema := postgresSchema(t, pg)
	if a, b := minus(liteSchema, pgSchema), minus(pgSchema, liteSchema); len(a) > 0 || len(b) > 0 {
		t.Fatalf("the migrated schemas differ:\n SQLite only:     %v\n PostgreSQL only: %v", a, b)
	}
}

// sqliteSchema lists "table t", "column t.c" and "index i" of a SQLite file.
func sqliteSchema(t *testing.T, path string) []string {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	tables := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name")
	for _, tb := range tables {
		out = append(out, "table "+tb)
		for _, c := range queryStrings(t, db, "SELECT name FROM pragma_table_info($1)", tb) {
			out = append(out, "column "+tb+"."+strings.ToLower(c))
		}
	}
	// Indexes made by CREATE INDEX (not those SQLite makes for PRIMARY KEY
	// and UNIQUE, which PostgreSQL names differently).
	for _, i := range queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") {
		out = append(out, "index "+strings.ToLower(i))
	}
	sort.Strings(out)
	return out
}

// postgresSchema lists the same of the test's PostgreSQL schema.
func postgresSchema(t *testing.T, db *sql.DB) []string {
	var out []string
	tables := queryStrings(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'")
	for _, tb := range tables {
		out = append(out, "table "+tb)
	}
	for _, c := range queryStrings(t, db, "SELECT c.table_name || '.' || c.column_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'goose_db_version'") {
		out = append(out, "column "+c)
	}
	// Indexes made by CREATE INDEX: not those behind PRIMARY KEY and UNIQUE
	// constraints.
	for _, i := range queryStrings(t, db, `SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename <> 'goose_db_version'
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname AND k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()))`) {
		out = append(out, "index "+i)
	}
	sort.Strings(out)
	return out
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
