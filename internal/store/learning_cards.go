package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/learning"
)

// Flashcards belong to one worker and only they see them: not their
// supervisor, not an administrator. Reviews are scheduled with FSRS-5
// (learning.Scheduler) on the store's clock. Reviews are not audited (they
// are a worker's own practice, not a record about anyone); adding and
// removing cards is.

// Card limits.
const (
	MaxCardFront    = 300
	MaxCardBack     = 2000
	MaxCardsPerUser = 5000
	// NewCardsPerDay is how many new cards a day's review introduces, so a
	// worker who adds the whole glossary is not buried on day one.
	NewCardsPerDay = 20
)

// Card is one of a worker's flashcards with its scheduling state.
type Card struct {
	ID        int64
	Slug      string // the glossary entry, or "" for the worker's own card
	Front     string
	Back      string
	Sched     learning.Card
	CreatedAt time.Time
}

// Own reports whether the worker wrote the card themselves.
func (c Card) Own() bool { return c.Slug == "" }

const cardColumns = "id, slug, front, back, state, due_at, stability, difficulty, elapsed_days, scheduled_days, reps, lapses, step, last_review_at, created_at"

func scanCard(sc interface{ Scan(...any) error }) (Card, error) {
	var c Card
	var state int
	var due, last, created int64
	k := &c.Sched
	err := sc.Scan(&c.ID, &c.Slug, &c.Front, &c.Back, &state, &due, &k.Stability, &k.Difficulty, &k.ElapsedDays, &k.ScheduledDays, &k.Reps, &k.Lapses, &k.Step, &last, &created)
	k.State, k.Due, k.LastReview, c.CreatedAt = learning.State(state), fromMS(due), fromMS(last), fromMS(created)
	return c, err
}

func (s *Store) queryCards(ctx context.Context, q querier, query string, args ...any) ([]Card, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Card
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) cardFor(ctx context.Context, q querier, a Actor, id int64, lock string) (Card, error) {
	c, err := scanCard(q.QueryRowContext(ctx, "SELECT "+cardColumns+" FROM learning_cards WHERE id = $1 AND org_id = $2 AND user_id = $3"+lock, id, a.OrgID, a.UserID))
	if errors.Is(err, sql.ErrNoRows) {
		return Card{}, core.NotFound("The card")
	}
	return c, err
}

// Card returns one of the actor's cards.
func (s *Store) Card(ctx context.Context, a Actor, id int64) (Card, error) {
	return s.cardFor(ctx, s.rdb, a, id, "")
}

func (s *Store) countCards(ctx context.Context, q querier, a Actor) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM learning_cards WHERE org_id = $1 AND user_id = $2", a.OrgID, a.UserID).Scan(&n)
	return n, err
}

// glossaryCardText is what a card made from an entry keeps: the term on the
// front, the expansion and definition on the back.
func glossaryCardText(e learning.Entry) (front, back string) {
	back = e.Definition
	if e.Expansion != "" {
		back = e.Expansion + ". " + back
	}
	return e.Term, back
}

// AddGlossaryCards gives the actor a card for each glossary entry named (by
// slug, term or alias) that they do not have yet, and returns how many were
// added. Unknown entries are refused before anything is added.
func (s *Store) AddGlossaryCards(ctx context.Context, a Actor, names []string) (int, error) {
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return 0, err
	}
	var entries []learning.Entry
	seen := map[string]bool{}
	for _, n := range names {
		e, ok := g.Lookup(n)
		if !ok {
			return 0, core.NotFound("The glossary entry")
		}
		if !seen[e.Slug] {
			seen[e.Slug] = true
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		return 0, core.Invalid(map[string]string{"slug": "Choose an entry of the glossary."})
	}
	added := 0
	err = s.tx(ctx, func(tx *sql.Tx) error {
		have := map[string]bool{}
		rows, err := tx.QueryContext(ctx, "SELECT slug FROM learning_cards WHERE org_id = $1 AND user_id = $2 AND slug <> ''", a.OrgID, a.UserID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var sl string
			if err := rows.Scan(&sl); err != nil {
				rows.Close()
				return err
			}
			have[sl] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		n, err := s.countCards(ctx, tx, a)
		if err != nil {
			return err
		}
		now := s.now()
		var first int64
		for _, e := range entries {
			if have[e.Slug] {
				continue
			}
			if n+added >= MaxCardsPerUser {
				return core.Conflict(fmt.Sprintf("You have %d cards, the most peerpath keeps for one person. Remove some first.", MaxCardsPerUser))
			}
			front, back := glossaryCardText(e)
			// New cards are due at once; the queue breaks ties by id, so
			// they come up in the order they were added.
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO learning_cards (org_id, user_id, slug, front, back, state, due_at, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
				a.OrgID, a.UserID, e.Slug, front, back, int(learning.StateNew), ms(now), ms(now)).Scan(&id); err != nil {
				return err
			}
			if first == 0 {
				first = id
			}
			added++
		}
		if added == 0 {
			return nil
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "card", first, fmt.Sprintf("%d from the glossary", added))
	})
	return added, err
}

// CardInput is a card a worker writes themselves.
type CardInput struct {
	Front, Back string
}

func validateCard(in *CardInput) error {
	in.Front, in.Back = strings.TrimSpace(in.Front), strings.TrimSpace(in.Back)
	f := map[string]string{}
	switch n := utf8.RuneCountInString(in.Front); {
	case n == 0:
		f["front"] = "Write the question or term for the front of the card."
	case n > MaxCardFront:
		f["front"] = fmt.Sprintf("Use at most %d characters.", MaxCardFront)
	}
	switch n := utf8.RuneCountInString(in.Back); {
	case n == 0:
		f["back"] = "Write the answer for the back of the card."
	case n > MaxCardBack:
		f["back"] = fmt.Sprintf("Use at most %d characters.", MaxCardBack)
	}
	return core.Invalid(f)
}

// AddOwnCard adds a card the worker wrote themselves.
func (s *Store) AddOwnCard(ctx context.Context, a Actor, in CardInput) (Card, error) {
	if err := validateCard(&in); err != nil {
		return Card{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		n, err := s.countCards(ctx, tx, a)
		if err != nil {
			return err
		}
		if n >= MaxCardsPerUser {
			return core.Conflict(fmt.Sprintf("You have %d cards, the most peerpath keeps for one person. Remove some first.", MaxCardsPerUser))
		}
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO learning_cards (org_id, user_id, slug, front, back, state, due_at, created_at, updated_at)
			VALUES ($1, $2, '', $3, $4, $5, $6, $6, $6) RETURNING id`, a.OrgID, a.UserID, in.Front, in.Back, int(learning.StateNew), now).Scan(&id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "card", id, "own")
	})
	if err != nil {
		return Card{}, err
	}
	return s.Card(ctx, a, id)
}

// UpdateOwnCard changes the text of a card the worker wrote; its schedule
// is kept.
func (s *Store) UpdateOwnCard(ctx context.Context, a Actor, id int64, in CardInput) (Card, error) {
	c, err := s.Card(ctx, a, id)
	if err != nil {
		return Card{}, err
	}
	if !c.Own() {
		return Card{}, core.Conflict("Cards from the glossary follow the glossary's text; only your own cards can be edited.")
	}
	if err := validateCard(&in); err != nil {
		return Card{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE learning_cards SET front = $1, back = $2, updated_at = $3 WHERE id = $4 AND org_id = $5 AND user_id = $6",
			in.Front, in.Back, ms(s.now()), id, a.OrgID, a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "card", id, "")
	})
	if err != nil {
		return Card{}, err
	}
	return s.Card(ctx, a, id)
}

// DeleteCard removes one of the actor's cards. Its reviews stay in the log
// (without the card), so progress over time does not change.
func (s *Store) DeleteCard(ctx context.Context, a Actor, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM learning_cards WHERE id = $1 AND org_id = $2 AND user_id = $3", id, a.OrgID, a.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.NotFound("The card")
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "card", id, "")
	})
}

// ListCards lists the actor's cards, soonest due first.
func (s *Store) ListCards(ctx context.Context, a Actor, p Page) (List[Card], error) {
	var afterDue, afterID int64
	has, err := decodeCursor(p.Cursor, &afterDue, &afterID)
	if err != nil {
		return List[Card]{}, err
	}
	limit := p.limit()
	q := "SELECT " + cardColumns + " FROM learning_cards WHERE org_id = $1 AND user_id = $2"
	args := []any{a.OrgID, a.UserID}
	if has {
		q += " AND (due_at > $3 OR (due_at = $3 AND id > $4))"
		args = append(args, afterDue, afterID)
	}
	q += fmt.Sprintf(" ORDER BY due_at, id LIMIT %d", limit+1)
	cards, err := s.queryCards(ctx, s.rdb, q, args...)
	if err != nil {
		return List[Card]{}, err
	}
	cards, more := trim(cards, limit)
	res := List[Card]{Items: cards}
	if more {
		last := cards[len(cards)-1]
		res.Next = encodeCursor(ms(last.Sched.Due), last.ID)
	}
	return res, nil
}

// CardTotals counts the actor's cards by state.
type CardTotals struct {
	All, New, Learning, Review int
}

// CardTotals counts the actor's cards by state (relearning counts as
// learning).
func (s *Store) CardTotals(ctx context.Context, a Actor) (CardTotals, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT state, COUNT(*) FROM learning_cards WHERE org_id = $1 AND user_id = $2 GROUP BY state", a.OrgID, a.UserID)
	if err != nil {
		return CardTotals{}, err
	}
	defer rows.Close()
	var t CardTotals
	for rows.Next() {
		var st, n int
		if err := rows.Scan(&st, &n); err != nil {
			return t, err
		}
		t.All += n
		switch learning.State(st) {
		case learning.StateNew:
			t.New += n
		case learning.StateReview:
			t.Review += n
		default:
			t.Learning += n
		}
	}
	return t, rows.Err()
}

// ReviewQueue is what a worker has to study now.
type ReviewQueue struct {
	Cards   []Card // in the order to study them
	Counts  learning.QueueCounts
	NextDue time.Time // when the next card not yet due will be; zero if none
}

// maxQueue bounds how many due cards one queue reads; nobody studies more
// in a sitting, and the rest are still there tomorrow.
const maxQueue = 1000

// ReviewQueue returns the actor's cards due now, in study order
// (learning.DailyQueue): cards in learning and review first, then new cards
// up to NewCardsPerDay less those already started since dayStart (the start
// of the worker's day).
func (s *Store) ReviewQueue(ctx context.Context, a Actor, dayStart time.Time) (ReviewQueue, error) {
	now := s.now()
	var started int
	if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM learning_reviews WHERE org_id = $1 AND user_id = $2 AND reviewed_at >= $3 AND state_before = $4",
		a.OrgID, a.UserID, ms(dayStart), int(learning.StateNew)).Scan(&started); err != nil {
		return ReviewQueue{}, err
	}
	newLeft := max(0, NewCardsPerDay-started)
	// Two reads, each backed by learning_cards_state: every started card
	// that is due, and only as many new cards as today may still take, so
	// a worker with the whole glossary waiting does not load all of it.
	cards, err := s.queryCards(ctx, s.rdb, "SELECT "+cardColumns+fmt.Sprintf(" FROM learning_cards WHERE org_id = $1 AND user_id = $2 AND state > $3 AND due_at <= $4 ORDER BY due_at, id LIMIT %d", maxQueue),
		a.OrgID, a.UserID, int(learning.StateNew), ms(now))
	if err != nil {
		return ReviewQueue{}, err
	}
	if newLeft > 0 {
		fresh, err := s.queryCards(ctx, s.rdb, "SELECT "+cardColumns+" FROM learning_cards WHERE org_id = $1 AND user_id = $2 AND state = $3 AND due_at <= $4 ORDER BY due_at, id LIMIT $5",
			a.OrgID, a.UserID, int(learning.StateNew), ms(now), newLeft)
		if err != nil {
			return ReviewQueue{}, err
		}
		cards = append(cards, fresh...)
	}
	byID := make(map[string]Card, len(cards))
	due := make([]learning.CardDue, len(cards))
	for i, c := range cards {
		// Ids padded so the queue's tie-break by id follows creation order.
		key := fmt.Sprintf("%019d", c.ID)
		byID[key] = c
		due[i] = learning.CardDue{ID: key, Card: c.Sched}
	}
	order, counts := learning.DailyQueue(due, now, newLeft)
	q := ReviewQueue{Counts: counts}
	for _, d := range order {
		q.Cards = append(q.Cards, byID[d.ID])
	}
	var next sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, "SELECT MIN(due_at) FROM learning_cards WHERE org_id = $1 AND user_id = $2 AND due_at > $3",
		a.OrgID, a.UserID, ms(now)).Scan(&next); err != nil {
		return ReviewQueue{}, err
	}
	q.NextDue = fromMS(next.Int64)
	return q, nil
}

// Scheduler is the FSRS scheduler peerpath uses: FSRS-5's published
// defaults (90% desired retention, learning steps of 1 and 10 minutes).
func Scheduler() learning.Scheduler { return learning.DefaultScheduler() }

// ReviewCard records the actor's rating of one of their cards at the
// store's clock and returns the card with its next due date. expectReps is
// the number of reviews the page showed (-1 to skip the check): if the card
// was rated since (a second click), nothing changes and a conflict says so.
func (s *Store) ReviewCard(ctx context.Context, a Actor, id int64, r learning.Rating, expectReps int) (Card, error) {
	return s.review(ctx, a, id, r, expectReps, s.now())
}

// RecordPastReview records a review made earlier, at at: for bringing in a
// history kept elsewhere (and the demo). Reviews must come in the order
// they happened.
func (s *Store) RecordPastReview(ctx context.Context, a Actor, id int64, r learning.Rating, at time.Time) (Card, error) {
	at = at.UTC().Truncate(time.Millisecond)
	if at.After(s.now()) {
		return Card{}, core.Invalid(map[string]string{"reviewed_at": "A review cannot be in the future."})
	}
	return s.review(ctx, a, id, r, -1, at)
}

func (s *Store) review(ctx context.Context, a Actor, id int64, r learning.Rating, expectReps int, at time.Time) (Card, error) {
	if !r.Valid() {
		return Card{}, core.Invalid(map[string]string{"rating": "Choose again, hard, good or easy."})
	}
	var out Card
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cardFor(ctx, tx, a, id, s.forUpdate())
		if err != nil {
			return err
		}
		if expectReps >= 0 && c.Sched.Reps != expectReps {
			return core.Conflict("You had already rated this card, so the second rating was not counted.")
		}
		if !c.Sched.LastReview.IsZero() && at.Before(c.Sched.LastReview) {
			return core.Invalid(map[string]string{"reviewed_at": "Reviews must be recorded in the order they happened."})
		}
		next, log := Scheduler().Review(c.Sched, r, at)
		if _, err := tx.ExecContext(ctx, `UPDATE learning_cards SET state = $1, due_at = $2, stability = $3, difficulty = $4, elapsed_days = $5, scheduled_days = $6,
			reps = $7, lapses = $8, step = $9, last_review_at = $10, updated_at = $11 WHERE id = $12 AND org_id = $13 AND user_id = $14`,
			int(next.State), ms(next.Due), next.Stability, next.Difficulty, next.ElapsedDays, next.ScheduledDays,
			next.Reps, next.Lapses, next.Step, ms(next.LastReview), ms(s.now()), id, a.OrgID, a.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO learning_reviews (org_id, user_id, card_id, rating, state_before, elapsed_days, scheduled_days, stability, difficulty, reviewed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			a.OrgID, a.UserID, id, int(log.Rating), int(log.State), log.ElapsedDays, log.ScheduledDays, log.Stability, log.Difficulty, ms(log.Review)); err != nil {
			return err
		}
		c.Sched = next
		out = c
		return nil
	})
	return out, err
}

// ReviewLogEntry is one past review, as progress over time needs it.
type ReviewLogEntry struct {
	At          time.Time
	Rating      learning.Rating
	StateBefore learning.State
}

// ReviewHistory returns the actor's reviews since since, oldest first (at
// most 20,000: far more than anyone does in a month).
func (s *Store) ReviewHistory(ctx context.Context, a Actor, since time.Time) ([]ReviewLogEntry, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT reviewed_at, rating, state_before FROM learning_reviews
		WHERE org_id = $1 AND user_id = $2 AND reviewed_at >= $3 ORDER BY reviewed_at LIMIT 20000`, a.OrgID, a.UserID, ms(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReviewLogEntry
	for rows.Next() {
		var e ReviewLogEntry
		var at int64
		var rating, state int
		if err := rows.Scan(&at, &rating, &state); err != nil {
			return nil, err
		}
		e.At, e.Rating, e.StateBefore = fromMS(at), learning.Rating(rating), learning.State(state)
		out = append(out, e)
	}
	return out, rows.Err()
}

// GlossaryCardSlugs returns the glossary entries the actor already has
// cards for, so pages can say "in your cards" instead of offering to add.
func (s *Store) GlossaryCardSlugs(ctx context.Context, a Actor) (map[string]bool, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT slug FROM learning_cards WHERE org_id = $1 AND user_id = $2 AND slug <> ''", a.OrgID, a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var sl string
		if err := rows.Scan(&sl); err != nil {
			return nil, err
		}
		out[sl] = true
	}
	return out, rows.Err()
}
