package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"peerpath/internal/learning"
	"peerpath/internal/store"
)

// loadLearning gives the demo organisation learning material in use: an
// entry of its own in the glossary, a board the trainer built, a finished
// classroom game and one in play, Pat's flashcards with a few days of
// reviews behind them, and two practice quizzes. Each piece checks whether
// it is already there.
func loadLearning(ctx context.Context, s *store.Store, d *Demo) error {
	trainer := d.Users["trainer"].Actor("local")
	pat := d.Users["peer"].Actor("local")

	// A glossary entry of the organisation's own (fictional, like the rest).
	g, err := s.Glossary(ctx, d.Org.ID)
	if err != nil {
		return err
	}
	if _, ok := g.Lookup("riverbend-warm-line-evenings"); !ok {
		if _, err := s.AddTerm(ctx, trainer, store.TermInput{
			Term:       "Riverbend warm line evenings",
			Definition: "The demo organisation's evening phone line, answered by peer workers from 5 to 10 pm, for anyone who wants to talk before things become a crisis.",
			Category:   learning.CategoryPractices,
			Related:    []string{"warm-line", "rlc"},
			Clue:       "Riverbend's peer workers answer this evening phone line from 5 to 10 pm.",
		}); err != nil {
			return fmt.Errorf("demo glossary entry: %w", err)
		}
	}

	// A board the trainer built: roles and organisations, the clues chosen
	// from the glossary (a fixed seed, so every demo has the same board).
	const boardTitle = "Week 3 review: roles and organisations"
	boards, err := s.ListBoards(ctx, trainer, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	var built store.StoredBoard
	for _, b := range boards.Items {
		if b.Board.Title == boardTitle {
			built, err = s.Board(ctx, trainer, b.Ref)
			if err != nil {
				return err
			}
		}
	}
	if built.ID == 0 {
		if g, err = s.Glossary(ctx, d.Org.ID); err != nil {
			return err
		}
		b, err := learning.BuildBoard(boardTitle, g.Entries(), []string{learning.CategoryRoles, learning.CategoryOrganisations, learning.CategoryTrainings}, seeded(2026))
		if err != nil {
			return fmt.Errorf("demo board: %w", err)
		}
		if built, err = s.CreateBoard(ctx, trainer, b); err != nil {
			return fmt.Errorf("demo board: %w", err)
		}
	}

	// Two classroom games: one finished, one still in play.
	games, err := s.ListGames(ctx, trainer, store.Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(games.Items) == 0 {
		if err := demoGames(ctx, s, trainer, built.Ref); err != nil {
			return fmt.Errorf("demo games: %w", err)
		}
	}

	if err := demoCards(ctx, s, pat); err != nil {
		return fmt.Errorf("demo flashcards: %w", err)
	}
	return demoQuizzes(ctx, s, pat)
}

// seeded is a fixed random source, so the demo is the same every time.
func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// play applies moves to a game in order.
func play(ctx context.Context, s *store.Store, a store.Actor, g store.GameRecord, moves ...store.GameMove) (store.GameRecord, error) {
	for _, m := range moves {
		var err error
		if g, err = s.PlayGame(ctx, a, g.ID, g.Version, m); err != nil {
			return g, fmt.Errorf("%s: %w", m.Action, err)
		}
	}
	return g, nil
}

func demoGames(ctx context.Context, s *store.Store, trainer store.Actor, boardRef string) error {
	open := func(c, i int) store.GameMove { return store.GameMove{Action: store.MoveOpen, Category: c, Index: i} }
	reveal := store.GameMove{Action: store.MoveReveal}
	award := func(t int) store.GameMove { return store.GameMove{Action: store.MoveAward, Team: t} }
	deduct := func(t int) store.GameMove { return store.GameMove{Action: store.MoveDeduct, Team: t} }
	closeClue := store.GameMove{Action: store.MoveClose}

	done, err := s.StartGame(ctx, trainer, store.DefaultBoardRef, []string{"Table 1", "Table 2", "The Snippets"})
	if err != nil {
		return err
	}
	done, err = play(ctx, s, trainer, done,
		open(0, 0), reveal, award(0),
		open(2, 0), deduct(1), award(2),
		open(1, 1), reveal, award(1),
		open(3, 0), reveal, award(2),
		open(0, 2), closeClue,
		open(2, 2), reveal, award(0),
		store.GameMove{Action: store.MoveStartFinal},
	)
	if err != nil {
		return err
	}
	// Every team with points wagers, the clue is shown and judged.
	var moves []store.GameMove
	for i, t := range done.Game.Teams {
		if done.Game.Final.Playing[i] {
			moves = append(moves, store.GameMove{Action: store.MoveFinalWager, Team: i, Amount: t.Score / 2})
		}
	}
	moves = append(moves, store.GameMove{Action: store.MoveShowFinal})
	for i := range done.Game.Teams {
		if done.Game.Final.Playing[i] {
			moves = append(moves, store.GameMove{Action: store.MoveJudgeFinal, Team: i, Correct: i != 1})
		}
	}
	if _, err := play(ctx, s, trainer, done, moves...); err != nil {
		return err
	}

	live, err := s.StartGame(ctx, trainer, boardRef, []string{"Team WRAP", "Team Mutuality"})
	if err != nil {
		return err
	}
	_, err = play(ctx, s, trainer, live, open(0, 0), reveal, award(1), open(1, 0), deduct(0), reveal, award(1))
	return err
}

// demoCards gives Pat a dozen glossary cards and two of their own, with
// reviews on the four days before today.
func demoCards(ctx context.Context, s *store.Store, pat store.Actor) error {
	totals, err := s.CardTotals(ctx, pat)
	if err != nil || totals.All > 0 {
		return err
	}
	slugs := []string{"mutuality", "trauma-informed", "self-determination", "human-experience-language", "snippet", "rlc", "rsc",
		"dmh", "mbhp", "wrap", "ips", "hvn"}
	if _, err := s.AddGlossaryCards(ctx, pat, slugs); err != nil {
		return err
	}
	for _, c := range []store.CardInput{
		{Front: "What are the five principles of the CPS Code of Ethics?", Back: "Autonomy, beneficence, fidelity, justice and non-maleficence."},
		{Front: "How long is the CPS course?", Back: "About eight weeks of one-day trainings, plus a three-day retreat, then an oral and a written exam."},
	} {
		if _, err := s.AddOwnCard(ctx, pat, c); err != nil {
			return err
		}
	}
	list, err := s.ListCards(ctx, pat, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	cards := list.Items
	now := s.Clock().Now().UTC()
	// Day by day, oldest first: eight cards are started four days ago and
	// the rest the day after; any card due by then comes up again. Most are
	// remembered; a few are forgotten, as in real life.
	for day := 4; day >= 1; day-- {
		at := now.Add(-time.Duration(day)*24*time.Hour - 2*time.Hour).Truncate(time.Minute)
		for i := range cards {
			c := &cards[i]
			isNew := c.Sched.State == learning.StateNew
			if isNew && ((day == 4 && i >= 8) || day < 3) {
				continue
			}
			if !isNew && c.Sched.Due.After(at) {
				continue
			}
			rating := learning.Good
			switch (i + day) % 7 {
			case 0:
				rating = learning.Again
			case 3:
				rating = learning.Easy
			case 5:
				rating = learning.Hard
			}
			next, err := s.RecordPastReview(ctx, pat, c.ID, rating, at)
			if err != nil {
				return err
			}
			*c = next
			// Learning steps are minutes apart: finish them in the same
			// sitting, as a learner would.
			for step := 1; c.Sched.State != learning.StateReview && step <= 3; step++ {
				next, err := s.RecordPastReview(ctx, pat, c.ID, learning.Good, at.Add(time.Duration(step)*11*time.Minute))
				if err != nil {
					return err
				}
				*c = next
			}
			at = at.Add(time.Minute)
		}
	}
	return nil
}

// demoQuizzes hands in two practice quizzes for Pat.
func demoQuizzes(ctx context.Context, s *store.Store, pat store.Actor) error {
	done, err := s.ListQuizAttempts(ctx, pat, store.Page{Limit: 1})
	if err != nil || len(done.Items) > 0 {
		return err
	}
	for _, q := range []struct {
		category string
		size     int
		wrong    int
	}{{learning.CategoryOrganisations, 5, 2}, {"", 10, 1}} {
		a, err := s.StartQuiz(ctx, pat, q.category, q.size)
		if err != nil {
			return err
		}
		answers := make([]int, len(a.Questions))
		for i, qu := range a.Questions {
			answers[i] = qu.Answer
			if i < q.wrong {
				answers[i] = store.DontKnow
			}
		}
		if _, err := s.SubmitQuiz(ctx, pat, a.ID, answers); err != nil {
			return err
		}
	}
	return nil
}
