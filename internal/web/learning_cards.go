package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/learning"
	"peerpath/internal/store"
)

// Flashcards: a worker's own deck, from the glossary or written by them,
// reviewed one card at a time with FSRS scheduling. Each rating is a form
// POST (a keyboard shortcut in app.js is a nicety on top), and carries the
// card's review count so a second click never rates twice.

// flashcardView is a card as pages show it. A card from the glossary shows the
// entry's current text; if the entry has left the glossary it falls back to
// the text it was made with.
type flashcardView struct {
	store.Card
	Front, Back string
	Expansion   string
	Href        string // the glossary entry, for glossary cards
	DueLabel    string
	StateLabel  string
}

func cardStateLabel(st learning.State) string {
	switch st {
	case learning.StateNew:
		return "New"
	case learning.StateLearning:
		return "Learning"
	case learning.StateRelearning:
		return "Relearning"
	}
	return "Review"
}

// dueLabel says when a card is due, relative to now, in plain words.
func cardDueLabel(due, now time.Time) string {
	d := due.Sub(now)
	switch {
	case d <= 0:
		return "Now"
	case d < time.Hour:
		return learnCount(int((d+time.Minute-1)/time.Minute), "minute", "minutes")
	case d < 24*time.Hour:
		return learnCount(int((d+time.Hour-1)/time.Hour), "hour", "hours")
	}
	return fmtDate(due)
}

// interval says how long until a card comes back, for the rating buttons.
func reviewInterval(d time.Duration) string {
	switch {
	case d < time.Hour:
		return learnCount(max(1, int((d+time.Minute/2)/time.Minute)), "minute", "minutes")
	case d < 24*time.Hour:
		return learnCount(int((d+time.Hour/2)/time.Hour), "hour", "hours")
	case d < 60*24*time.Hour:
		return learnCount(int((d+12*time.Hour)/(24*time.Hour)), "day", "days")
	case d < 730*24*time.Hour:
		return learnCount(int(d/(30*24*time.Hour)), "month", "months")
	}
	return learnCount(int(d/(365*24*time.Hour)), "year", "years")
}

func learnCount(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func toCardView(c store.Card, g *store.OrgGlossary, now time.Time) flashcardView {
	v := flashcardView{Card: c, Front: c.Front, Back: c.Back, DueLabel: cardDueLabel(c.Sched.Due, now), StateLabel: cardStateLabel(c.Sched.State)}
	if c.Slug != "" {
		if e, ok := g.Lookup(c.Slug); ok && e.Slug == c.Slug {
			v.Front, v.Back, v.Expansion = e.Term, e.Definition, e.Expansion
			v.Href = "/learning/glossary/" + url.PathEscape(e.Slug)
		}
	}
	return v
}

type cardsView struct {
	Queue      store.ReviewQueue
	Totals     store.CardTotals
	Cards      []flashcardView
	Next       string
	Form       *form
	Categories []glossaryCategory
	NextDue    string
}

func (s *Server) cardsViewFor(r *http.Request, f *form) (cardsView, error) {
	a := s.actor(r)
	ctx := r.Context()
	q, err := s.store.ReviewQueue(ctx, a, s.dayStart())
	if err != nil {
		return cardsView{}, err
	}
	totals, err := s.store.CardTotals(ctx, a)
	if err != nil {
		return cardsView{}, err
	}
	l, err := s.store.ListCards(ctx, a, store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return cardsView{}, err
	}
	g, err := s.store.Glossary(ctx, a.OrgID)
	if err != nil {
		return cardsView{}, err
	}
	now := s.clock.Now()
	v := cardsView{Queue: q, Totals: totals, Next: l.Next, Form: f, Categories: glossaryCategories()}
	for _, c := range l.Items {
		v.Cards = append(v.Cards, toCardView(c, g, now))
	}
	if !q.NextDue.IsZero() {
		v.NextDue = fmtDateTime(q.NextDue)
	}
	return v, nil
}

func (s *Server) cardsPage(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(nil)
	}
	v, err := s.cardsViewFor(r, f)
	if err != nil {
		return err
	}
	return s.render(w, r, "learning_cards.html", v)
}

func (s *Server) addOwnCard(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.AddOwnCard(r.Context(), s.actor(r), store.CardInput{Front: f.Raw("front"), Back: f.Raw("back")})
	if f.Fail(err) {
		v, verr := s.cardsViewFor(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_cards.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/learning/cards", localizer(r).T("messages.learning.card_added_comes"))
}

// addGlossaryCards adds one entry (slug) or a whole category of the
// glossary to the worker's cards, and goes back where they came from.
func (s *Server) addGlossaryCards(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	var names []string
	back := "/learning/cards"
	if cat := f.Get("category"); cat != "" {
		g, err := s.store.Glossary(r.Context(), a.OrgID)
		if err != nil {
			return err
		}
		for _, e := range g.InCategory(cat) {
			names = append(names, e.Slug)
		}
		if len(names) == 0 {
			return core.NotFound("This glossary category")
		}
		back = "/learning/glossary#cat-" + cat
	} else {
		names = f.Values["slug"]
		if len(names) == 1 {
			back = "/learning/glossary/" + url.PathEscape(names[0])
		}
	}
	n, err := s.store.AddGlossaryCards(r.Context(), a, names)
	if e, ok := asInvalid(err); ok {
		return redirect(w, r, back, firstFieldMessage(e))
	}
	if err != nil {
		return err
	}
	msg := localizer(r).T("messages.learning.cards_already")
	if n > 0 {
		msg = localizer(r).N("n.messages.learning.cards_added", n)
	}
	return redirect(w, r, back, msg)
}

func firstFieldMessage(e *core.Error) string {
	for _, v := range e.Fields {
		return v
	}
	return e.Message
}

func (s *Server) deleteCard(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteCard(r.Context(), s.actor(r), cid); err != nil {
		return err
	}
	return redirect(w, r, "/learning/cards", localizer(r).T("messages.learning.card_removed_reviews"))
}

type cardEditView struct {
	Form *form
	Card store.Card
}

func (s *Server) editCardPage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Card(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	if !c.Own() {
		return core.NotFound("This card")
	}
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(url.Values{"front": {c.Front}, "back": {c.Back}})
	}
	return s.render(w, r, "learning_card_edit.html", cardEditView{Form: f, Card: c})
}

func (s *Server) updateCard(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateOwnCard(r.Context(), s.actor(r), cid, store.CardInput{Front: f.Raw("front"), Back: f.Raw("back")})
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_card_edit.html", cardEditView{Form: f, Card: store.Card{ID: cid}})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/learning/cards", localizer(r).T("messages.learning.card_saved"))
}

// The review: one card at a time.

type ratingButton struct {
	Rating learning.Rating
	Label  string
	Key    int
	After  string // how long until the card comes back
}

type reviewView struct {
	Card    *flashcardView
	Show    bool
	Counts  learning.QueueCounts
	Left    int
	Buttons []ratingButton
	NextDue string
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	q, err := s.store.ReviewQueue(r.Context(), a, s.dayStart())
	if err != nil {
		return err
	}
	v := reviewView{Counts: q.Counts, Left: len(q.Cards), Show: r.URL.Query().Get("show") == "1"}
	if !q.NextDue.IsZero() {
		v.NextDue = fmtDateTime(q.NextDue)
	}
	if len(q.Cards) > 0 {
		g, err := s.store.Glossary(r.Context(), a.OrgID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		c := q.Cards[0]
		cv := toCardView(c, g, now)
		v.Card = &cv
		sched := store.Scheduler()
		for _, b := range []struct {
			r     learning.Rating
			label string
		}{{learning.Again, "Again"}, {learning.Hard, "Hard"}, {learning.Good, "Good"}, {learning.Easy, "Easy"}} {
			next, _ := sched.Review(c.Sched, b.r, now)
			v.Buttons = append(v.Buttons, ratingButton{Rating: b.r, Label: b.label, Key: int(b.r), After: reviewInterval(next.Due.Sub(now))})
		}
	}
	return s.render(w, r, "learning_review.html", v)
}

func (s *Server) rateCard(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	rating, err := learning.ParseRating(f.Get("rating"))
	if err != nil {
		return err
	}
	reps, err := strconv.Atoi(f.Get("reps"))
	if err != nil {
		reps = -1
	}
	_, err = s.store.ReviewCard(r.Context(), s.actor(r), cid, rating, reps)
	if core.KindOf(err) == core.KindConflict {
		e, _ := core.As(err)
		return redirect(w, r, "/learning/review", e.Message)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/learning/review", "")
}

// Progress over time.

type progressDay struct {
	Date      string
	Label     string
	Reviews   int
	Recalled  int // reviews of cards already learned that were not "again"
	Learned   int // reviews of cards already learned
	Retention string
	Bar       int // 0–100, for the bar beside the number
}

type progressView struct {
	Days      []progressDay
	Total     int
	Learned   int // reviews of cards already learned, over the 30 days
	Retention string
	Totals    store.CardTotals
	Streak    int
}

func learnPercent(n, of int) string {
	if of == 0 {
		return "–"
	}
	return strconv.Itoa((n*100+of/2)/of) + "%"
}

func (s *Server) progressPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	const days = 30
	today := s.dayStart()
	first := today.In(local).AddDate(0, 0, -(days - 1))
	hist, err := s.store.ReviewHistory(r.Context(), a, first.UTC())
	if err != nil {
		return err
	}
	totals, err := s.store.CardTotals(r.Context(), a)
	if err != nil {
		return err
	}
	byDay := map[string]*progressDay{}
	v := progressView{Totals: totals}
	for i := 0; i < days; i++ {
		d := first.AddDate(0, 0, i)
		key := d.Format("2006-01-02")
		v.Days = append(v.Days, progressDay{Date: key, Label: d.Format("Mon 2 Jan")})
	}
	for i := range v.Days {
		byDay[v.Days[i].Date] = &v.Days[i]
	}
	learned, recalled := 0, 0
	for _, h := range hist {
		d := byDay[h.At.In(local).Format("2006-01-02")]
		if d == nil {
			continue
		}
		d.Reviews++
		v.Total++
		// Retention counts only cards already learned (in review): how
		// often a card that should be remembered was.
		if h.StateBefore == learning.StateReview {
			d.Learned++
			learned++
			if h.Rating != learning.Again {
				d.Recalled++
				recalled++
			}
		}
	}
	most := 0
	for _, d := range v.Days {
		most = max(most, d.Reviews)
	}
	for i := range v.Days {
		d := &v.Days[i]
		d.Retention = learnPercent(d.Recalled, d.Learned)
		if most > 0 && d.Reviews > 0 {
			// In steps of 5%, the widths app.css has classes for.
			d.Bar = max(5, (d.Reviews*20+most/2)/most*5)
		}
	}
	v.Retention, v.Learned = learnPercent(recalled, learned), learned
	for i := len(v.Days) - 1; i >= 0; i-- {
		if v.Days[i].Reviews == 0 {
			if i == len(v.Days)-1 {
				continue // today is not over yet
			}
			break
		}
		v.Streak++
	}
	// Newest day first: what a person wants to see at the top.
	for i, j := 0, len(v.Days)-1; i < j; i, j = i+1, j-1 {
		v.Days[i], v.Days[j] = v.Days[j], v.Days[i]
	}
	return s.render(w, r, "learning_progress.html", v)
}

// The API.

// reviewRequestJSON is a review sent through the API.
type reviewRequestJSON struct {
	CardID string `json:"card_id"`
	Rating any    `json:"rating" doc:"again, hard, good or easy; or 1 to 4"`
}

// reviewResultJSON is a card after a review.
type reviewResultJSON struct {
	CardID        string    `json:"card_id"`
	Rating        string    `json:"rating" enum:"again,hard,good,easy"`
	State         string    `json:"state" enum:"new,learning,review,relearning"`
	Due           time.Time `json:"due" doc:"when the card is next due"`
	ScheduledDays int       `json:"scheduled_days" doc:"the interval in whole days; 0 while the card is in a learning step"`
	Reps          int       `json:"reps"`
	Lapses        int       `json:"lapses"`
}

func (s *Server) apiReview(w http.ResponseWriter, r *http.Request) error {
	var in reviewRequestJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	f := map[string]string{}
	cid, err := strconv.ParseInt(in.CardID, 10, 64)
	if err != nil || cid <= 0 {
		f["card_id"] = "Send the id of one of your cards, as a string."
	}
	var rating learning.Rating
	switch v := in.Rating.(type) {
	case string:
		rating, err = learning.ParseRating(v)
	case float64:
		rating, err = learning.ParseRating(strconv.FormatFloat(v, 'f', -1, 64))
	default:
		err = core.Invalid(map[string]string{"rating": "x"})
	}
	if err != nil {
		f["rating"] = "Send “again”, “hard”, “good” or “easy”, or a number from 1 to 4."
	}
	if err := core.Invalid(f); err != nil {
		return err
	}
	c, err := s.store.ReviewCard(r.Context(), s.actor(r), cid, rating, -1)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reviewResultJSON{CardID: id(c.ID), Rating: rating.String(), State: c.Sched.State.String(), Due: c.Sched.Due,
		ScheduledDays: c.Sched.ScheduledDays, Reps: c.Sched.Reps, Lapses: c.Sched.Lapses})
	return nil
}

// cardJSON is one of the worker's cards in the API.
type cardJSON struct {
	ID    string    `json:"id"`
	Slug  string    `json:"slug,omitempty" doc:"the glossary entry; absent for the worker's own cards"`
	Front string    `json:"front"`
	Back  string    `json:"back"`
	State string    `json:"state" enum:"new,learning,review,relearning"`
	Due   time.Time `json:"due"`
}

// dueJSON is the worker's queue for now.
type dueJSON struct {
	New      int        `json:"new" doc:"new cards in today's queue"`
	Learning int        `json:"learning" doc:"cards in a learning or relearning step that are due"`
	Review   int        `json:"review" doc:"learned cards that are due"`
	NextDue  *time.Time `json:"next_due" doc:"when the next card not yet due will be"`
	Cards    []cardJSON `json:"cards" doc:"the queue, in the order to study it"`
}

func (s *Server) apiCardsDue(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	q, err := s.store.ReviewQueue(r.Context(), a, s.dayStart())
	if err != nil {
		return err
	}
	g, err := s.store.Glossary(r.Context(), a.OrgID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	out := dueJSON{New: q.Counts.New, Learning: q.Counts.Learning, Review: q.Counts.Review, NextDue: rfc3339(q.NextDue), Cards: []cardJSON{}}
	for _, c := range q.Cards {
		v := toCardView(c, g, now)
		back := v.Back
		if v.Expansion != "" {
			back = v.Expansion + ". " + back
		}
		out.Cards = append(out.Cards, cardJSON{ID: id(c.ID), Slug: c.Slug, Front: v.Front, Back: strings.TrimSpace(back), State: c.Sched.State.String(), Due: c.Sched.Due.UTC()})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
