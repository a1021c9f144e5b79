package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/learning"
)

// Practice quizzes for the CPS exam: multiple-choice questions made from the
// organisation's glossary (learning.Quiz), answered, graded and kept as the
// worker's score history. Like flashcards they belong to the worker alone
// and are not audited: they are practice, not a record about anyone.

// Quiz sizes a worker may choose.
var QuizSizes = []int{5, 10, 20}

// DontKnow is the answer for "I don't know yet": it counts as wrong, and is
// honest.
const DontKnow = -1

// Unanswered marks a question left without an answer in a submission.
const Unanswered = -2

// QuizAttempt is one practice quiz.
type QuizAttempt struct {
	ID         int64
	Category   string // "" for every category
	Questions  []learning.Question
	Answers    []int // once finished: the index chosen per question, or DontKnow
	Correct    int
	Total      int
	CreatedAt  time.Time
	FinishedAt time.Time
}

// Finished reports whether the attempt has been handed in.
func (q QuizAttempt) Finished() bool { return !q.FinishedAt.IsZero() }

// Percent is the score as a whole percentage.
func (q QuizAttempt) Percent() int {
	if q.Total == 0 {
		return 0
	}
	return (q.Correct*100 + q.Total/2) / q.Total
}

// StartQuiz makes a practice quiz of n questions (one of QuizSizes) from
// the organisation's glossary, from one category or ("") all of them.
func (s *Store) StartQuiz(ctx context.Context, a Actor, category string, n int) (QuizAttempt, error) {
	f := map[string]string{}
	if category != "" && !slices.Contains(learning.EntryCategories(), category) {
		f["category"] = "Choose a category from the list, or all of them."
	}
	if !slices.Contains(QuizSizes, n) {
		f["size"] = "Choose 5, 10 or 20 questions."
	}
	if err := core.Invalid(f); err != nil {
		return QuizAttempt{}, err
	}
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return QuizAttempt{}, err
	}
	pool := g.Entries()
	if category != "" {
		pool = g.InCategory(category)
	}
	if len(pool) < 2 {
		return QuizAttempt{}, core.Invalid(map[string]string{"category": "This category has too few entries for a quiz. Choose another, or all of them."})
	}
	qs := learning.Quiz(pool, n, newRand())
	raw, err := json.Marshal(qs)
	if err != nil {
		return QuizAttempt{}, err
	}
	at := QuizAttempt{Category: category, Questions: qs, Total: len(qs), CreatedAt: s.now()}
	err = s.wdb.QueryRowContext(ctx, `INSERT INTO learning_quiz_attempts (org_id, user_id, category, questions, total, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		a.OrgID, a.UserID, category, string(raw), at.Total, ms(at.CreatedAt)).Scan(&at.ID)
	return at, err
}

// QuizAttempt returns one of the actor's quiz attempts.
func (s *Store) QuizAttempt(ctx context.Context, a Actor, id int64) (QuizAttempt, error) {
	var q QuizAttempt
	var questions, answers string
	var created, finished int64
	err := s.rdb.QueryRowContext(ctx, `SELECT id, category, questions, answers, correct, total, created_at, finished_at FROM learning_quiz_attempts
		WHERE id = $1 AND org_id = $2 AND user_id = $3`, id, a.OrgID, a.UserID).Scan(&q.ID, &q.Category, &questions, &answers, &q.Correct, &q.Total, &created, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return QuizAttempt{}, core.NotFound("The quiz")
	}
	if err != nil {
		return QuizAttempt{}, err
	}
	q.CreatedAt, q.FinishedAt = fromMS(created), fromMS(finished)
	if err := json.Unmarshal([]byte(questions), &q.Questions); err != nil {
		return QuizAttempt{}, fmt.Errorf("quiz %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(answers), &q.Answers); err != nil {
		return QuizAttempt{}, fmt.Errorf("quiz %d: %w", id, err)
	}
	return q, nil
}

// SubmitQuiz hands in the actor's answers (an index per question, or
// DontKnow) and grades them. Every question needs an answer; the field of
// each unanswered one is named q0, q1, ….
func (s *Store) SubmitQuiz(ctx context.Context, a Actor, id int64, answers []int) (QuizAttempt, error) {
	q, err := s.QuizAttempt(ctx, a, id)
	if err != nil {
		return QuizAttempt{}, err
	}
	if q.Finished() {
		return QuizAttempt{}, core.Conflict("You have already handed in this quiz. Start a new one to practise again.")
	}
	f := map[string]string{}
	for i, qu := range q.Questions {
		field := fmt.Sprintf("q%d", i)
		switch {
		case i >= len(answers) || answers[i] == Unanswered:
			f[field] = fmt.Sprintf("Question %d: choose an answer, or “I don't know yet”.", i+1)
		case answers[i] != DontKnow && (answers[i] < 0 || answers[i] >= len(qu.Choices)):
			f[field] = fmt.Sprintf("Question %d: choose one of the answers offered.", i+1)
		}
	}
	if err := core.Invalid(f); err != nil {
		return QuizAttempt{}, err
	}
	q.Answers = answers[:len(q.Questions)]
	q.Correct = learning.Grade(q.Questions, q.Answers)
	q.FinishedAt = s.now()
	raw, err := json.Marshal(q.Answers)
	if err != nil {
		return QuizAttempt{}, err
	}
	res, err := s.wdb.ExecContext(ctx, "UPDATE learning_quiz_attempts SET answers = $1, correct = $2, finished_at = $3 WHERE id = $4 AND org_id = $5 AND user_id = $6 AND finished_at = 0",
		string(raw), q.Correct, ms(q.FinishedAt), id, a.OrgID, a.UserID)
	if err != nil {
		return QuizAttempt{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return QuizAttempt{}, core.Conflict("You have already handed in this quiz. Start a new one to practise again.")
	}
	return q, nil
}

// ListQuizAttempts lists the actor's finished quizzes, newest first, without
// their questions.
func (s *Store) ListQuizAttempts(ctx context.Context, a Actor, p Page) (List[QuizAttempt], error) {
	var before int64
	if _, err := decodeCursor(p.Cursor, &before); err != nil {
		return List[QuizAttempt]{}, err
	}
	limit := p.limit()
	q := "SELECT id, category, correct, total, created_at, finished_at FROM learning_quiz_attempts WHERE org_id = $1 AND user_id = $2 AND finished_at > 0"
	args := []any{a.OrgID, a.UserID}
	if before > 0 {
		q += " AND id < $3"
		args = append(args, before)
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[QuizAttempt]{}, err
	}
	defer rows.Close()
	var out []QuizAttempt
	for rows.Next() {
		var at QuizAttempt
		var created, finished int64
		if err := rows.Scan(&at.ID, &at.Category, &at.Correct, &at.Total, &created, &finished); err != nil {
			return List[QuizAttempt]{}, err
		}
		at.CreatedAt, at.FinishedAt = fromMS(created), fromMS(finished)
		out = append(out, at)
	}
	if err := rows.Err(); err != nil {
		return List[QuizAttempt]{}, err
	}
	out, more := trim(out, limit)
	res := List[QuizAttempt]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].ID)
	}
	return res, nil
}
