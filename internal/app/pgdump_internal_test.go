package app

import (
	"slices"
	"strings"
	"testing"
)

// TestPgDumpArgs: the password leaves the command line for PGPASSWORD,
// search_path becomes --schema, and pgx-only parameters are dropped.
func TestPgDumpArgs(t *testing.T) {
	args, env, err := pgDumpArgs("postgres://pp:s3cret@db.example.org:5432/peerpath?sslmode=require&search_path=rlc&pool_max_conns=10", "/b/x.dump")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(env, []string{"PGPASSWORD=s3cret"}) {
		t.Errorf("env %v", env)
	}
	want := []string{"--format=custom", "--file=/b/x.dump", "--schema=rlc", "--dbname=postgres://pp@db.example.org:5432/peerpath?sslmode=require"}
	if !slices.Equal(args, want) {
		t.Errorf("args\n got %q\nwant %q", args, want)
	}
	for _, a := range args {
		if strings.Contains(a, "s3cret") {
			t.Errorf("the password is on the command line: %s", a)
		}
	}
}
