package learning

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"peerpath/internal/core"
)

func validBoard() Board {
	return Board{
		ID:    "b",
		Title: "Test board",
		Categories: []Category{
			{Name: "One", Clues: []Clue{{Value: 100, Slug: "rlc", Clue: "c1"}, {Value: 200, Slug: "rsc", Clue: "c2", DailyDouble: true}}},
			{Name: "Two", Clues: []Clue{{Value: 500, Slug: "wrap", Clue: "c3"}}},
		},
		Final: &Clue{Slug: "cps", Clue: "final"},
	}
}

func TestValidateBoard(t *testing.T) {
	if err := ValidateBoard(validBoard()); err != nil {
		t.Fatalf("valid board rejected: %v", err)
	}
	seven := validBoard()
	for len(seven.Categories) < 7 {
		seven.Categories = append(seven.Categories, seven.Categories[0])
	}
	six := validBoard()
	for len(six.Categories) < 6 {
		six.Categories = append(six.Categories, six.Categories[0])
	}
	if err := ValidateBoard(six); err != nil {
		t.Errorf("six categories rejected: %v", err)
	}
	tests := []struct {
		name  string
		b     Board
		edit  func(*Board)
		field string
	}{
		{"no title", validBoard(), func(b *Board) { b.Title = "" }, "title"},
		{"no categories", validBoard(), func(b *Board) { b.Categories = nil }, "categories"},
		{"seven categories", seven, func(*Board) {}, "categories"},
		{"empty category", validBoard(), func(b *Board) { b.Categories[1].Clues = nil }, "categories[1].clues"},
		{"six clues", validBoard(), func(b *Board) {
			b.Categories[1].Clues = []Clue{{100, "a", "c", "", false}, {200, "a", "c", "", false}, {300, "a", "c", "", false}, {400, "a", "c", "", false}, {500, "a", "c", "", false}, {500, "a", "c", "", false}}
		}, "categories[1].clues"},
		{"odd value", validBoard(), func(b *Board) { b.Categories[0].Clues[0].Value = 150 }, "categories[0].clues[0].value"},
		{"zero value", validBoard(), func(b *Board) { b.Categories[0].Clues[0].Value = 0 }, "categories[0].clues[0].value"},
		{"repeated value", validBoard(), func(b *Board) { b.Categories[0].Clues[1].Value = 100 }, "categories[0].clues[1].value"},
		{"no slug", validBoard(), func(b *Board) { b.Categories[0].Clues[1].Slug = " " }, "categories[0].clues[1].slug"},
		{"no clue text", validBoard(), func(b *Board) { b.Categories[1].Clues[0].Clue = "" }, "categories[1].clues[0].clue"},
		{"no category name", validBoard(), func(b *Board) { b.Categories[0].Name = "" }, "categories[0].name"},
		{"final without slug", validBoard(), func(b *Board) { b.Final.Slug = "" }, "final.slug"},
		{"final without text", validBoard(), func(b *Board) { b.Final.Clue = "" }, "final.clue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			b.Categories = slices.Clone(b.Categories)
			for i := range b.Categories {
				b.Categories[i].Clues = slices.Clone(b.Categories[i].Clues)
			}
			if b.Final != nil {
				f := *b.Final
				b.Final = &f
			}
			tc.edit(&b)
			err := ValidateBoard(b)
			ce, ok := core.As(err)
			if !ok || ce.Kind != core.KindInvalid {
				t.Fatalf("got %v, want invalid", err)
			}
			if _, ok := ce.Fields[tc.field]; !ok {
				t.Errorf("fields %v lack %q", ce.Fields, tc.field)
			}
		})
	}
}

func TestDefaultBoardIsComplete(t *testing.T) {
	b := DefaultBoard()
	if err := ValidateBoard(b); err != nil {
		t.Fatalf("default board invalid: %v", err)
	}
	g := DefaultGlossary()
	if len(b.Categories) != 5 {
		t.Fatalf("%d categories, want 5", len(b.Categories))
	}
	onBoard := map[string]bool{}
	dd := 0
	for _, c := range b.Categories {
		if len(c.Clues) != 5 {
			t.Errorf("%s has %d clues, want 5", c.Name, len(c.Clues))
		}
		for i, cl := range c.Clues {
			if cl.Value != ClueValues[i] {
				t.Errorf("%s row %d is worth %d, want %d", c.Name, i, cl.Value, ClueValues[i])
			}
			e, ok := g.Lookup(cl.Slug)
			if !ok {
				t.Errorf("%s: unknown slug %q", c.Name, cl.Slug)
				continue
			}
			if cl.Clue != e.Clue {
				t.Errorf("%s: clue text is not the glossary's", cl.Slug)
			}
			if cl.Answer != e.Display() {
				t.Errorf("%s: answer %q, want %q", cl.Slug, cl.Answer, e.Display())
			}
			if onBoard[cl.Slug] {
				t.Errorf("%s appears twice", cl.Slug)
			}
			onBoard[cl.Slug] = true
			if cl.DailyDouble {
				dd++
			}
		}
	}
	if dd < 1 {
		t.Error("no daily double")
	}
	if b.Final == nil || b.Final.Clue == "" || b.FinalCategory == "" {
		t.Fatal("no final clue")
	}
	if onBoard[b.Final.Slug] {
		t.Errorf("final %s is also on the board", b.Final.Slug)
	}
	for _, s := range seed000 {
		if !onBoard[s.slug] {
			t.Errorf("seed term %s is not on the default board", s.slug)
		}
	}
}

func TestBuildBoard(t *testing.T) {
	es := shipped(t)
	b1, err := BuildBoard("Week 3 review", es, []string{"roles", "Organisations", "trainings"}, rand.New(rand.NewPCG(7, 7)))
	if err != nil {
		t.Fatalf("BuildBoard: %v", err)
	}
	b2, _ := BuildBoard("Week 3 review", es, []string{"roles", "Organisations", "trainings"}, rand.New(rand.NewPCG(7, 7)))
	if !reflect.DeepEqual(b1, b2) {
		t.Error("same seed gave different boards")
	}
	b3, _ := BuildBoard("Week 3 review", es, []string{"roles", "Organisations", "trainings"}, rand.New(rand.NewPCG(8, 9)))
	if reflect.DeepEqual(b1, b3) {
		t.Error("different seeds gave the same board")
	}
	if b1.ID != "week-3-review" || b1.Title != "Week 3 review" {
		t.Errorf("id %q title %q", b1.ID, b1.Title)
	}
	wantNames := []string{"Roles", "Organisations", "Trainings"}
	bySlug := map[string]Entry{}
	for _, e := range es {
		bySlug[e.Slug] = e
	}
	dd := 0
	for i, c := range b1.Categories {
		if c.Name != wantNames[i] {
			t.Errorf("category %d is %q, want %q", i, c.Name, wantNames[i])
		}
		if len(c.Clues) != 5 {
			t.Errorf("%s has %d clues", c.Name, len(c.Clues))
		}
		for _, cl := range c.Clues {
			e := bySlug[cl.Slug]
			if CategoryLabel(e.Category) != c.Name {
				t.Errorf("%s (%s) is in column %s", cl.Slug, e.Category, c.Name)
			}
			if cl.Clue != ClueFor(e) {
				t.Errorf("%s: clue %q, want %q", cl.Slug, cl.Clue, ClueFor(e))
			}
			assertNoNames(t, cl.Clue, e)
			if cl.DailyDouble {
				dd++
			}
		}
	}
	if dd != 1 {
		t.Errorf("%d daily doubles, want 1", dd)
	}
	if b1.Final == nil {
		t.Fatal("no final clue")
	}
	assertNoNames(t, b1.Final.Clue, bySlug[b1.Final.Slug])

	all, err := BuildBoard("All", es, nil, rand.New(rand.NewPCG(1, 2)))
	if err != nil || len(all.Categories) != 5 {
		t.Errorf("empty categories should mean all five: %v, %d", err, len(all.Categories))
	}

	// A small glossary: fewer than five entries fill a shorter column, and
	// with nothing left over there is no final.
	small := []Entry{
		{Term: "Alpha", Slug: "alpha", Definition: "Alpha is first.", Category: CategoryConcepts},
		{Term: "Beta", Slug: "beta", Definition: "Beta is second.", Category: CategoryConcepts},
	}
	sb, err := BuildBoard("Small", small, []string{"concepts"}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatalf("small board: %v", err)
	}
	if len(sb.Categories[0].Clues) != 2 || sb.Final != nil {
		t.Errorf("small board: %d clues, final %v", len(sb.Categories[0].Clues), sb.Final)
	}
	if c := sb.Categories[0].Clues[0].Clue; !strings.HasPrefix(c, Blank+" is") {
		t.Errorf("generated clue %q does not blank the term", c)
	}
}

func TestBuildBoardErrors(t *testing.T) {
	es := shipped(t)
	rng := rand.New(rand.NewPCG(1, 1))
	cases := map[string]struct {
		cats []string
		rng  *rand.Rand
		es   []Entry
	}{
		"unknown category": {[]string{"roles", "snacks"}, rng, es},
		"listed twice":     {[]string{"roles", "Roles"}, rng, es},
		"too many":         {[]string{"roles", "concepts", "trainings", "practices", "organisations", "roles", "concepts"}, rng, es},
		"empty category":   {[]string{"roles"}, rng, es[:0]},
		"no rng":           {[]string{"roles"}, nil, es},
	}
	for name, tc := range cases {
		if _, err := BuildBoard("x", tc.es, tc.cats, tc.rng); core.KindOf(err) != core.KindInvalid {
			t.Errorf("%s: got %v, want invalid", name, err)
		}
	}
}

// assertNoNames fails if text still contains any name of e as whole words.
func assertNoNames(t *testing.T, text string, e Entry) {
	t.Helper()
	for _, n := range e.Names() {
		if re := nameRegexp(n); re != nil && re.MatchString(text) {
			t.Errorf("%s: %q still names %q", e.Slug, text, n)
		}
	}
}

func TestRedact(t *testing.T) {
	rlc := Entry{Term: "RLC", Expansion: "Recovery Learning Community", Aliases: []string{"learning community"}}
	wrap := Entry{Term: "WRAP", Expansion: "Wellness Recovery Action Plan"}
	ecpr := Entry{Term: "E-CPR", Expansion: "Emotional CPR"}
	tests := []struct {
		e        Entry
		in, want string
	}{
		{rlc, "An RLC is peer-run.", "An _____ is peer-run."},
		{rlc, "The RLC's groups", "The _____ groups"},
		{rlc, "Six RLCs and one rlc.", "Six _____ and one _____."},
		{rlc, "A Recovery Learning Community (RLC) offers", "A _____ (_____) offers"},
		{rlc, "Recovery Learning Communities", "_____"},
		{rlc, "RLC RLC", "_____ _____"},
		{rlc, "RLCX and XRLC stay", "RLCX and XRLC stay"},
		{rlc, "a learning community", "a _____"},
		{wrap, "wrap classes and WRAP", "_____ classes and _____"},
		{wrap, "a wellness recovery action plan", "a _____"},
		{wrap, "wrapping paper", "wrapping paper"},
		{ecpr, "E CPR, e-cpr and Emotional-CPR", "_____, _____ and _____"},
	}
	for _, tc := range tests {
		if got := Redact(tc.in, tc.e); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Every shipped entry can be made into a clue that does not give it away.
func TestClueForNeverNamesTheAnswer(t *testing.T) {
	for _, e := range shipped(t) {
		c := ClueFor(e)
		if strings.TrimSpace(strings.ReplaceAll(c, Blank, "")) == "" {
			t.Errorf("%s: clue is empty after redaction", e.Slug)
		}
		assertNoNames(t, c, e)
	}
}

func TestBoardJSONRoundTrip(t *testing.T) {
	b := DefaultBoard()
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var back Board
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b, back) {
		t.Error("board changed in a JSON round trip")
	}
}
