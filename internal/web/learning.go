package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"peerpath/internal/framework"
	"peerpath/internal/learning"
	"peerpath/internal/store"
)

// Learning (issue 9): the field's glossary, the review game (solo and in
// class), flashcards scheduled with FSRS, and a practice quiz for the CPS
// exam. Everyone signed in may learn; trainers and administrators change
// the organisation's glossary, build boards and host classroom games. The
// handlers live in learning_*.go, one file per noun.

// activeChart is the organisation's active development chart; when it
// cannot be read, the shipped Massachusetts chart stands in (the glossary's
// links are a help, not a record, and must not break a page).
func (s *Server) activeChart(r *http.Request) *framework.Chart {
	if p := principal(r); p != nil {
		cv, err := s.store.ActiveChart(r.Context(), p.Org.ID)
		if err == nil {
			return cv.Chart
		}
		s.log.Error("reading the active chart", "request_id", requestID(r), "err", err)
	}
	return framework.MA2014()
}

// chartItems lists the organisation's active chart items for glossary
// mentions, with an item's acronym added to its label where the label does
// not already spell it.
func (s *Server) chartItems(r *http.Request) []learning.ItemRef {
	items := s.activeChart(r).Items()
	out := make([]learning.ItemRef, 0, len(items))
	for _, it := range items {
		label := it.Label
		if it.Acronym != "" && !strings.Contains(label, it.Acronym) {
			label += " (" + it.Acronym + ")"
		}
		out = append(out, learning.ItemRef{Key: it.Key, Label: label})
	}
	return out
}

// chartItemPlace says where a chart item sits ("Stage II, competency") and
// the address of its page.
func (s *Server) chartItemPlace(r *http.Request, key string) (href, where string) {
	c := s.activeChart(r)
	it, ok := c.Item(key)
	if !ok {
		return "", ""
	}
	stage := string(it.Stage)
	if st, ok := c.StageByKey(it.Stage); ok && st.Name != "" {
		stage = st.Name
	}
	kind := string(it.Kind)
	if it.Kind == framework.KindRole {
		kind = "example role"
	}
	return "/framework/items/" + url.PathEscape(it.Key) + "?track=" + string(it.Track), stage + ", " + kind
}

// glossaryFor lists the glossary entries a framework chart item mentions,
// for the item's page (issue 4) to show with links to /learning/glossary/…
func (s *Server) glossaryFor(r *http.Request, itemKey string) []learning.Entry {
	p := principal(r)
	if p == nil {
		return nil
	}
	g, err := s.store.Glossary(r.Context(), p.Org.ID)
	if err != nil {
		s.log.Error("glossary for a chart item", "request_id", requestID(r), "err", err)
		return nil
	}
	return g.MentionedIn(itemKey, s.chartItems(r))
}

// glossaryCategory is a glossary category as pages show it.
type glossaryCategory struct {
	Key, Label string
}

func glossaryCategories() []glossaryCategory {
	var out []glossaryCategory
	for _, c := range learning.EntryCategories() {
		out = append(out, glossaryCategory{Key: c, Label: learning.CategoryLabel(c)})
	}
	return out
}

// dayStart is the start of the learner's day (in Massachusetts time), from
// which new cards per day are counted.
func (s *Server) dayStart() time.Time {
	now := s.clock.Now().In(local)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, local).UTC()
}

// learningSummary is the home page's Learning section.
type learningSummary struct {
	Due       learning.QueueCounts
	DueTotal  int
	Cards     int
	NextDue   time.Time
	CanTeach  bool
	LastQuiz  *store.QuizAttempt
	OpenGames int
}

func (s *Server) learningSummary(r *http.Request) (*learningSummary, error) {
	p := principal(r)
	a := s.actor(r)
	q, err := s.store.ReviewQueue(r.Context(), a, s.dayStart())
	if err != nil {
		return nil, err
	}
	totals, err := s.store.CardTotals(r.Context(), a)
	if err != nil {
		return nil, err
	}
	v := &learningSummary{Due: q.Counts, DueTotal: len(q.Cards), Cards: totals.All, NextDue: q.NextDue, CanTeach: canTeachLearning(p)}
	quizzes, err := s.store.ListQuizAttempts(r.Context(), a, store.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(quizzes.Items) > 0 {
		v.LastQuiz = &quizzes.Items[0]
	}
	return v, nil
}

// canTeachLearning reports whether the signed-in user changes the
// organisation's learning material (store.Actor.MayTeach).
func canTeachLearning(p *store.Principal) bool {
	return p != nil && p.Actor("").MayTeach()
}

type learningHubView struct {
	Summary    *learningSummary
	Categories []glossaryCategory
	Glossary   int
	CanTeach   bool
	Games      []store.GameRecord
}

func (s *Server) learningHub(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.learningSummary(r)
	if err != nil {
		return err
	}
	g, err := s.store.Glossary(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	v := learningHubView{Summary: sum, Categories: glossaryCategories(), Glossary: g.Len(), CanTeach: sum.CanTeach}
	if v.CanTeach {
		games, err := s.store.ListGames(r.Context(), s.actor(r), store.Page{Limit: 5})
		if err != nil {
			return err
		}
		v.Games = games.Items
	}
	return s.render(w, r, "learning.html", v)
}
