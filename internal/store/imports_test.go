package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"peerpath/internal/core"
	"peerpath/internal/spreadsheet"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// readSheet reads a file as the command and the admin page do.
func readSheet(t *testing.T, name, data string) spreadsheet.Table {
	t.Helper()
	tb, err := spreadsheet.Read(name, []byte(data))
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return tb
}

func peopleCSV(tm testkit.Team) string {
	return "\xEF\xBB\xBFId,Name,Date of birth,Phone,Okay to contact,Programmes,Worker email,Supported since\n" +
		"P-1,Maria Lopez,6/30/1984,617-555-0142,phone_call; text,Peer support,pat@riverbend.test,2026-11-01\n" +
		"P-2,José Ortiz,,,,,\"pat@riverbend.test; olu@riverbend.test\",\n" +
		"P-3,Ana Silva,1990-02-03,,,Wellness,OLU@riverbend.test,\n"
}

func problemsOf(rep store.ImportReport) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		fmt.Fprintf(&b, "line %d, %s: %s\n", p.Line, p.Column, p.Message)
	}
	return b.String()
}

func TestImportPeopleContactsGoalsAndResources(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Riverbend")
	admin := testkit.Actor(tm.Admin)
	raw := db.Raw(t)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := raw.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := db.ImportRecords(ctx, testkit.Actor(tm.Supervisor), store.ImportInput{Kind: store.ImportPeople, Table: readSheet(t, "people.csv", peopleCSV(tm))}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a supervisor imports: %v", err)
	}

	// A dry run checks and previews everything and saves nothing.
	people := readSheet(t, "people.csv", peopleCSV(tm))
	var calls []int
	rep, err := db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportPeople, Table: people, DryRun: true, Progress: func(done, total int) { calls = append(calls, done, total) }})
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, problemsOf(rep))
	}
	if rep.Created != 3 || rep.BatchID != 0 || len(rep.Preview) != 3 || count("SELECT COUNT(*) FROM people WHERE org_id = $1", tm.Org.ID) != 0 {
		t.Fatalf("dry run saved or did not preview: %+v", rep)
	}
	if fmt.Sprint(calls[len(calls)-2:]) != "[3 3]" {
		t.Errorf("progress ends at %v, want 3 of 3 (a dry run only checks)", calls)
	}
	first := fmt.Sprint(rep.Preview[0].Values)
	for _, want := range []string{"{Date of birth 1984-06-30}", "{Okay to contact by phone_call, text}", "{First check-in due 2026-11-08}", "{Workers pat@riverbend.test}"} {
		if !strings.Contains(first, want) {
			t.Errorf("preview of line 2 lacks %s: %s", want, first)
		}
	}

	rep, err = db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportPeople, Table: people})
	if err != nil || rep.Created != 3 || rep.BatchID == 0 {
		t.Fatalf("import: %+v %v\n%s", rep, err, problemsOf(rep))
	}
	l, err := db.ListPeople(ctx, admin, store.PeopleFilter{Query: "jose"}, store.Page{})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("an imported name is found by its search key: %+v %v", l.Items, err)
	}
	jose := l.Items[0]
	if len(jose.Workers) != 2 || jose.CheckInDueOn != core.Today(db.Clock.Now().AddDate(0, 0, 7)) || jose.Status != store.StatusActive {
		t.Errorf("imported person is not what the form writes: %+v", jose)
	}
	// Per-record entries say imported; the batch entry holds the checksum.
	if n := count("SELECT COUNT(*) FROM audit_log WHERE org_id = $1 AND record_type = 'person' AND action = 'create' AND detail = $2", tm.Org.ID, fmt.Sprintf("imported: batch %d", rep.BatchID)); n != 3 {
		t.Errorf("%d person entries marked imported, want 3", n)
	}
	if n := count("SELECT COUNT(*) FROM audit_log WHERE org_id = $1 AND record_type = 'import_batch' AND record_id = $2 AND detail LIKE $3",
		tm.Org.ID, fmt.Sprint(rep.BatchID), "people; sha256 "+people.Checksum+"; 3 rows: 3 created, 0 skipped"); n != 1 {
		t.Errorf("no batch entry with the checksum")
	}

	// Running it again adds nothing: every row is skipped.
	rep, err = db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportPeople, Table: people})
	if err != nil || rep.Created != 0 || rep.Skipped != 3 || !rep.Preview[0].Skip || count("SELECT COUNT(*) FROM people WHERE org_id = $1", tm.Org.ID) != 3 {
		t.Fatalf("second run: %+v %v", rep, err)
	}

	// Contacts name people by the people file's ids or peerpath's; an xlsx
	// file, mapped by hand.
	x := excelize.NewFile()
	rows := [][]any{
		{"Ref", "Who", "peerpath", "Date", "Minutes", "How", "Note"},
		{"C-1", "P-1", "", "2026-11-20 14:30", "45", "Phone", "Talked about housing"},
		{"C-2", "", fmt.Sprint(jose.ID), "11/21/2026", "", "in person", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	contacts := readSheet(t, "contacts.xlsx", buf.String())
	mapping := map[string]string{"Ref": "source_id", "Who": "person_source_id", "peerpath": "person_id"}
	rep, err = db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportContacts, Table: contacts, Mapping: mapping})
	if err != nil || rep.Created != 2 {
		t.Fatalf("contacts: %+v %v\n%s", rep, err, problemsOf(rep))
	}
	maria, _ := db.ListPeople(ctx, admin, store.PeopleFilter{Query: "maria"}, store.Page{})
	m := maria.Items[0]
	if !m.LastContactAt.Equal(mustSheetTime(t, "2026-11-20 14:30")) || m.CheckInDueOn != "2026-11-27" {
		t.Errorf("a contact's import does not move the check-in on: last %v due %s", m.LastContactAt, m.CheckInDueOn)
	}
	if rep, err = db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportContacts, Table: contacts, Mapping: mapping}); err != nil || rep.Skipped != 2 {
		t.Errorf("second contacts run: %+v %v", rep, err)
	}

	// Goals without an id column: each row's digest is its id.
	goals := readSheet(t, "goals.csv", "Person,Goal,Life area,Target date\nP-1,Find a room of my own,Home,2027-03-01\nP-3,Walk every morning,health,\n")
	rep, err = db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportGoals, Table: goals, Mapping: map[string]string{"Person": "person_source_id"}})
	if err != nil || rep.Created != 2 {
		t.Fatalf("goals: %+v %v\n%s", rep, err, problemsOf(rep))
	}
	if n := count("SELECT COUNT(*) FROM goal_cycles WHERE org_id = $1 AND reviewed_at = 0", tm.Org.ID); n != 2 {
		t.Errorf("%d open cycles, want one per person", n)
	}
	if rep, _ = db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportGoals, Table: goals, Mapping: map[string]string{"Person": "person_source_id"}}); rep.Skipped != 2 {
		t.Errorf("goals again: %+v", rep)
	}

	// A cell an export protected from running as a formula comes back as it was.
	res := readSheet(t, "resources.csv", "name,kind,website,verified_on,hours\nRiverbend RLC,rlc,https://rlc.example.org,11/02/2026,'-closed Sundays-\n")
	if rep, err = db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportResources, Table: res}); err != nil || rep.Created != 1 {
		t.Fatalf("resources: %+v %v\n%s", rep, err, problemsOf(rep))
	}
	if n := count("SELECT COUNT(*) FROM resources WHERE org_id = $1 AND verified_on = '2026-11-02' AND name_key = 'riverbend rlc' AND hours = '-closed Sundays-'", tm.Org.ID); n != 1 {
		t.Error("the resource is not saved as the form saves it")
	}
	if n := count("SELECT COUNT(*) FROM import_batches WHERE org_id = $1", tm.Org.ID); n != 7 {
		t.Errorf("%d batches, want one per import that saved (7)", n)
	}
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit chain after imports: %v", err)
	}
}

func mustSheetTime(t *testing.T, v string) time.Time {
	t.Helper()
	at, ok := core.SheetDateTime(v)
	if !ok {
		t.Fatalf("%q does not read", v)
	}
	return at
}

func TestImportRefusesBadFilesLineByLine(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Riverbend")
	admin := testkit.Actor(tm.Admin)
	cases := map[string]struct {
		kind, file string
		mapping    map[string]string
		want       string
	}{
		"missing required column": {store.ImportPeople, "Id,Name\nP-1,Maria\n", nil,
			"line 1, Workers' emails: The file has no column for workers' emails (worker_emails). Add the column, or choose which column holds it.\n"},
		"date in an unknown format": {store.ImportPeople, "Id,Name,Date of birth,Worker email\nP-1,Maria,30.06.1984,pat@riverbend.test\nP-2,Ana,,pat@riverbend.test\nP-3,Bo,1984-13-01,pat@riverbend.test\n", nil,
			"line 2, Date of birth: \"30.06.1984\" is not a date peerpath can read. Write it as 2026-11-23 or 11/23/2026.\n" +
				"line 4, Date of birth: \"1984-13-01\" is not a date peerpath can read. Write it as 2026-11-23 or 11/23/2026.\n"},
		"duplicate rows": {store.ImportGoals, "person_source_id,text,life_area\nP-1,Walk,health\nP-1,Walk,health\n", nil,
			"line 2, person_source_id: No person was imported with the id \"P-1\". Import the people file first.\n" +
				"line 3, : This row is the same as line 2. Remove one of them.\n" +
				"line 3, person_source_id: No person was imported with the id \"P-1\". Import the people file first.\n"},
		"duplicate ids": {store.ImportPeople, "Id,Name,Worker email\nP-1,Maria,pat@riverbend.test\nP-1,Ana,pat@riverbend.test\n", nil,
			"line 3, Id: The id \"P-1\" is also on line 2. Each row needs its own id.\n"},
		"unknown worker and bad values": {store.ImportPeople, "Id,Name,Worker email,Check in every (days),Email\nP-1,,nobody@riverbend.test,often,x@\n", nil,
			"line 2, Check in every (days): Enter a number of days from 1 to 90.\n" +
				"line 2, Email: Enter an email address such as name@example.org, or leave it empty.\n" +
				"line 2, Name: Enter the name the person likes to be called.\n" +
				"line 2, Worker email: No active peer worker, supervisor or administrator here has the email \"nobody@riverbend.test\".\n"},
		"a map naming no column": {store.ImportResources, "name,kind\nA,rlc\n", map[string]string{"Nmae": "name"},
			"line 1, Nmae: The file has no column with this name. Its columns are: name, kind.\n"},
		"contact time unreadable": {store.ImportContacts, "person_id,occurred_at\n1,yesterday\n", nil,
			"line 2, occurred_at: \"yesterday\" is not a date and time peerpath can read. Write it as 2026-11-23 14:30 or 11/23/2026 2:30 PM.\n" +
				"line 2, person_id: There is no person with the peerpath id \"1\" here.\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			rep, err := db.ImportRecords(ctx, admin, store.ImportInput{Kind: c.kind, Table: readSheet(t, "f.csv", c.file), Mapping: c.mapping})
			if core.KindOf(err) != core.KindInvalid {
				t.Fatalf("want invalid, got %v", err)
			}
			if got := problemsOf(rep); got != c.want {
				t.Errorf("problems:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
	var n int
	if err := db.Raw(t).QueryRow("SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM import_batches) + (SELECT COUNT(*) FROM resources)").Scan(&n); err != nil || n != 0 {
		t.Errorf("bad files saved %d rows (%v)", n, err)
	}

	// Text that is not UTF-8 is refused by line before anything is mapped.
	_, err := spreadsheet.Read("latin1.csv", []byte("Id,Name\nP-1,Jos\xe9\nP-2,Ana\nP-3,Ren\xe9e\n"))
	var probs spreadsheet.Problems
	if !errors.As(err, &probs) || len(probs) != 2 || probs[0].Line != 2 || probs[1].Line != 4 {
		t.Errorf("latin-1 file: %v", err)
	}
	if _, err := spreadsheet.Read("utf16.csv", []byte("\xFF\xFEI\x00d\x00")); !errors.As(err, &probs) || probs[0].Line != 1 {
		t.Errorf("utf-16 file: %v", err)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Riverbend")
	admin := testkit.Actor(tm.Admin)
	in := store.ImportInput{Kind: store.ImportPeople, Table: readSheet(t, "people.csv", peopleCSV(tm))}
	store.FailImportAfterSaving(&in, errors.New("the disk is full"))
	if _, err := db.ImportRecords(ctx, admin, in); err == nil || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("want the failure, got %v", err)
	}
	var n int
	if err := db.Raw(t).QueryRow("SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM import_batches) + (SELECT COUNT(*) FROM import_sources) + (SELECT COUNT(*) FROM person_workers)").Scan(&n); err != nil || n != 0 {
		t.Errorf("a failed import left %d rows (%v)", n, err)
	}
	// A file whose last row is wrong saves none of the others.
	bad := readSheet(t, "people.csv", peopleCSV(tm)+"P-4,Bo,,,,,nobody@riverbend.test,\n")
	rep, err := db.ImportRecords(ctx, admin, store.ImportInput{Kind: store.ImportPeople, Table: bad})
	if core.KindOf(err) != core.KindInvalid || len(rep.Problems) != 1 || rep.Problems[0].Line != 5 || rep.Created != 0 {
		t.Fatalf("last row wrong: %+v %v", rep, err)
	}
	if err := db.Raw(t).QueryRow("SELECT COUNT(*) FROM people").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d people saved from a file with a wrong row", n)
	}
}
