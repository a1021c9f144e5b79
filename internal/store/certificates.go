package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/workforce"
)

// Certificate is a certificate of completion. It keeps what it says as it
// was issued; its code lets anyone check it.
type Certificate struct {
	ID            int64
	CohortID      int64
	ParticipantID int64
	Code          string // as stored: 20 characters, no dashes
	Recipient     string
	Programme     string
	Issuer        string
	IssuedOn      string
	Demo          bool
	IssuedAt      time.Time
	RevokedAt     time.Time
	RevokeReason  string
	StatusIndex   int64 // its bit in the organisation's status list
}

// GroupedCode is the code as people read it: XXXX-XXXX-XXXX-XXXX-XXXX.
func (c Certificate) GroupedCode() string { return cohort.GroupCode(c.Code) }

// Revoked reports whether the certificate was revoked.
func (c Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

// RevokedOn is the date of the revocation in Massachusetts, YYYY-MM-DD.
func (c Certificate) RevokedOn() string {
	if !c.Revoked() {
		return ""
	}
	return cohort.Today(c.RevokedAt)
}

const certificateColumns = `id, cohort_id, participant_id, code, recipient, programme_name, issuer, issued_on, demo, issued_at, revoked_at, revoke_reason, status_index`

func scanCertificate(sc interface{ Scan(...any) error }, extra ...any) (Certificate, error) {
	var c Certificate
	var issued, revoked int64
	err := sc.Scan(append(extra, &c.ID, &c.CohortID, &c.ParticipantID, &c.Code, &c.Recipient, &c.Programme, &c.Issuer, &c.IssuedOn, &c.Demo, &issued, &revoked, &c.RevokeReason, &c.StatusIndex)...)
	c.IssuedAt, c.RevokedAt = fromMS(issued), fromMS(revoked)
	return c, err
}

// certificatesOf loads participants' certificates, newest first, with one
// query; validOnly leaves out revoked ones.
func (s *Store) certificatesOf(ctx context.Context, q querier, orgID int64, pids []int64, validOnly bool) (map[int64][]Certificate, error) {
	out := map[int64][]Certificate{}
	if len(pids) == 0 {
		return out, nil
	}
	ph, args := inList(pids, []any{orgID})
	query := "SELECT " + certificateColumns + " FROM certificates WHERE org_id = $1 AND participant_id IN (" + ph + ")"
	if validOnly {
		query += " AND revoked_at = 0"
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out[c.ParticipantID] = append(out[c.ParticipantID], c)
	}
	return out, rows.Err()
}

// NotComplete is the error of issuing a certificate while the completion
// rule does not hold: a conflict whose field "missing" lists, separated by
// "; ", what is still missing. The message says whose rule it is: the
// organisation's, or peerpath's suggestion it has not confirmed (then no
// certificate is issued at all).
func NotComplete(rule cohort.Rule, missing []string) error {
	msg := "Your organisation's completion rule is not met yet, so no certificate can be issued."
	if !rule.Confirmed {
		msg = "This cohort's completion rule is only peerpath's suggestion: your organisation has not confirmed it, so no certificate can be issued. An administrator confirms it on the cohort page."
	}
	return &core.Error{Kind: core.KindConflict, Message: msg, Fields: map[string]string{"missing": strings.Join(missing, "; ")}}
}

// IssueCertificate records that a participant completed the programme and
// issues their certificate, with a new verification code. completedOn is
// the date the certificate gives (a graduation entered afterwards); empty
// means today. It is refused (NotComplete) while the cohort's completion
// rule does not hold.
func (s *Store) IssueCertificate(ctx context.Context, a Actor, cohortID, pid int64, completedOn string) (Certificate, error) {
	var cert Certificate
	completedOn = strings.TrimSpace(completedOn)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		today := cohort.Today(s.now())
		if completedOn == "" {
			completedOn = today
		}
		f := map[string]string{}
		checkDay(f, "completed_on", completedOn, "")
		switch {
		case f["completed_on"] != "":
		case completedOn > today:
			f["completed_on"] = "Enter today's date or an earlier one."
		case completedOn < c.StartsOn:
			f["completed_on"] = fmt.Sprintf("Enter a date on or after the cohort began (%s).", cohort.FormatDay(c.StartsOn))
		}
		if err := core.Invalid(f); err != nil {
			return err
		}
		p, err := s.participantOf(ctx, tx, a.OrgID, c.ID, pid)
		if err != nil {
			return err
		}
		sessions, err := s.sessionsOf(ctx, tx, a.OrgID, c.ID)
		if err != nil {
			return err
		}
		prog, err := s.progress(ctx, tx, a.OrgID, c, sessions, []Participant{p})
		if err != nil {
			return err
		}
		if prog[0].Certificate != nil {
			return core.Conflict("A certificate is already issued to this person. Revoke it first to issue a new one.")
		}
		if !prog[0].Result.Holds {
			return NotComplete(c.Rule, prog[0].Result.Missing)
		}
		org, err := s.Organisation(ctx, a.OrgID)
		if err != nil {
			return err
		}
		now := s.now()
		cert = Certificate{CohortID: c.ID, ParticipantID: p.ID, Recipient: p.Name, Programme: c.ProgrammeName, Issuer: org.Name,
			IssuedOn: completedOn, Demo: org.IsDemo, IssuedAt: now}
		// 96 random bits: two certificates drawing the same code is not
		// going to happen; the unique index on code would refuse it if it did.
		cert.Code = auth.NewCode(12)
		if cert.StatusIndex, err = s.allocateStatusIndex(ctx, tx, a.OrgID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO certificates (org_id, cohort_id, participant_id, code, recipient, programme_name, issuer, issued_on, demo, issued_by, issued_at, status_index)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.OrgID, c.ID, p.ID, cert.Code, cert.Recipient, cert.Programme, cert.Issuer, cert.IssuedOn, cert.Demo, a.UserID, ms(now), cert.StatusIndex).Scan(&cert.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE participants SET status = 'completed', completed_on = $1, updated_at = $2 WHERE id = $3 AND org_id = $4",
			cert.IssuedOn, ms(now), p.ID, a.OrgID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionCreate, "certificate", cert.ID, "participant "+idString(p.ID)); err != nil {
			return err
		}
		p.Status, p.CompletedOn = cohort.Completed, cert.IssuedOn
		return s.workforceOnCompletion(ctx, tx, a, c, p, cert)
	})
	return cert, err
}

// workforceOnCompletion adds a completed CPS course to the participant's
// development record when the participant is a worker of the organisation:
// the training, keyed to the active chart's CPS training item where it has
// one, with the hours of the sessions they attended. The CPS credential is
// the certifying body's to grant (in Massachusetts, the Transformation
// Center), not the course's: it is recorded here only where an administrator
// has set the organisation up as the certifying body for it (recordCourseCompletion
// checks), with the organisation as its issuer. Otherwise it is recorded by
// hand once granted, with its issuer. It runs in the transaction that issues
// the certificate, so the record and the certificate agree; issuing again
// after a revocation adds nothing twice.
func (s *Store) workforceOnCompletion(ctx context.Context, tx *sql.Tx, a Actor, c Cohort, p Participant, cert Certificate) error {
	if c.ProgrammeKind != cohort.KindCPS || p.UserID == 0 {
		return nil
	}
	// Only reads through tx here: on SQLite the transaction holds the one
	// writer connection, so anything that writes on its own would wait forever.
	itemKey := ""
	chart, err := activeChartIn(ctx, tx, a.OrgID)
	if err != nil {
		return err
	}
	if _, ok := chart.Item(cpsTrainingItem); ok {
		itemKey = cpsTrainingItem
	}
	hours, err := attendedHours(ctx, tx, a.OrgID, p.ID)
	if err != nil {
		return err
	}
	cred := &CourseCredential{Kind: workforce.CredentialCPS, Number: cert.GroupedCode(), Issuer: cert.Issuer, IssuedOn: cert.IssuedOn}
	return s.recordCourseCompletion(ctx, tx, a, p.UserID, CourseCompletion{
		CohortID: c.ID, Title: c.ProgrammeName + " (" + c.Name + ")", ItemKey: itemKey,
		CompletedOn: cert.IssuedOn, Provider: cert.Issuer, Hours: hours, Credential: cred,
	})
}

// cpsTrainingItem is the Massachusetts chart's item for the CPS training.
const cpsTrainingItem = "s2.train.cps"

// attendedHours adds up the timed sessions a participant attended (present
// or late); sessions without start and end times count nothing.
func attendedHours(ctx context.Context, tx *sql.Tx, orgID, participantID int64) (workforce.Hours, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.start_time, s.end_time FROM attendance a JOIN cohort_sessions s ON s.id = a.session_id
		WHERE a.org_id = $1 AND a.participant_id = $2 AND a.mark IN ('present', 'late')`, orgID, participantID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var minutes int
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return 0, err
		}
		a, err1 := time.Parse(core.HHMM, from)
		b, err2 := time.Parse(core.HHMM, to)
		if err1 == nil && err2 == nil && b.After(a) {
			minutes += int(b.Sub(a).Minutes())
		}
	}
	return workforce.Hours(minutes * 100 / 60), rows.Err()
}

// RevokeCertificate revokes a participant's valid certificate with a reason
// (administrators only). Verification then says it is revoked and since
// when. The participant's completion is undone with it, so that a corrected
// certificate (a misspelt name, say) can be issued with a new code.
func (s *Store) RevokeCertificate(ctx context.Context, a Actor, cohortID, pid int64, reason string) (Certificate, error) {
	if !a.MayRevokeCertificates() {
		return Certificate{}, core.Forbidden("Only an administrator can revoke a certificate.")
	}
	reason = strings.TrimSpace(reason)
	f := map[string]string{}
	checkText(f, "reason", reason, 500, "Say why the certificate is revoked. The reason stays inside the organisation; verification shows only that it was revoked, and when.")
	if err := core.Invalid(f); err != nil {
		return Certificate{}, err
	}
	var cert Certificate
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		p, err := s.participantOf(ctx, tx, a.OrgID, c.ID, pid)
		if err != nil {
			return err
		}
		certs, err := s.certificatesOf(ctx, tx, a.OrgID, []int64{p.ID}, true)
		if err != nil {
			return err
		}
		if len(certs[p.ID]) == 0 {
			return core.Conflict("This person has no valid certificate to revoke.")
		}
		cert = certs[p.ID][0]
		now := s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE certificates SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 WHERE id = $4 AND org_id = $5",
			ms(now), a.UserID, reason, cert.ID, a.OrgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE participants SET status = 'enrolled', completed_on = '', updated_at = $1 WHERE id = $2 AND org_id = $3 AND status = 'completed'",
			ms(now), p.ID, a.OrgID); err != nil {
			return err
		}
		cert.RevokedAt, cert.RevokeReason = now, reason
		return s.record(ctx, tx, a, audit.ActionUpdate, "certificate", cert.ID, "revoked")
	})
	return cert, err
}

// PublicCertificate is all that verification shows: nothing about the
// person beyond the name printed on the certificate.
type PublicCertificate struct {
	Code      string // grouped
	Recipient string
	Programme string
	Issuer    string
	IssuedOn  string
	Demo      bool
	Revoked   bool
	RevokedOn string
}

// VerifyCertificate looks up a certificate by its code for anyone, signed in
// or not. Case, spaces and dashes do not matter; anything that cannot be a
// code is "not found" without asking the database. A successful lookup is
// audited for the issuing organisation with the certificate's id and the
// caller's address only (no name), so an organisation can see how often,
// and from where, its certificates are checked.
func (s *Store) VerifyCertificate(ctx context.Context, code, ip string) (PublicCertificate, error) {
	orgID, c, err := s.publicCertificate(ctx, code, ip, "public verification")
	if err != nil {
		return PublicCertificate{}, err
	}
	// Valid or revoked is read from the status list the credential points
	// to, so the page, the API and a wallet's verifier cannot disagree.
	revoked, err := s.revokedInList(ctx, orgID, c.StatusIndex)
	if err != nil {
		return PublicCertificate{}, err
	}
	out := PublicCertificate{Code: c.GroupedCode(), Recipient: c.Recipient, Programme: c.Programme, Issuer: c.Issuer, IssuedOn: c.IssuedOn,
		Demo: c.Demo, Revoked: revoked}
	if revoked {
		out.RevokedOn = c.RevokedOn()
	}
	return out, nil
}

// CertificateToPrint returns a participant's valid certificate for printing,
// auditing the read.
func (s *Store) CertificateToPrint(ctx context.Context, a Actor, cohortID, pid int64) (Certificate, error) {
	c, err := s.Cohort(ctx, a, cohortID)
	if err != nil {
		return Certificate{}, err
	}
	p, err := s.participantOf(ctx, s.rdb, a.OrgID, c.ID, pid)
	if err != nil {
		return Certificate{}, err
	}
	return s.printable(ctx, a, p.ID)
}

// MyCertificate returns the valid certificate of one of the actor's own
// participations, for printing.
func (s *Store) MyCertificate(ctx context.Context, a Actor, pid int64) (Certificate, error) {
	var n int
	if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM participants WHERE id = $1 AND org_id = $2 AND user_id = $3", pid, a.OrgID, a.UserID).Scan(&n); err != nil {
		return Certificate{}, err
	}
	if n == 0 || a.UserID == 0 {
		return Certificate{}, core.NotFound("The certificate")
	}
	return s.printable(ctx, a, pid)
}

func (s *Store) printable(ctx context.Context, a Actor, pid int64) (Certificate, error) {
	certs, err := s.certificatesOf(ctx, s.rdb, a.OrgID, []int64{pid}, true)
	if err != nil {
		return Certificate{}, err
	}
	if len(certs[pid]) == 0 {
		return Certificate{}, core.NotFound("The certificate")
	}
	cert := certs[pid][0]
	return cert, s.recordRead(ctx, a, "certificate", cert.ID, fmt.Sprintf("printed for participant %d", pid))
}
