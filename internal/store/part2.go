package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Consent under 42 CFR Part 2 (issue 18). A Part 2 consent is a consent of
// kind ConsentPart2 on the person's record, with the elements §2.31 asks
// for; a change makes a new version (the older one is kept, marked
// superseded); a revocation takes effect the moment it is recorded. See
// docs/part2.md for the regulation's words and the matching rule.

// The kinds of consent.
const (
	ConsentPeerSupport = "peer_support" // the consent to peer support every record has
	ConsentPart2       = "part2"        // a consent to disclose under 42 CFR Part 2
)

// The ways a Part 2 consent is signed.
var SignatureMethods = []string{"typed", "drawn", "witnessed"}

// Part2 holds the elements of a Part 2 consent (42 CFR 2.31(a)) and its
// versioning and revocation. It is empty for a consent to peer support.
type Part2 struct {
	PersonName      string // (a)(1) the person's name as written on the consent
	Discloser       string // (a)(2) who may disclose
	Information     string // (a)(3) what information, described specifically
	Recipient       string // (a)(4) to whom
	TPO             bool   // the single consent for treatment, payment and health care operations
	Purpose         string // (a)(5)
	HowToRevoke     string // (a)(6) the right to revoke and how
	ExpiresOn       string // (a)(7) a date, or
	ExpiryEvent     string // an event
	SignatureMethod string // (a)(8) typed, drawn or witnessed
	SignedName      string // the name typed or signed
	SignatureImage  string // a drawn signature, as a data: URL of a PNG
	SeriesID        int64  // the first version's id
	Version         int
	SupersededAt    time.Time // zero while it is the current version
	RevokedAt       time.Time // zero until revoked
	RevokedBy       string    // "worker" or "person"
}

// Superseded reports whether a newer version of the consent exists.
func (p Part2) Superseded() bool { return !p.SupersededAt.IsZero() }

// ActiveOn reports whether the consent can cover a disclosure made on day:
// a Part 2 consent, its current version, signed on or before day, not
// expired on day, and not revoked on or before day.
func (c Consent) ActiveOn(day string) bool {
	return c.Kind == ConsentPart2 && !c.Superseded() && c.GivenOn <= day &&
		(c.ExpiresOn == "" || day <= c.ExpiresOn) && (c.WithdrawnOn == "" || day < c.WithdrawnOn)
}

// Expiry is the consent's expiry in words.
func (c Consent) Expiry() string {
	if c.ExpiresOn != "" {
		return c.ExpiresOn
	}
	return c.ExpiryEvent
}

// DefaultHowToRevoke is the statement of the right to revoke a form starts with.
const DefaultHowToRevoke = "You may revoke this consent at any time, by telling your peer worker or any staff member, in person, by phone or in writing, or in your portal. A revocation does not undo a disclosure already made in reliance on this consent."

// TPORecipient and TPOPurpose are the words a single consent for
// treatment, payment and health care operations may use (§2.31(a)(4)(i)).
const (
	TPORecipient = "my treating providers, health plans, third-party payers, and people helping to operate this program"
	TPOPurpose   = "treatment, payment, and health care operations"
)

// Part2ConsentInput is a Part 2 consent as recorded. Replaces names the
// consent this one is a new version of (0 for a new consent).
type Part2ConsentInput struct {
	PersonName      string
	Discloser       string
	Information     string
	Recipient       string
	TPO             bool
	Purpose         string
	HowToRevoke     string
	ExpiresOn       string
	ExpiryEvent     string
	SignedOn        string
	SignatureMethod string
	SignedName      string
	Witness         string
	SignatureImage  string
	Replaces        int64
}

const maxSignatureImage = 200 << 10

func (in *Part2ConsentInput) trim() {
	for _, v := range []*string{&in.PersonName, &in.Discloser, &in.Information, &in.Recipient, &in.Purpose, &in.HowToRevoke,
		&in.ExpiresOn, &in.ExpiryEvent, &in.SignedOn, &in.SignatureMethod, &in.SignedName, &in.Witness, &in.SignatureImage} {
		*v = strings.TrimSpace(*v)
	}
	if in.SignatureMethod != "drawn" {
		in.SignatureImage = ""
	}
	if in.TPO {
		if in.Recipient == "" {
			in.Recipient = TPORecipient
		}
		if in.Purpose == "" {
			in.Purpose = TPOPurpose
		}
	}
}

// validate checks every element §2.31 asks for and names the missing ones.
func (in Part2ConsentInput) validate(today string) error {
	f := map[string]string{}
	checkText(f, "person_name", in.PersonName, 200, "")
	checkText(f, "discloser", in.Discloser, 500, "Say who may disclose: this organisation, or the people in it who may.")
	checkText(f, "information", in.Information, 2000, "Describe the information that may be disclosed, specifically (for example: dates of attendance and progress in peer support).")
	if f["information"] == "" && vagueInformation(in.Information) {
		f["information"] = "Describe the information specifically: “all records” is not specific enough."
	}
	checkText(f, "recipient", in.Recipient, 500, "Name who the information may go to, or choose the single consent for treatment, payment and health care operations.")
	checkText(f, "purpose", in.Purpose, 1000, "Say why the information may be disclosed.")
	checkText(f, "how_to_revoke", in.HowToRevoke, 2000, "Say that the person may revoke this consent, and how.")
	checkText(f, "expiry_event", in.ExpiryEvent, 500, "")
	switch {
	case in.ExpiresOn == "" && in.ExpiryEvent == "":
		f["expires_on"] = "Give the day this consent ends, or the event that ends it."
	case in.ExpiresOn != "" && in.ExpiryEvent != "":
		f["expires_on"] = "Give a day or an event, not both."
	case in.ExpiresOn != "" && !validDate(in.ExpiresOn):
		f["expires_on"] = fmt.Sprintf("Enter the day the consent ends, such as %s.", today)
	case in.ExpiresOn != "" && in.ExpiresOn < today:
		f["expires_on"] = "The day the consent ends has already passed."
	}
	checkPastDate(f, "signed_on", in.SignedOn, today, "the person signed")
	switch in.SignatureMethod {
	case "typed":
		checkText(f, "signed_name", in.SignedName, 200, "Type the name the person signed with.")
	case "witnessed":
		checkText(f, "signed_name", in.SignedName, 200, "Type the name of the person who signed.")
		checkText(f, "witness", in.Witness, 200, "Name who witnessed the signature.")
	case "drawn":
		checkText(f, "signed_name", in.SignedName, 200, "")
		if !validPNGDataURL(in.SignatureImage) {
			f["signature_image"] = "Draw the signature (a PNG image as a data: URL, at most 200 KB)."
		}
	case "":
		f["signature_method"] = "Say how the person signed: typed, drawn or witnessed."
	default:
		f["signature_method"] = "Choose typed, drawn or witnessed."
	}
	return core.Invalid(f)
}

// vagueInformation catches descriptions §2.31(a)(3) does not allow: the
// information must be described specifically, not as everything.
func vagueInformation(v string) bool {
	switch normalise(v) {
	case "all", "all records", "any and all records", "everything", "all information", "any and all information", "my whole record", "entire record":
		return true
	}
	return false
}

func validPNGDataURL(v string) bool {
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(v, prefix) || len(v) > maxSignatureImage {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(v[len(prefix):])
	return err == nil && len(b) > 8 && string(b[1:4]) == "PNG"
}

// RecordPart2Consent records a Part 2 consent on a person's record, or a
// new version of one (in.Replaces): the earlier version is kept, marked
// superseded, in the same transaction.
func (s *Store) RecordPart2Consent(ctx context.Context, a Actor, personID int64, in Part2ConsentInput) (Consent, error) {
	if !a.MayRecordConsent() {
		return Consent{}, core.Forbidden("Only workers who support people record consent.")
	}
	in.trim()
	today := s.Today()
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.person(ctx, tx, a, personID)
		if err != nil {
			return err
		}
		if in.PersonName == "" {
			in.PersonName = p.LegalName
			if in.PersonName == "" {
				in.PersonName = p.PreferredName
			}
		}
		if err := in.validate(today); err != nil {
			return err
		}
		series, version := int64(0), 1
		if in.Replaces != 0 {
			old, err := s.consent(ctx, tx, a, in.Replaces)
			if err != nil || old.PersonID != personID || old.Kind != ConsentPart2 {
				return core.NotFound("The consent to change")
			}
			if old.Superseded() {
				return core.Conflict("This consent was changed since: change its newest version.")
			}
			if !old.Current() {
				return core.Conflict("This consent was revoked: record a new consent instead.")
			}
			res, err := tx.ExecContext(ctx, "UPDATE consents SET superseded_at = $1 WHERE id = $2 AND org_id = $3 AND superseded_at = 0", ms(s.now()), old.ID, a.OrgID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return core.Conflict("This consent was changed since: change its newest version.")
			}
			series, version = old.SeriesID, old.Version+1
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO consents (org_id, person_id, kind, given_on, covers, witnessed_by, created_at, created_by,
			person_name, discloser, information, recipient, tpo, purpose, how_to_revoke, expires_on, expiry_event,
			signature_method, signed_name, signature_image, series_id, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id`,
			a.OrgID, personID, ConsentPart2, in.SignedOn, "Disclosure of records under 42 CFR Part 2", in.Witness, ms(s.now()), a.UserID,
			in.PersonName, in.Discloser, in.Information, in.Recipient, in.TPO, in.Purpose, in.HowToRevoke, in.ExpiresOn, in.ExpiryEvent,
			in.SignatureMethod, in.SignedName, in.SignatureImage, series, version).Scan(&id); err != nil {
			return err
		}
		if series == 0 {
			if _, err := tx.ExecContext(ctx, "UPDATE consents SET series_id = id WHERE id = $1", id); err != nil {
				return err
			}
		}
		detail := "part2; person " + idString(personID)
		if in.Replaces != 0 {
			detail += fmt.Sprintf("; version %d, replaces consent %d", version, in.Replaces)
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "consent", id, detail)
	})
	if err != nil {
		return Consent{}, err
	}
	return s.consent(ctx, s.rdb, a, id)
}

// Revocation is a consent's revocation as recorded. ByPerson is true when
// the person withdrew it themselves (in their portal).
type Revocation struct {
	Note     string
	ByPerson bool
}

// RevokeConsent revokes a consent of a person, of either kind, now: from
// this moment it covers no disclosure (and a consent to peer support no
// longer stands). A worker records a revocation the person made; the
// portal calls it with ByPerson for the person withdrawing it themselves.
func (s *Store) RevokeConsent(ctx context.Context, a Actor, personID, consentID int64, in Revocation) (Consent, error) {
	if !a.MayRevokeConsent() {
		return Consent{}, core.Forbidden("You may not record the revocation of a consent.")
	}
	in.Note = strings.TrimSpace(in.Note)
	f := map[string]string{}
	checkText(f, "note", in.Note, 2000, "")
	if err := core.Invalid(f); err != nil {
		return Consent{}, err
	}
	by := "worker"
	if in.ByPerson {
		by = "person"
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		c, err := s.consent(ctx, tx, a, consentID)
		if err != nil || c.PersonID != personID {
			return core.NotFound("The consent")
		}
		if c.Superseded() {
			return core.Conflict("This is an earlier version of the consent: revoke its newest version.")
		}
		if !c.Current() {
			return core.Conflict("This consent was already revoked.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE consents SET withdrawn_on = $1, withdrawn_note = $2, revoked_at = $3, revoked_by = $4
			WHERE id = $5 AND org_id = $6 AND withdrawn_on = ''`, s.Today(), in.Note, ms(s.now()), by, consentID, a.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.Conflict("This consent was already revoked.")
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "consent", consentID, "revoked by the "+by+"; person "+idString(personID))
	})
	if err != nil {
		return Consent{}, err
	}
	return s.consent(ctx, s.rdb, a, consentID)
}

// Consents lists every consent on a person's record, of both kinds and
// every version, newest first (at most 200), and audits the read.
func (s *Store) Consents(ctx context.Context, a Actor, personID int64) ([]Consent, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return nil, err
	}
	cs, err := s.queryConsents(ctx, s.rdb, "WHERE c.org_id = $1 AND c.person_id = $2 ORDER BY c.id DESC LIMIT 200", a.OrgID, personID)
	if err != nil {
		return nil, err
	}
	return cs, s.recordRead(ctx, a, "person", personID, "consents")
}

// ---- Disclosures ----

// Disclosure is one disclosure of a person's records outside the
// organisation: to whom, what, when, why, and under which consent; or, in
// a medical emergency (42 CFR 2.51), with the details that section asks for.
type Disclosure struct {
	ID                   int64
	PersonID             int64
	ConsentID            int64 // 0 in an emergency
	Recipient            string
	Purpose              string
	Information          string
	DisclosedOn          string
	Emergency            bool
	EmergencyNature      string
	RecipientAffiliation string
	DisclosedTime        string // HH:MM, in an emergency
	DisclosedByName      string
	CreatedAt            time.Time
	CreatedBy            int64
	CreatedByName        string
}

// DisclosureInput is a disclosure as recorded.
type DisclosureInput struct {
	Recipient, Purpose, Information, DisclosedOn string
	ConsentID                                    int64
	Emergency                                    bool
	EmergencyNature, RecipientAffiliation        string
	DisclosedTime, DisclosedByName               string
}

func (in *DisclosureInput) trim(today string) {
	for _, v := range []*string{&in.Recipient, &in.Purpose, &in.Information, &in.DisclosedOn, &in.EmergencyNature, &in.RecipientAffiliation, &in.DisclosedTime, &in.DisclosedByName} {
		*v = strings.TrimSpace(*v)
	}
	if in.DisclosedOn == "" {
		in.DisclosedOn = today
	}
}

func (in DisclosureInput) validate(today string) error {
	f := map[string]string{}
	checkText(f, "recipient", in.Recipient, 500, "Name who the information went to.")
	checkText(f, "purpose", in.Purpose, 1000, "Say why it was disclosed.")
	checkText(f, "information", in.Information, 2000, "Say what information was disclosed.")
	checkPastDate(f, "disclosed_on", in.DisclosedOn, today, "it was disclosed")
	if in.Emergency {
		// 42 CFR 2.51(c): who it went to and their affiliation, who
		// disclosed, the date and time, and the nature of the emergency.
		checkText(f, "emergency.nature", in.EmergencyNature, 2000, "Describe the medical emergency.")
		checkText(f, "emergency.recipient_affiliation", in.RecipientAffiliation, 500, "Name the health care facility the medical personnel are with (or say they are with none).")
		checkText(f, "emergency.disclosed_by", in.DisclosedByName, 200, "Name who made the disclosure.")
		if _, err := time.Parse(core.HHMM, in.DisclosedTime); err != nil {
			f["emergency.disclosed_time"] = "Enter the time of the disclosure, such as 14:30."
		}
		if in.ConsentID != 0 {
			f["consent_id"] = "A disclosure in a medical emergency is made without consent: leave the consent out, or record it as a disclosure under that consent."
		}
	}
	return core.Invalid(f)
}

// normalise makes text comparable: lower case, letters and digits only,
// single spaces, "&" read as "and".
func normalise(v string) string {
	v = strings.ToLower(strings.ReplaceAll(v, "&", " and "))
	var b strings.Builder
	for _, r := range v {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		} else {
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// tpoPurposes are the purposes a single consent for treatment, payment and
// health care operations covers, normalised.
var tpoPurposes = map[string]bool{"treatment": true, "payment": true, "health care operations": true, "healthcare operations": true,
	normalise(TPOPurpose): true, "treatment payment and health care operations": true}

// covers answers whether a consent covers a disclosure, and if not, what
// is missing, in words. The rule (docs/part2.md): the consent is a Part 2
// consent of the same person, its current version, signed on or before the
// day of the disclosure, not expired and not revoked by then; and it names
// the recipient and the purpose (compared without case, punctuation or
// extra spaces), or it is the single consent for treatment, payment and
// health care operations and the purpose is one of those.
func (c Consent) covers(in DisclosureInput) (ok bool, missing string) {
	switch {
	case c.Kind != ConsentPart2:
		return false, gap("a Part 2 consent (consent to peer support does not cover disclosures)")
	case c.Superseded():
		return false, gap("the newest version of the consent (this one was changed since)")
	case c.WithdrawnOn != "" && in.DisclosedOn >= c.WithdrawnOn:
		return false, gap("an active consent (this one was revoked on %s)", c.WithdrawnOn)
	case c.GivenOn > in.DisclosedOn:
		return false, gap("a consent signed before the disclosure (this one was signed on %s)", c.GivenOn)
	case c.ExpiresOn != "" && in.DisclosedOn > c.ExpiresOn:
		return false, gap("an active consent (this one ended on %s)", c.ExpiresOn)
	}
	tpo := c.TPO && tpoPurposes[normalise(in.Purpose)]
	recipient := !tpo && normalise(c.Recipient) != normalise(in.Recipient)
	purpose := !tpo && normalise(c.Purpose) != normalise(in.Purpose)
	switch {
	case recipient && purpose:
		return false, gap("consent to disclose to “%s” and consent for the purpose “%s”", in.Recipient, in.Purpose)
	case recipient:
		return false, gap("consent to disclose to “%s”", in.Recipient)
	case purpose:
		return false, gap("consent for the purpose “%s”", in.Purpose)
	}
	return true, ""
}

// gap names what a disclosure lacks. It is a piece of the refusal's
// message ("… Missing: %s."), catalogued by its fragment so that pages
// translate it inside the message (internal/i18n, TestEveryMessageIsCatalogued),
// and the API's fields["missing"] as it is.
func gap(fragment string, args ...any) string { return fmt.Sprintf(fragment, args...) }

// refused is the 409 a disclosure without a covering consent gets, with
// what is missing in Fields["missing"].
func refused(missing string) error {
	return &core.Error{Kind: core.KindConflict, Message: fmt.Sprintf("This disclosure is not covered by an active Part 2 consent. Missing: %s.", missing),
		Fields: map[string]string{"missing": missing}}
}

// RecordDisclosure records a disclosure of a person's records outside the
// organisation. It is refused (409, naming what is missing) unless an
// active Part 2 consent covers its recipient and purpose: the one named by
// in.ConsentID, or else any of the person's. The one exception is a
// medical emergency (42 CFR 2.51), recorded as such with its details.
func (s *Store) RecordDisclosure(ctx context.Context, a Actor, personID int64, in DisclosureInput) (Disclosure, error) {
	if !a.MayRecordDisclosure() {
		return Disclosure{}, core.Forbidden("Only workers who support people record disclosures.")
	}
	today := s.Today()
	in.trim(today)
	if err := in.validate(today); err != nil {
		return Disclosure{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		if !in.Emergency {
			// Lock the consents on PostgreSQL so a revocation cannot pass
			// between the check and the insert.
			cs, err := s.queryConsents(ctx, tx, "WHERE c.org_id = $1 AND c.person_id = $2 AND c.kind = $3 ORDER BY c.id DESC"+s.forUpdateOf("c"), a.OrgID, personID, ConsentPart2)
			if err != nil {
				return err
			}
			if in.ConsentID != 0 {
				var named *Consent
				for i := range cs {
					if cs[i].ID == in.ConsentID {
						named = &cs[i]
					}
				}
				if named == nil {
					return core.Invalid(map[string]string{"consent_id": "No Part 2 consent with this id is on the person's record."})
				}
				if ok, missing := named.covers(in); !ok {
					return refused(missing)
				}
			} else {
				// Say what is missing from the consent closest to covering
				// it: one naming this recipient and purpose (revoked or
				// ended), else an active one (naming others), else none.
				missing, rank := gap("a Part 2 consent on the person's record"), 0
				for _, c := range cs {
					ok, m := c.covers(in)
					if ok {
						in.ConsentID = c.ID
						break
					}
					r := 0
					switch {
					case c.Superseded():
					case normalise(c.Recipient) == normalise(in.Recipient) && normalise(c.Purpose) == normalise(in.Purpose):
						r = 3
					case c.ActiveOn(in.DisclosedOn):
						r = 2
					}
					if r > rank {
						missing, rank = m, r
					}
				}
				if in.ConsentID == 0 {
					return refused(missing)
				}
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO disclosures (org_id, person_id, consent_id, recipient, purpose, information, disclosed_on,
			emergency, emergency_nature, recipient_affiliation, disclosed_time, disclosed_by_name, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			a.OrgID, personID, nullID(in.ConsentID), in.Recipient, in.Purpose, in.Information, in.DisclosedOn,
			in.Emergency, in.EmergencyNature, in.RecipientAffiliation, in.DisclosedTime, in.DisclosedByName, ms(s.now()), a.UserID).Scan(&id); err != nil {
			return err
		}
		detail := "person " + idString(personID) + "; consent " + idString(in.ConsentID)
		if in.Emergency {
			detail = "person " + idString(personID) + "; medical emergency (42 CFR 2.51)"
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "disclosure", id, detail)
	})
	if err != nil {
		return Disclosure{}, err
	}
	ds, err := s.queryDisclosures(ctx, s.rdb, "WHERE x.id = $1 AND x.org_id = $2", id, a.OrgID)
	if err != nil || len(ds) == 0 {
		return Disclosure{}, err
	}
	return ds[0], nil
}

const disclosureSelect = `SELECT x.id, x.person_id, COALESCE(x.consent_id, 0), x.recipient, x.purpose, x.information, x.disclosed_on,
	x.emergency, x.emergency_nature, x.recipient_affiliation, x.disclosed_time, x.disclosed_by_name, x.created_at, x.created_by, u.name
	FROM disclosures x JOIN people p ON p.id = x.person_id JOIN users u ON u.id = x.created_by `

func (s *Store) queryDisclosures(ctx context.Context, q querier, where string, args ...any) ([]Disclosure, error) {
	rows, err := q.QueryContext(ctx, disclosureSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Disclosure
	for rows.Next() {
		var d Disclosure
		var created int64
		if err := rows.Scan(&d.ID, &d.PersonID, &d.ConsentID, &d.Recipient, &d.Purpose, &d.Information, &d.DisclosedOn,
			&d.Emergency, &d.EmergencyNature, &d.RecipientAffiliation, &d.DisclosedTime, &d.DisclosedByName, &created, &d.CreatedBy, &d.CreatedByName); err != nil {
			return nil, err
		}
		d.CreatedAt = fromMS(created)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ListDisclosures lists a person's disclosures, newest first, and audits the read.
func (s *Store) ListDisclosures(ctx context.Context, a Actor, personID int64, p Page) (List[Disclosure], error) {
	cond, args, limit, err := datePage(p, "x.disclosed_on", "x.id", []any{a.OrgID, personID})
	if err != nil {
		return List[Disclosure]{}, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[Disclosure]{}, err
	}
	out, err := s.queryDisclosures(ctx, s.rdb, "WHERE x.org_id = $1 AND x.person_id = $2"+cond+fmt.Sprintf(" ORDER BY x.disclosed_on DESC, x.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[Disclosure]{}, err
	}
	out, more := trim(out, limit)
	res := List[Disclosure]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].DisclosedOn, out[len(out)-1].ID)
	}
	return res, s.recordRead(ctx, a, "person", personID, "disclosures")
}

// DisclosureToPrint is a disclosure with the consent it was made under
// (none in an emergency) and the person it is about: what the notice that
// travels with it prints.
type DisclosureToPrint struct {
	Disclosure
	Person  Person
	Consent *Consent
}

// DisclosureForPrinting returns a disclosure the actor may see with its
// consent, and audits the read as a printing.
func (s *Store) DisclosureForPrinting(ctx context.Context, a Actor, disclosureID int64) (DisclosureToPrint, error) {
	cond, args := visibleTo(a, "p", []any{disclosureID, a.OrgID})
	ds, err := s.queryDisclosures(ctx, s.rdb, "WHERE x.id = $1 AND x.org_id = $2 AND "+cond, args...)
	if err != nil {
		return DisclosureToPrint{}, err
	}
	if len(ds) == 0 {
		return DisclosureToPrint{}, core.NotFound("The disclosure")
	}
	out := DisclosureToPrint{Disclosure: ds[0]}
	if out.Person, err = s.person(ctx, s.rdb, a, out.PersonID); err != nil {
		return DisclosureToPrint{}, err
	}
	if out.ConsentID != 0 {
		c, err := s.consent(ctx, s.rdb, a, out.ConsentID)
		if err != nil {
			return DisclosureToPrint{}, err
		}
		out.Consent = &c
	}
	return out, s.recordRead(ctx, a, "disclosure", disclosureID, "printed with the notice; person "+idString(out.PersonID))
}

// AccountingYears is how far back an accounting of disclosures goes
// (42 CFR 2.25(a): "in the 3 years prior to the date of the request").
const AccountingYears = 3

// Accounting is an accounting of a person's disclosures over a period.
type Accounting struct {
	Person      Person
	From, To    string // days, inclusive
	Disclosures []Disclosure
	Consents    map[int64]Consent // the consents they were made under
}

// DisclosureAccounting is the accounting of a person's disclosures from
// the day from (empty: 3 years before today; a shorter period the person
// chooses may start later) to today, oldest first, with the consents they
// were made under. It audits the read.
func (s *Store) DisclosureAccounting(ctx context.Context, a Actor, personID int64, from string) (Accounting, error) {
	today := s.Today()
	earliest := core.Today(s.now().AddDate(-AccountingYears, 0, 0))
	from = strings.TrimSpace(from)
	if from == "" {
		from = earliest
	}
	if !validDate(from) || from > today {
		return Accounting{}, core.Invalid(map[string]string{"from": fmt.Sprintf("Enter the first day of the period, such as %s.", earliest)})
	}
	if from < earliest {
		from = earliest
	}
	p, err := s.person(ctx, s.rdb, a, personID)
	if err != nil {
		return Accounting{}, err
	}
	// The visibility rule again in the query itself: a portal actor's
	// accounting can hold nobody's disclosures but their own.
	cond, args := visibleTo(a, "p", []any{a.OrgID, personID, from})
	ds, err := s.queryDisclosures(ctx, s.rdb, "WHERE x.org_id = $1 AND x.person_id = $2 AND x.disclosed_on >= $3 AND "+cond+" ORDER BY x.disclosed_on, x.id LIMIT 2000", args...)
	if err != nil {
		return Accounting{}, err
	}
	cs, err := s.queryConsents(ctx, s.rdb, "WHERE c.org_id = $1 AND c.person_id = $2 AND c.kind = $3", a.OrgID, personID, ConsentPart2)
	if err != nil {
		return Accounting{}, err
	}
	acc := Accounting{Person: p, From: from, To: today, Disclosures: ds, Consents: map[int64]Consent{}}
	for _, c := range cs {
		acc.Consents[c.ID] = c
	}
	return acc, s.recordRead(ctx, a, "person", personID, "accounting of disclosures from "+from)
}

// MyDisclosures is the accounting of the portal actor's own disclosures
// over the last 3 years (42 CFR 2.25), oldest first, with the consents they
// were made under: what the person reads in their portal. The person is the
// actor's own, never one named by the caller; anyone but a person signed in
// to their portal gets "not found". The read is audited, as every portal
// read is.
func (s *Store) MyDisclosures(ctx context.Context, a Actor) (Accounting, error) {
	if !a.IsPerson() {
		return Accounting{}, core.NotFound("The account")
	}
	return s.DisclosureAccounting(ctx, a, a.PersonID, "")
}

// HasDisclosures reports whether an organisation has recorded any
// disclosure (the demo loads its Part 2 records once).
func (s *Store) HasDisclosures(ctx context.Context, orgID int64) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM disclosures WHERE org_id = $1 LIMIT 1) t", orgID).Scan(&n)
	return n > 0, err
}
