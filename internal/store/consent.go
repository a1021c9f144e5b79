package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Consent is a person's consent of one kind: to peer support (when, what it
// covers, who witnessed it, the signed form if there is one), or to the
// disclosure of their records under 42 CFR Part 2 (the elements of §2.31,
// see part2.go). Either can be withdrawn (revoked).
type Consent struct {
	ID            int64
	PersonID      int64
	Kind          string // ConsentPeerSupport or ConsentPart2
	GivenOn       string // the day it was signed
	Covers        string
	WitnessedBy   string
	DocumentID    int64
	DocumentName  string
	WithdrawnOn   string
	WithdrawnNote string
	CreatedAt     time.Time
	CreatedBy     int64
	Part2
}

// Current reports whether the consent stands (it has not been withdrawn).
func (c Consent) Current() bool { return c.WithdrawnOn == "" }

// ConsentInput is what recording consent takes.
type ConsentInput struct {
	GivenOn     string
	Covers      string
	WitnessedBy string
	Document    *Upload // the signed form, optional; already checked by content
}

// RecordConsent records a person's consent to peer support, with the signed
// document if given, in one transaction.
func (s *Store) RecordConsent(ctx context.Context, a Actor, personID int64, in ConsentInput) (Consent, error) {
	in.GivenOn, in.Covers, in.WitnessedBy = strings.TrimSpace(in.GivenOn), strings.TrimSpace(in.Covers), strings.TrimSpace(in.WitnessedBy)
	f := map[string]string{}
	switch {
	case !validDate(in.GivenOn):
		f["given_on"] = "Enter the date the person gave consent, such as 2026-11-23."
	case in.GivenOn > s.Today():
		f["given_on"] = "The date of consent cannot be in the future."
	}
	if in.Covers == "" {
		f["covers"] = "Say what the consent covers, for example: peer support and keeping contact notes."
	}
	tooLong(f, "covers", in.Covers, 2000)
	tooLong(f, "witnessed_by", in.WitnessedBy, 200)
	if err := core.Invalid(f); err != nil {
		return Consent{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		var doc int64
		if in.Document != nil {
			var err error
			if doc, err = s.insertDocument(ctx, tx, a, "consent", *in.Document); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO consents (org_id, person_id, given_on, covers, witnessed_by, document_id, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.OrgID, personID, in.GivenOn, in.Covers, in.WitnessedBy, nullID(doc), ms(s.now()), a.UserID).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE consents SET series_id = id WHERE id = $1", id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "consent", id, "person "+idString(personID))
	})
	if err != nil {
		return Consent{}, err
	}
	return s.consent(ctx, s.rdb, a, id)
}

const consentSelect = `SELECT c.id, c.person_id, c.kind, c.given_on, c.covers, c.witnessed_by, COALESCE(c.document_id, 0), COALESCE(d.filename, ''),
	c.withdrawn_on, c.withdrawn_note, c.created_at, c.created_by,
	c.person_name, c.discloser, c.information, c.recipient, c.tpo, c.purpose, c.how_to_revoke, c.expires_on, c.expiry_event,
	c.signature_method, c.signed_name, c.signature_image, c.series_id, c.version, c.superseded_at, c.revoked_at, c.revoked_by
	FROM consents c JOIN people p ON p.id = c.person_id LEFT JOIN documents d ON d.id = c.document_id `

func (s *Store) queryConsents(ctx context.Context, q querier, where string, args ...any) ([]Consent, error) {
	rows, err := q.QueryContext(ctx, consentSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var created, superseded, revoked int64
		if err := rows.Scan(&c.ID, &c.PersonID, &c.Kind, &c.GivenOn, &c.Covers, &c.WitnessedBy, &c.DocumentID, &c.DocumentName,
			&c.WithdrawnOn, &c.WithdrawnNote, &created, &c.CreatedBy,
			&c.PersonName, &c.Discloser, &c.Information, &c.Recipient, &c.TPO, &c.Purpose, &c.HowToRevoke, &c.ExpiresOn, &c.ExpiryEvent,
			&c.SignatureMethod, &c.SignedName, &c.SignatureImage, &c.SeriesID, &c.Version, &superseded, &revoked, &c.RevokedBy); err != nil {
			return nil, err
		}
		c.CreatedAt = fromMS(created)
		if superseded != 0 {
			c.SupersededAt = fromMS(superseded)
		}
		if revoked != 0 {
			c.RevokedAt = fromMS(revoked)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) consent(ctx context.Context, q querier, a Actor, id int64) (Consent, error) {
	cond, args := visibleTo(a, "p", []any{id, a.OrgID})
	cs, err := s.queryConsents(ctx, q, "WHERE c.id = $1 AND c.org_id = $2 AND "+cond, args...)
	if err != nil {
		return Consent{}, err
	}
	if len(cs) == 0 {
		return Consent{}, core.NotFound("The consent record")
	}
	return cs[0], nil
}

// consentsOf lists a person's consent records to peer support, newest
// first. The caller has checked visibility and audits.
func (s *Store) consentsOf(ctx context.Context, q querier, orgID, personID int64) ([]Consent, error) {
	return s.queryConsents(ctx, q, "WHERE c.org_id = $1 AND c.person_id = $2 AND c.kind = $3 ORDER BY c.given_on DESC, c.id DESC LIMIT 50", orgID, personID, ConsentPeerSupport)
}

// WithdrawConsent records that a person withdrew their consent on a day.
func (s *Store) WithdrawConsent(ctx context.Context, a Actor, id int64, on, note string) (Consent, error) {
	on, note = strings.TrimSpace(on), strings.TrimSpace(note)
	if on == "" {
		on = s.Today()
	}
	f := map[string]string{}
	if !validDate(on) || on > s.Today() {
		f["withdrawn_on"] = "Enter the date the person withdrew consent (today or earlier)."
	}
	tooLong(f, "withdrawn_note", note, 2000)
	if err := core.Invalid(f); err != nil {
		return Consent{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.consent(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !c.Current() {
			return core.Conflict("This consent was already withdrawn.")
		}
		if c.Superseded() {
			return core.Conflict("This is an earlier version of the consent: withdraw its newest version.")
		}
		if on < c.GivenOn {
			return core.Invalid(map[string]string{"withdrawn_on": "Consent cannot be withdrawn before it was given."})
		}
		if _, err := tx.ExecContext(ctx, "UPDATE consents SET withdrawn_on = $1, withdrawn_note = $2 WHERE id = $3 AND org_id = $4", on, note, id, a.OrgID); err != nil {
			return err
		}
		// A withdrawal says when it was recorded, and who withdrew: the
		// person in their portal, or a worker recording it (part2.go), so
		// staff see which (part2_consents.html).
		by := "worker"
		if a.IsPerson() {
			by = "person"
		}
		if _, err := tx.ExecContext(ctx, "UPDATE consents SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND org_id = $4", ms(s.now()), by, id, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "consent", id, "withdrawn; person "+idString(c.PersonID))
	})
	if err != nil {
		return Consent{}, err
	}
	return s.consent(ctx, s.rdb, a, id)
}

// ConsentDocument returns the signed consent form of a consent record the
// actor may see, with its bytes, and audits the read.
func (s *Store) ConsentDocument(ctx context.Context, a Actor, consentID int64) (Document, []byte, error) {
	c, err := s.consent(ctx, s.rdb, a, consentID)
	if err != nil {
		return Document{}, nil, err
	}
	if c.DocumentID == 0 {
		return Document{}, nil, core.NotFound("The signed consent form")
	}
	d, data, err := s.documentData(ctx, a.OrgID, c.DocumentID)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Document{}, nil, core.NotFound("The signed consent form")
		}
		return Document{}, nil, err
	}
	return d, data, s.recordRead(ctx, a, "consent", consentID, "document "+idString(d.ID)+"; person "+idString(c.PersonID))
}

// Consent returns one consent record of a person the actor may see, and
// audits the read.
func (s *Store) Consent(ctx context.Context, a Actor, id int64) (Consent, error) {
	c, err := s.consent(ctx, s.rdb, a, id)
	if err != nil {
		return Consent{}, err
	}
	return c, s.recordRead(ctx, a, "consent", id, "")
}
