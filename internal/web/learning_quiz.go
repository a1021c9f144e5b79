package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/i18n"
	"peerpath/internal/learning"
	"peerpath/internal/store"
)

// The practice quiz for the CPS exam: choose a category and a length, answer
// every question (or say "I don't know yet"), then see the right answers
// and the score, which joins the worker's history.

type quizStartView struct {
	Form       *form
	Categories []glossaryCategory
	Sizes      []int
	History    []quizRow
	Next       string
}

type quizRow struct {
	store.QuizAttempt
	CategoryLabel string
}

func quizCategoryLabel(l *i18n.Localizer, c string) string {
	if c == "" {
		return l.T("messages.learning.all_categories")
	}
	return learning.CategoryLabel(c)
}

func (s *Server) quizStartViewFor(r *http.Request, f *form) (quizStartView, error) {
	l, err := s.store.ListQuizAttempts(r.Context(), s.actor(r), store.Page{Cursor: r.URL.Query().Get("cursor"), Limit: 20})
	if err != nil {
		return quizStartView{}, err
	}
	v := quizStartView{Form: f, Categories: glossaryCategories(), Sizes: store.QuizSizes, Next: l.Next}
	for _, q := range l.Items {
		v.History = append(v.History, quizRow{QuizAttempt: q, CategoryLabel: quizCategoryLabel(localizer(r), q.Category)})
	}
	return v, nil
}

func (s *Server) quizPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.quizStartViewFor(r, newForm(url.Values{"category": {""}, "size": {"10"}}))
	if err != nil {
		return err
	}
	return s.render(w, r, "learning_quiz.html", v)
}

func (s *Server) startQuiz(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(f.Get("size"))
	q, err := s.store.StartQuiz(r.Context(), s.actor(r), f.Get("category"), n)
	if f.Fail(err) {
		v, verr := s.quizStartViewFor(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_quiz.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/learning/quiz/%d", q.ID), "")
}

type quizQuestionView struct {
	N       int
	Field   string
	Q       learning.Question
	Chosen  int // the answer given (or on a re-shown form, chosen so far); store.Unanswered if none
	Right   bool
	Answer  string
	Entry   string // the entry's address in the glossary
	Choices []quizChoice
}

type quizChoice struct {
	Index   int
	Text    string
	ID      string
	Checked bool
	IsRight bool
}

type quizAttemptView struct {
	A             store.QuizAttempt
	CategoryLabel string
	Questions     []quizQuestionView
	Form          *form
	DontKnow      int
}

func quizViewOf(l *i18n.Localizer, a store.QuizAttempt, f *form, answers []int) quizAttemptView {
	v := quizAttemptView{A: a, CategoryLabel: quizCategoryLabel(l, a.Category), Form: f, DontKnow: store.DontKnow}
	for i, q := range a.Questions {
		chosen := store.Unanswered
		if i < len(answers) {
			chosen = answers[i]
		}
		qv := quizQuestionView{N: i + 1, Field: fmt.Sprintf("q%d", i), Q: q, Chosen: chosen, Right: chosen == q.Answer,
			Answer: q.Choices[q.Answer], Entry: "/learning/glossary/" + url.PathEscape(q.Slug)}
		for k, c := range q.Choices {
			qv.Choices = append(qv.Choices, quizChoice{Index: k, Text: c, ID: fmt.Sprintf("q%d-%d", i, k), Checked: chosen == k, IsRight: k == q.Answer})
		}
		v.Questions = append(v.Questions, qv)
	}
	return v
}

func (s *Server) quizAttemptPage(w http.ResponseWriter, r *http.Request) error {
	qid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.store.QuizAttempt(r.Context(), s.actor(r), qid)
	if err != nil {
		return err
	}
	answers := a.Answers
	if f, ok := s.draftForm(r); ok && !a.Finished() {
		// Answers sent after the session had ended, kept as a draft.
		answers = quizAnswers(f, len(a.Questions))
	}
	return s.render(w, r, "learning_quiz_attempt.html", quizViewOf(localizer(r), a, newForm(nil), answers))
}

// quizAnswers reads q0, q1, … from the form: an index, "dont-know", or
// nothing (store.Unanswered).
func quizAnswers(f *form, n int) []int {
	out := make([]int, n)
	for i := range out {
		v := f.Get(fmt.Sprintf("q%d", i))
		switch {
		case v == "":
			out[i] = store.Unanswered
		case v == "dont-know":
			out[i] = store.DontKnow
		default:
			k, err := strconv.Atoi(v)
			if err != nil || k < 0 {
				k = 1 << 20 // out of range, so the store refuses it with a message
			}
			out[i] = k
		}
	}
	return out
}

func (s *Server) submitQuiz(w http.ResponseWriter, r *http.Request) error {
	qid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a, err := s.store.QuizAttempt(r.Context(), s.actor(r), qid)
	if err != nil {
		return err
	}
	answers := quizAnswers(f, len(a.Questions))
	done, err := s.store.SubmitQuiz(r.Context(), s.actor(r), qid, answers)
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_quiz_attempt.html", quizViewOf(localizer(r), a, f, answers))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/learning/quiz/%d", done.ID), localizer(r).T("messages.learning.quiz_scored", "Correct", done.Correct, "Total", done.Total))
}
