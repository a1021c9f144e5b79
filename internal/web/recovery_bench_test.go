package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// BenchmarkPersonPageWithRecoveryPicture renders a person's whole page
// through the router, as a browser asks for it, for a person with a recovery
// picture of 20 assessments (five years of quarterly checks), stage notes in
// every life area, a check of needs, natural supports, advocacy and a rights
// concern, alongside contacts and goals. It measures the server's time for
// the page: queries, two audited reads, the chart's layout and the template.
//
//	go test ./internal/web -run '^$' -bench PersonPageWithRecoveryPicture -benchtime 200x
//
// The store's side at state scale is BenchmarkRecoveryPicture.
func BenchmarkPersonPageWithRecoveryPicture(b *testing.B) {
	app := testkit.NewApp(b)
	tm := app.NewTeam(b, "Bench picture")
	pa := testkit.Actor(tm.Peer)
	ctx := b.Context()
	p, err := app.CreatePerson(ctx, pa, store.PersonInput{PreferredName: "Maria Santos"})
	if err != nil {
		b.Fatal(err)
	}
	for n := range 20 {
		v := 2 + n%4
		in := store.AssessmentInput{TakenOn: app.Clock.Now().AddDate(0, 0, -90*(20-n)).Format("2006-01-02")}
		for range 10 {
			in.Answers = append(in.Answers, &v)
		}
		if n%7 == 3 {
			in.Answers[4] = nil // some partial
		}
		if _, err := app.TakeAssessment(ctx, pa, p.ID, in); err != nil {
			b.Fatal(err)
		}
	}
	for n, area := range append(store.LifeAreas, store.LifeAreas...) {
		if _, err := app.NoteStage(ctx, pa, p.ID, store.StageInput{LifeArea: area, Stage: "action", NotedOn: app.Clock.Now().AddDate(0, 0, -n*10).Format("2006-01-02")}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := app.RecordNeeds(ctx, pa, p.ID, store.NeedsInput{Areas: []store.NeedInput{{Area: "housing"}, {Area: "food"}, {Area: "transport"}}}); err != nil {
		b.Fatal(err)
	}
	app.SaveStrengths(ctx, pa, p.ID, store.StrengthsInput{GoodAt: "Cooking", Items: []string{"Caring", "Brave"}})
	for n := range 3 {
		app.AddSupport(ctx, pa, p.ID, store.SupportInput{Name: fmt.Sprintf("Friend %d", n), OkayToInvolve: true})
	}
	app.AddAdvocacy(ctx, pa, p.ID, store.AdvocacyInput{What: "Went to the housing clinic together"})
	app.RaiseRightsConcern(ctx, pa, p.ID, store.RightsInput{Kind: "privacy"})
	for n := range 10 {
		app.AddContact(ctx, pa, p.ID, store.ContactInput{OccurredAt: app.Clock.Now().AddDate(0, 0, -n), DurationMinutes: 15, Format: "individual", Mode: "phone", Kind: "check_in", Note: "Talked about the week."})
	}
	app.AddGoal(ctx, pa, p.ID, store.GoalInput{Text: "My own place", LifeArea: "home"})
	// The same page for someone with the same contacts and goal and no
	// recovery picture yet: what the picture adds is the difference.
	bare, err := app.CreatePerson(ctx, pa, store.PersonInput{PreferredName: "Dev Patel"})
	if err != nil {
		b.Fatal(err)
	}
	for n := range 10 {
		app.AddContact(ctx, pa, bare.ID, store.ContactInput{OccurredAt: app.Clock.Now().AddDate(0, 0, -n), DurationMinutes: 15, Format: "individual", Mode: "phone", Kind: "check_in", Note: "Talked about the week."})
	}
	app.AddGoal(ctx, pa, bare.ID, store.GoalInput{Text: "My own place", LifeArea: "home"})
	c := app.SignIn(b, tm.Peer)
	for _, run := range []struct {
		name string
		id   int64
		dots int
	}{{"no-picture-yet", bare.ID, 0}, {"20-assessments", p.ID, 20}} {
		b.Run(run.name, func(b *testing.B) {
			path := "/people/" + itoa(run.id)
			for b.Loop() {
				res := c.Get(path)
				if res.Status != http.StatusOK || strings.Count(res.Body, "<circle") != run.dots {
					b.Fatalf("the page: %d, %d dots", res.Status, strings.Count(res.Body, "<circle"))
				}
			}
		})
	}
}
