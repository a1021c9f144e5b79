package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/i18n"
	ppmail "peerpath/internal/mail"
)

// Vouching: competency sign-offs, the requests workers make for them, and
// waivers. Only the worker's supervisor or an administrator may sign off or
// waive, never the worker (a worker trying gets Forbidden: they can see
// their own record, so "not found" would be a lie).

// Signoff is a supervisor's (or administrator's) sign-off of a competency:
// they saw the worker show it, on a date, and say so in a short observation.
type Signoff struct {
	ID           int64
	WorkerID     int64
	ItemKey      string
	ObservedOn   string
	Note         string
	SignedByID   int64
	SignedByName string
	CreatedAt    time.Time
}

// NewSignoff is what signing off needs.
type NewSignoff struct {
	ItemKey    string
	ObservedOn string
	Note       string
}

func checkSignoff(c *framework.Chart, today string, in *NewSignoff) error {
	in.ItemKey, in.Note = strings.TrimSpace(in.ItemKey), strings.TrimSpace(in.Note)
	f := map[string]string{}
	if _, ok := chartItem(c, in.ItemKey, framework.KindCompetency); !ok {
		f["item_key"] = "Choose one of the chart's competencies."
	}
	if in.ObservedOn == "" {
		in.ObservedOn = today
	}
	checkDate(f, "observed_on", in.ObservedOn, today, true, "Enter the date you saw the competency.")
	checkText(f, "note", in.Note, 1000, "Write a short observation: what you saw the worker do.")
	return core.Invalid(f)
}

// SignOff signs off a competency for a worker. Any open request for the
// same competency is closed by it.
func (s *Store) SignOff(ctx context.Context, a Actor, workerID int64, in NewSignoff) (int64, error) {
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return 0, err
	}
	verr := checkSignoff(cv.Chart, s.today(), &in)
	return s.changeWorker(ctx, a, workerID, true, "competency signed off", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		return s.insertSignoff(ctx, tx, a, w.ID, in, 0)
	})
}

func (s *Store) insertSignoff(ctx context.Context, tx *sql.Tx, a Actor, workerID int64, in NewSignoff, requestID int64) (int64, error) {
	var id int64
	now := ms(s.now())
	err := tx.QueryRowContext(ctx, `INSERT INTO competency_signoffs (org_id, user_id, item_key, observed_on, note, signed_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.OrgID, workerID, in.ItemKey, in.ObservedOn, in.Note, a.UserID, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	q := `UPDATE signoff_requests SET status = 'signed', decided_at = $1, decided_by = $2, signoff_id = $3
		WHERE org_id = $4 AND user_id = $5 AND status = 'open' AND item_key = $6`
	args := []any{now, a.UserID, id, a.OrgID, workerID, in.ItemKey}
	if requestID != 0 {
		q = `UPDATE signoff_requests SET status = 'signed', decided_at = $1, decided_by = $2, signoff_id = $3
			WHERE org_id = $4 AND user_id = $5 AND status = 'open' AND (item_key = $6 OR id = $7)`
		args = append(args, requestID)
	}
	_, err = tx.ExecContext(ctx, q, args...)
	return id, err
}

// SignoffRequest is a worker asking their supervisor to sign off a
// competency.
type SignoffRequest struct {
	ID            int64
	WorkerID      int64
	WorkerName    string
	ItemKey       string
	Note          string
	Status        string // open, signed or declined
	RequestedAt   time.Time
	DecidedAt     time.Time
	DecidedByName string
	DeclineReason string
	SignoffID     int64
}

// Request statuses.
const (
	RequestOpen     = "open"
	RequestSigned   = "signed"
	RequestDeclined = "declined"
)

// RequestSignoff asks the worker's supervisor to sign off a competency.
// Only the worker asks for themselves; one open request per competency.
func (s *Store) RequestSignoff(ctx context.Context, a Actor, workerID int64, itemKey, note string) (int64, error) {
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return 0, err
	}
	itemKey, note = strings.TrimSpace(itemKey), strings.TrimSpace(note)
	f := map[string]string{}
	if _, ok := chartItem(cv.Chart, itemKey, framework.KindCompetency); !ok {
		f["item_key"] = "Choose the competency you would like signed off."
	}
	checkText(f, "note", note, 1000, "")
	verr := core.Invalid(f)
	return s.changeWorker(ctx, a, workerID, false, "sign-off requested", func(tx *sql.Tx, w Worker) (int64, error) {
		if !w.Relation.Self() {
			return 0, core.Forbidden("Workers ask for their own sign-offs. As their supervisor or an administrator, you can sign the competency off directly.")
		}
		if verr != nil {
			return 0, verr
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM signoff_requests WHERE org_id = $1 AND user_id = $2 AND item_key = $3 AND status = 'open'",
			a.OrgID, w.ID, itemKey).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, &core.Error{Kind: core.KindConflict, Message: "You have already asked for this sign-off; it is waiting for your supervisor.",
				Fields: map[string]string{"item_key": "You have already asked for this sign-off; it is waiting for your supervisor."}}
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO signoff_requests (org_id, user_id, item_key, note, status, requested_at) VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id`,
			a.OrgID, w.ID, itemKey, note, ms(s.now())).Scan(&id)
		return id, err
	})
}

const requestColumns = `r.id, r.user_id, u.name, r.item_key, r.note, r.status, r.requested_at, r.decided_at, COALESCE(d.name, ''), r.decline_reason, COALESCE(r.signoff_id, 0)`

const requestFrom = ` FROM signoff_requests r JOIN users u ON u.id = r.user_id LEFT JOIN users d ON d.id = r.decided_by `

func scanRequest(sc interface{ Scan(...any) error }) (SignoffRequest, error) {
	var r SignoffRequest
	var req, dec int64
	err := sc.Scan(&r.ID, &r.WorkerID, &r.WorkerName, &r.ItemKey, &r.Note, &r.Status, &req, &dec, &r.DecidedByName, &r.DeclineReason, &r.SignoffID)
	r.RequestedAt, r.DecidedAt = fromMS(req), fromMS(dec)
	return r, err
}

// SignoffRequest returns one of a worker's sign-off requests.
func (s *Store) SignoffRequest(ctx context.Context, a Actor, workerID, requestID int64) (Worker, SignoffRequest, error) {
	w, err := s.readWorker(ctx, a, workerID, fmt.Sprintf("sign-off request %d", requestID))
	if err != nil {
		return w, SignoffRequest{}, err
	}
	r, err := scanRequest(s.rdb.QueryRowContext(ctx, "SELECT "+requestColumns+requestFrom+"WHERE r.id = $1 AND r.org_id = $2 AND r.user_id = $3", requestID, a.OrgID, w.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return w, r, core.NotFound("The sign-off request")
	}
	return w, r, err
}

// openRequest loads an open request of the worker inside a transaction.
func openRequest(ctx context.Context, tx *sql.Tx, orgID, workerID, requestID int64) (SignoffRequest, error) {
	r, err := scanRequest(tx.QueryRowContext(ctx, "SELECT "+requestColumns+requestFrom+"WHERE r.id = $1 AND r.org_id = $2 AND r.user_id = $3", requestID, orgID, workerID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, core.NotFound("The sign-off request")
	}
	if err == nil && r.Status != RequestOpen {
		return r, core.Conflict("This request has already been answered.")
	}
	return r, err
}

// AnswerRequestSignOff signs off the competency a worker asked about,
// closing the request.
func (s *Store) AnswerRequestSignOff(ctx context.Context, a Actor, workerID, requestID int64, observedOn, note string) (int64, error) {
	cv, err := s.ActiveChart(ctx, a.OrgID) // before the transaction: it may write the shipped chart
	if err != nil {
		return 0, err
	}
	return s.changeWorker(ctx, a, workerID, true, "competency signed off on request", func(tx *sql.Tx, w Worker) (int64, error) {
		r, err := openRequest(ctx, tx, a.OrgID, w.ID, requestID)
		if err != nil {
			return 0, err
		}
		in := NewSignoff{ItemKey: r.ItemKey, ObservedOn: observedOn, Note: note}
		if err := checkSignoff(cv.Chart, s.today(), &in); err != nil {
			return 0, err
		}
		id, err := s.insertSignoff(ctx, tx, a, w.ID, in, requestID)
		if err != nil {
			return 0, err
		}
		return id, s.notifySignoffAnswer(ctx, tx, a.OrgID, w.ID, requestID, true)
	})
}

// notifySignoffAnswer emails the worker that their request was answered
// (when email is on). The message names no competency: the page does.
func (s *Store) notifySignoffAnswer(ctx context.Context, tx *sql.Tx, orgID, workerID, requestID int64, signed bool) error {
	path := fmt.Sprintf("/workers/%d/signoff-requests/%d", workerID, requestID)
	return s.notifyWorker(ctx, tx, orgID, workerID, MailSignoffAnswer, "", path, func(to, name, org, link string, l *i18n.Localizer) ppmail.Message {
		subject, para := l.T("development.email.signoff.signed.subject"), l.T("development.email.signoff.signed.para")
		if !signed {
			subject, para = l.T("development.email.signoff.answered.subject"), l.T("development.email.signoff.answered.para")
		}
		return ppmail.SignOffAnswer(to, name, org, subject, para, link, l.T("development.email.signoff.link"), mailWords(l))
	})
}

// DeclineRequest declines a sign-off request, with a reason the worker sees.
func (s *Store) DeclineRequest(ctx context.Context, a Actor, workerID, requestID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	f := map[string]string{}
	checkText(f, "reason", reason, 1000, "Say why, so the worker knows what to work on.")
	verr := core.Invalid(f)
	_, err := s.changeWorker(ctx, a, workerID, true, "sign-off request declined", func(tx *sql.Tx, w Worker) (int64, error) {
		if _, err := openRequest(ctx, tx, a.OrgID, w.ID, requestID); err != nil {
			return 0, err
		}
		if verr != nil {
			return 0, verr
		}
		_, err := tx.ExecContext(ctx, "UPDATE signoff_requests SET status = 'declined', decided_at = $1, decided_by = $2, decline_reason = $3 WHERE id = $4 AND org_id = $5",
			ms(s.now()), a.UserID, reason, requestID, a.OrgID)
		if err != nil {
			return 0, err
		}
		return requestID, s.notifySignoffAnswer(ctx, tx, a.OrgID, w.ID, requestID, false)
	})
	return err
}

// WaiverRecord is a waiver as stored: a supervisor (or administrator) set
// a requirement aside for one worker, with a reason.
type WaiverRecord struct {
	ID       int64
	WorkerID int64
	ItemKey  string
	Reason   string
	On       string
	ByID     int64
	ByName   string
}

// Waive sets a prerequisite or competency of the active chart aside for a
// worker, with a reason (a grandfather clause, a programme that does not
// ask for CORI …), dated today. Trainings never block readiness, so they are
// not waived.
func (s *Store) Waive(ctx context.Context, a Actor, workerID int64, itemKey, reason string) (int64, error) {
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return 0, err
	}
	itemKey, reason = strings.TrimSpace(itemKey), strings.TrimSpace(reason)
	f := map[string]string{}
	if _, ok := chartItem(cv.Chart, itemKey, framework.KindPrerequisite, framework.KindCompetency); !ok {
		f["item_key"] = "Choose the prerequisite or competency to waive."
	}
	checkText(f, "reason", reason, 500, "Give the reason, for example: grandfather clause, a peer specialist here since 2009.")
	verr := core.Invalid(f)
	today := s.today()
	return s.changeWorker(ctx, a, workerID, true, "waiver granted", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO waivers (org_id, user_id, item_key, reason, waived_on, waived_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.OrgID, w.ID, itemKey, reason, today, a.UserID, ms(s.now())).Scan(&id)
		return id, err
	})
}

// OpenRequests lists the open sign-off requests of the workers the actor
// supervises (everyone's, for an administrator looking at the whole
// organisation), oldest first, at most limit.
func (s *Store) openRequestsFor(ctx context.Context, orgID int64, workerIDs []int64) (map[int64][]SignoffRequest, error) {
	out := map[int64][]SignoffRequest{}
	if len(workerIDs) == 0 {
		return out, nil
	}
	ph, args := inList(workerIDs, []any{orgID})
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+requestColumns+requestFrom+"WHERE r.org_id = $1 AND r.status = 'open' AND r.user_id IN ("+ph+") ORDER BY r.user_id, r.id",
		args...)
	if err != nil {
		return nil, err
	}
	rs, err := collect(rows, scanRequest)
	for _, r := range rs {
		out[r.WorkerID] = append(out[r.WorkerID], r)
	}
	return out, err
}
