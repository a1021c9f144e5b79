package demo_test

import (
	"testing"
	"time"

	"peerpath/internal/demo"
	"peerpath/internal/learning"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestLearningDemoLoadsOnce loads the demo twice: the learning material is
// there after the first load and the second changes nothing.
func TestLearningDemoLoadsOnce(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	count := func(d demo.Demo) [6]int {
		trainer := d.Users["trainer"].Actor("local")
		pat := d.Users["peer"].Actor("local")
		boards, err := db.ListBoards(ctx, trainer, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		games, _ := db.ListGames(ctx, trainer, store.Page{})
		cards, _ := db.CardTotals(ctx, pat)
		hist, _ := db.ReviewHistory(ctx, pat, db.Clock.Now().Add(-30*24*time.Hour))
		quizzes, _ := db.ListQuizAttempts(ctx, pat, store.Page{})
		g, _ := db.Glossary(ctx, d.Org.ID)
		return [6]int{len(boards.Items), len(games.Items), cards.All, len(hist), len(quizzes.Items), g.Len()}
	}
	d, err := demo.Load(ctx, db.Store)
	if err != nil {
		t.Fatal(err)
	}
	first := count(d)
	if first[0] != 1 || first[1] != 2 || first[2] != 14 || first[3] < 20 || first[4] != 2 || first[5] != len(learning.Shipped())+1 {
		t.Fatalf("after the first load: boards, games, cards, reviews, quizzes, glossary = %v", first)
	}
	games, _ := db.ListGames(ctx, d.Users["trainer"].Actor("local"), store.Page{})
	if games.Items[0].Over() || !games.Items[1].Over() {
		t.Fatal("want one game in play and one finished")
	}
	if d, err = demo.Load(ctx, db.Store); err != nil {
		t.Fatal(err)
	}
	if again := count(d); again != first {
		t.Fatalf("a second load changed the learning demo: %v, then %v", first, again)
	}
}
