package web_test

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/demo"
	"peerpath/internal/language"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// foreignRecords says, for each wildcard of a route pattern, how to pick a
// real record of the other organisation for it. The key is the pattern's
// literal segments before the wildcard (without /api/v1): the wildcard of
// /cohorts/{id}/participants/{pid}/exams/{eid} are "cohorts",
// "cohorts/participants" and "cohorts/participants/exams". $1 is the other
// organisation; $2, where used, is the value picked for the wildcard before,
// so a nested record belongs to its parent when the demo has one.
//
// A new route whose wildcard is not here fails TestNoRouteReachesAnother
// OrganisationsRecords with the key to add.
var foreignRecords = map[string]string{
	"people":                             `SELECT p.id FROM people p WHERE p.org_id = $1 ORDER BY (SELECT count(*) FROM plan_versions v WHERE v.person_id = p.id) DESC, p.id LIMIT 1`,
	"people/safety-plan/versions":        `SELECT version FROM plan_versions WHERE org_id = $1 AND kind = 'safety_plan' ORDER BY person_id = $2 DESC, version DESC LIMIT 1`,
	"people/wellness-plan/versions":      `SELECT version FROM plan_versions WHERE org_id = $1 AND kind = 'wellness_plan' ORDER BY person_id = $2 DESC, version DESC LIMIT 1`,
	"people/crisis-preferences/versions": `SELECT version FROM plan_versions WHERE org_id = $1 AND kind = 'crisis_preferences' ORDER BY person_id = $2 DESC, version DESC LIMIT 1`,
	"contacts":                           `SELECT id FROM contacts WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"goals":                              `SELECT id FROM goals WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"cycles":                             `SELECT id FROM goal_cycles WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"referrals":                          `SELECT id FROM referrals WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"resources":                          `SELECT id FROM resources WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"consents":                           `SELECT id FROM consents WHERE org_id = $1 ORDER BY document_id IS NULL, id LIMIT 1`,
	"people/consents":                    `SELECT id FROM consents WHERE org_id = $1 AND withdrawn_on = '' ORDER BY person_id = $2 DESC, kind = 'part2' DESC, id DESC LIMIT 1`,
	"disclosures":                        `SELECT id FROM disclosures WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"portal/goals":                       `SELECT id FROM goals WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"portal/consents":                    `SELECT id FROM consents WHERE org_id = $1 AND withdrawn_on = '' ORDER BY id LIMIT 1`,
	"me/consents":                        `SELECT id FROM consents WHERE org_id = $1 AND withdrawn_on = '' ORDER BY id LIMIT 1`,
	"people/corrections":                 `SELECT id FROM correction_requests WHERE org_id = $1 ORDER BY person_id = $2 DESC, id LIMIT 1`,
	"drafts":                             `SELECT d.id FROM drafts d JOIN users u ON u.id = d.user_id WHERE u.org_id = $1 ORDER BY d.id LIMIT 1`,
	"groups":                             `SELECT g.id FROM peer_groups g WHERE g.org_id = $1 ORDER BY (SELECT count(*) FROM group_sessions s WHERE s.group_id = g.id) DESC, g.id LIMIT 1`,
	"groups/members":                     `SELECT person_id FROM group_members WHERE org_id = $1 ORDER BY group_id = $2 DESC, person_id LIMIT 1`,
	"groups/sessions":                    `SELECT id FROM group_sessions WHERE org_id = $1 ORDER BY group_id = $2 DESC, id LIMIT 1`,
	"cohorts":                            `SELECT c.id FROM cohorts c WHERE c.org_id = $1 ORDER BY (SELECT count(*) FROM exam_attempts e WHERE e.cohort_id = c.id) DESC, c.id LIMIT 1`,
	"cohorts/participants":               `SELECT x.id FROM participants x WHERE x.org_id = $1 ORDER BY x.cohort_id = $2 DESC, (SELECT count(*) FROM exam_attempts e WHERE e.participant_id = x.id) DESC, x.id LIMIT 1`,
	"cohorts/participants/exams":         `SELECT id FROM exam_attempts WHERE org_id = $1 ORDER BY participant_id = $2 DESC, id LIMIT 1`,
	"cohorts/sessions":                   `SELECT id FROM cohort_sessions WHERE org_id = $1 ORDER BY cohort_id = $2 DESC, id LIMIT 1`,
	"my/courses":                         `SELECT participant_id FROM certificates WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"workers":                            `SELECT u.id FROM users u WHERE u.org_id = $1 ORDER BY (SELECT count(*) FROM training_completions c WHERE c.user_id = u.id) + (SELECT count(*) FROM credentials c WHERE c.user_id = u.id) DESC, u.id LIMIT 1`,
	"workers/credentials":                `SELECT id FROM credentials WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"workers/trainings":                  `SELECT id FROM training_completions WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"workers/plan":                       `SELECT id FROM development_notes WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"workers/prerequisites":              `SELECT id FROM prerequisite_records WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"workers/roles":                      `SELECT id FROM worker_roles WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"workers/signoff-requests":           `SELECT id FROM signoff_requests WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"workers/signoffs":                   `SELECT id FROM competency_signoffs WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"workers/waivers":                    `SELECT id FROM waivers WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"workers/consultations":              `SELECT id FROM ethics_consultations WHERE org_id = $1 ORDER BY user_id = $2 DESC, id LIMIT 1`,
	"host-companies":                     `SELECT id FROM host_companies WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"admin/users":                        `SELECT id FROM users WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"admin/users/tokens":                 `SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.org_id = $1 ORDER BY t.user_id = $2 DESC, t.id LIMIT 1`,
	"settings/tokens":                    `SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.org_id = $1 ORDER BY t.id LIMIT 1`,
	"tokens":                             `SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.org_id = $1 ORDER BY t.id LIMIT 1`,
	"admin/frameworks":                   `SELECT id FROM charts WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"frameworks":                         `SELECT id FROM charts WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"admin/wording":                      `SELECT entry_id FROM wording_entries WHERE org_id = $1 ORDER BY entry_id LIMIT 1`,
	"learning/boards":                    `SELECT id FROM learning_boards WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"boards":                             `SELECT id FROM learning_boards WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"learning/play":                      `SELECT id FROM learning_boards WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"learning/cards":                     `SELECT id FROM learning_cards WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"learning/games":                     `SELECT id FROM learning_games WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"learning/quiz":                      `SELECT id FROM learning_quiz_attempts WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"learning/glossary":                  `SELECT slug FROM learning_terms WHERE org_id = $1 AND term <> '' ORDER BY id LIMIT 1`,
	"learning/terms":                     `SELECT slug FROM learning_terms WHERE org_id = $1 AND term <> '' ORDER BY id LIMIT 1`,
	"glossary":                           `SELECT slug FROM learning_terms WHERE org_id = $1 AND term <> '' ORDER BY id LIMIT 1`,
	"play":                               `SELECT code FROM learning_games WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"verify":                             `SELECT code FROM certificates WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"certificates":                       `SELECT code FROM certificates WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"credentials/issuers":                `SELECT id FROM organisations WHERE id = $1`,
	"credentials/status":                 `SELECT id FROM organisations WHERE id = $1`,
	"team/duplicates":                    `SELECT id FROM person_duplicate_flags WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"duplicates":                         `SELECT id FROM person_duplicate_flags WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"supports":                           `SELECT id FROM natural_supports WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"rights-concerns":                    `SELECT id FROM rights_concerns WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"medication-questions":               `SELECT id FROM medication_questions WHERE org_id = $1 ORDER BY id LIMIT 1`,
	"admin/follow-ups":                   `SELECT id FROM service_programmes WHERE org_id = $1 ORDER BY schedule = '', id LIMIT 1`,
	"service-programmes":                 `SELECT id FROM service_programmes WHERE org_id = $1 ORDER BY schedule = '', id LIMIT 1`,
}

// patternKeys give a pattern's wildcard its own key where two kinds of
// record share a path: /programmes/{key} is a course programme's kind (in
// notRecords), /api/v1/programmes/{id} a service programme's id (a record).
var patternKeys = map[string]string{
	"/api/v1/programmes/{id}/follow-up-schedule": "service-programmes",
}

// notRecords are wildcards that name no record of an organisation: names
// every organisation resolves in its own data, so another organisation's
// value cannot be told from one's own.
var notRecords = map[string]string{
	"static":                     "the hash of the program's own files",
	"programmes":                 "a programme kind (cps, ican …); each organisation has its own programme of each kind",
	"framework/items":            "an item key of the chart in use; each organisation resolves it in its own chart",
	"framework-choices":          "an item key of the chart in use, as framework/items",
	"people/stages-of-change":    "a life area (health, home, purpose, community), the same words in every organisation",
	"admin/recovery/instruments": "the key of an instrument peerpath ships (barc10), shown to any administrator",
	"admin/import":               "an uploaded file's random key, held in the server's memory for the administrator who sent it (TestImportPage: another organisation's administrator gets 404)",
	"admin/import/samples":       "a kind of record (people, contacts, goals, resources), the same words in every organisation",
	"calendar":                   "a private feed's token file (cal_….ics): the database keeps only its hash, the token itself is the credential (TestCalendarFeed: unknown and reset tokens give 404)",
}

// foreignAnswers are routes that rightly answer another organisation's
// record, each with the reason. An entry that is not needed any more fails
// the test, so the list stays short.
var foreignAnswers = map[string]string{
	"GET /verify/{code}":                             "public certificate verification: anyone holding a certificate's code may check it",
	"GET /api/v1/certificates/{code}":                "public certificate verification, as JSON",
	"GET /api/v1/certificates/{code}/credential":     "a certificate's Open Badges credential, public like verification: whoever holds the code holds the certificate",
	"GET /api/v1/certificates/{code}/credential.jwt": "the same credential as a JWT",
	"GET /credentials/issuers/{org}":                 "an organisation's public issuer profile and key, which every verifier of its credentials reads",
	"GET /credentials/status/{org}":                  "an organisation's public revocation list, which every verifier of its credentials reads",
	"GET /play/{code}":                               "joining a classroom game by the code shown in the room: no sign-in, and no records about people",
	"POST /play/{code}":                              "answering in a classroom game by its code, as above",
	"GET /play/{code}/board":                         "the projector view of a classroom game by its code, as above",
}

// fillForeign puts the other organisation's real records into a pattern's
// wildcards. It says which key is missing when it cannot.
func fillForeign(t *testing.T, raw *sql.DB, orgID int64, pattern string) (path string, record bool, err error) {
	segs := strings.Split(pattern, "/")
	var lits []string
	var parent any = int64(0)
	for i, seg := range segs {
		if !strings.HasPrefix(seg, "{") {
			if seg != "" && !(i <= 2 && (seg == "api" || seg == "v1")) {
				lits = append(lits, seg)
			}
			continue
		}
		if seg == "{$}" {
			segs[i] = ""
			continue
		}
		key := strings.Join(lits, "/")
		if k, ok := patternKeys[pattern]; ok {
			key = k
		}
		if _, ok := notRecords[key]; ok {
			return concrete(pattern), false, nil
		}
		q, ok := foreignRecords[key]
		if !ok {
			return "", false, fmt.Errorf("no way to pick another organisation's record for %q: add it to foreignRecords (or notRecords, with the reason)", key)
		}
		args := []any{orgID}
		if strings.Contains(q, "$2") {
			args = append(args, parent)
		}
		var v string
		if err := raw.QueryRowContext(t.Context(), q, args...).Scan(&v); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return "", false, fmt.Errorf("the other organisation has no record for %q: make the demo (or this test) create one", key)
			}
			t.Fatalf("%s: %v", key, err)
		}
		segs[i] = url.PathEscape(v)
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			parent = n
		} else {
			parent = v
		}
	}
	return strings.Join(segs, "/"), true, nil
}

// TestNoRouteReachesAnotherOrganisationsRecords is the deny-by-default sweep
// with real records: the demo organisation is loaded beside a team, so the
// other organisation has a record of every kind (people, contacts, goals,
// referrals, plans, consents, groups and their sessions, cohorts,
// participants, exams, certificates, workers' trainings, credentials and
// sign-offs, boards, cards, tokens, …). Every route pattern gets that
// organisation's real ids in its wildcards, and every role of the team,
// signed in or with a token, must get 404 or 403 — or, for a request body
// refused as malformed or invalid (400, 422), exactly the answer an id that
// exists nowhere gets, so the answer says nothing about the record.
func TestNoRouteReachesAnotherOrganisationsRecords(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Sweep")
	other, err := demo.Load(t.Context(), app.Store)
	if err != nil {
		t.Fatal(err)
	}
	raw := app.Raw(t)
	// What the demo does not make: a draft kept from an expired session, and
	// an entry of the organisation's own word list.
	if err := app.SaveDraft(t.Context(), other.Users["peer"].ID, "/people/new", url.Values{"preferred_name": {"Kept"}}); err != nil {
		t.Fatal(err)
	}
	if err := app.SaveWordingEntry(t.Context(), testkit.Actor(other.Users["admin"]), language.Entry{ID: "riverbend-only", Match: []string{"drop-in regular"},
		Why: "It can sound like a label.", Suggestions: []string{"someone who often drops in"}, Category: language.CategoryLabelling}); err != nil {
		t.Fatal(err)
	}
	// A person in their own portal is swept too (issue 18).
	me := testkit.Must[store.Person](t)(app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Sweep Person"}))
	users := []store.User{tm.Admin, tm.Supervisor, tm.Peer, tm.Trainer, app.NewPortalUser(t, testkit.Actor(tm.Peer), me.ID)}
	pages := map[int64]*testkit.Client{}
	apis := map[int64]*testkit.Client{}
	for _, u := range users {
		pages[u.ID], apis[u.ID] = app.SessionClient(t, u), app.APIClient(t, u)
	}
	anon := app.Client(t)
	checked := 0
	for _, r := range app.Server.RouteList() {
		if !strings.Contains(r.Pattern, "{") || r.Pattern == "/{$}" || strings.HasSuffix(r.Pattern, "/logout") {
			continue
		}
		route := r.Method + " " + r.Pattern
		path, record, err := fillForeign(t, raw, other.Org.ID, r.Pattern)
		if err != nil {
			t.Errorf("%s: %v", route, err)
			continue
		}
		if !record {
			continue // a name every organisation resolves in its own data
		}
		missing := concrete(r.Pattern)
		send := func(c *testkit.Client, p string) testkit.Response {
			switch {
			case r.Method == http.MethodGet:
				return c.Get(p)
			case r.API:
				return c.Send(r.Method, p, map[string]any{})
			default:
				return c.PostForm(p, url.Values{})
			}
		}
		clients := []*testkit.Client{}
		if r.Perm == auth.PermPublic {
			clients = append(clients, anon)
		} else {
			for _, u := range users {
				if r.API {
					clients = append(clients, apis[u.ID])
				} else {
					clients = append(clients, pages[u.ID])
				}
			}
		}
		reason, listed := foreignAnswers[route]
		answered := false
		for i, c := range clients {
			who := "anonymous"
			if r.Perm != auth.PermPublic {
				who = "portal"
				if len(users[i].Roles) > 0 {
					who = string(users[i].Roles[0])
				}
			}
			res := send(c, path)
			checked++
			if res.Status == http.StatusNotFound || res.Status == http.StatusForbidden {
				continue
			}
			answered = true
			if listed {
				continue
			}
			// Refusing the body before looking at the record (400, 422), or
			// redirecting without looking at it, is fine when an id that
			// exists nowhere gets the very same answer.
			if res.Status/100 == 3 || res.Status == http.StatusBadRequest || res.Status == http.StatusUnprocessableEntity {
				base := send(c, missing)
				same := base.Status == res.Status && digits.ReplaceAllString(base.Location(), "N") == digits.ReplaceAllString(res.Location(), "N")
				if r.API {
					same = same && base.Body == res.Body
				}
				if same {
					continue
				}
			}
			t.Errorf("%s as %s of another organisation: %s %s answered %d (want 404 or 403)\n%s", route, who, r.Method, path, res.Status, clip(testkit.Text(res.Body)))
		}
		if listed && !answered {
			t.Errorf("%s is listed in foreignAnswers (%s) but answered 404 or 403: remove it from the list", route, reason)
		}
	}
	checked += foreignIDsInBodies(t, app, raw, other.Org.ID, users, apis)
	t.Logf("%d requests with another organisation's records", checked)
}

// foreignIDsInBodies sends the API requests that name records in their
// body (or query) with the other organisation's ids there: each must get
// exactly the answer an id that exists nowhere gets.
func foreignIDsInBodies(t *testing.T, app *testkit.App, raw *sql.DB, orgID int64, users []store.User, apis map[int64]*testkit.Client) int {
	pick := func(key string) string {
		var v string
		if err := raw.QueryRowContext(t.Context(), strings.ReplaceAll(foreignRecords[key], "$2", "0"), orgID).Scan(&v); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return v
	}
	person, worker, card, user := pick("people"), pick("workers"), pick("learning/cards"), pick("admin/users")
	programme := pick("service-programmes")
	ownPeer := id(users[2].ID)
	own, err := app.CreatePerson(t.Context(), testkit.Actor(users[2]), store.PersonInput{PreferredName: "Sweep Person"})
	if err != nil {
		t.Fatal(err)
	}
	ownPerson, consent := id(own.ID), pick("people/consents")
	cases := []struct {
		method, path, body string // %s is the id
		foreign            string
	}{
		{"POST", "/api/v1/referrals", `{"person_id": "%s", "resource_name": "Food pantry"}`, person},
		{"POST", "/api/v1/people", `{"preferred_name": "Robin Example %s", "assigned_worker_ids": ["%[1]s"]}`, worker},
		{"POST", "/api/v1/groups", `{"name": "Tuesday group", "kind": "other", "schedule": "Tuesdays", "place": "Room 2", "facilitator_ids": ["%s"]}`, worker},
		{"POST", "/api/v1/cohorts", `{"programme": "cps", "name": "Spring", "starts_on": "2027-03-01", "ends_on": "2027-05-01", "capacity": 10, "trainer_ids": ["%s"]}`, worker},
		{"POST", "/api/v1/workers/" + ownPeer + "/hand-over", `{"to": "%s"}`, worker},
		{"POST", "/api/v1/reviews", `{"card_id": "%s", "rating": "good"}`, card},
		{"GET", "/api/v1/tokens?user_id=%s", "", user},
		{"GET", "/api/v1/reports/activity?scope=programme:%s", "", programme},
		{"POST", "/api/v1/people/" + ownPerson + "/disclosures", `{"recipient": "Clinic", "purpose": "Care", "information": "Dates", "consent_id": "%s"}`, consent},
		{"POST", "/api/v1/people/" + ownPerson + "/consents", `{"kind": "part2", "discloser": "Us", "information": "Dates", "recipient": "Clinic", "purpose": "Care", "expires_on": "2027-12-31", "signed_on": "2026-11-20", "signature": {"method": "typed", "name": "S P"}, "replaces": "%s"}`, consent},
	}
	n := 0
	for _, c := range cases {
		for _, u := range users {
			cl := apis[u.ID]
			do := func(v string) testkit.Response {
				if c.method == http.MethodGet {
					return cl.Get(fmt.Sprintf(c.path, v))
				}
				return cl.Send(c.method, c.path, fmt.Sprintf(c.body, v))
			}
			res, base := do(c.foreign), do("999999")
			n += 2
			// Both may succeed where the field is ignored (a peer worker who
			// adds a person is always the one assigned): then the answers
			// differ only in the new record.
			same := res.Status == base.Status && (res.Status/100 == 2 || digits.ReplaceAllString(res.Body, "N") == digits.ReplaceAllString(base.Body, "N"))
			if !same {
				t.Errorf("%s %s as %s with another organisation's id %s in the request: %d %s\nwant what an id that exists nowhere gets: %d %s",
					c.method, c.path, u.Roles[0], c.foreign, res.Status, clip(res.Body), base.Status, clip(base.Body))
			}
		}
	}
	return n
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

var digits = regexp.MustCompile(`[0-9]+`)

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
