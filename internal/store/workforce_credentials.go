package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/workforce"
)

// Credentials held (CPS, Recovery Coach, others), each with the body that
// issued it; the continuing education logged against them; and the
// organisation's settings per credential type: its renewal rule (peerpath
// ships none) and whether the organisation is itself the certifying body (off
// by default: a course teaches, its certifying body certifies).

// Credential is a credential a worker holds, with its expiry reminder as of
// the day it was loaded.
type Credential struct {
	ID         int64
	WorkerID   int64
	WorkerName string
	Kind       workforce.CredentialKind
	Name       string // for CredentialOther
	Number     string
	Issuer     string // the body that granted it, e.g. Transformation Center
	IssuedOn   string
	ExpiresOn  string // "" when it does not expire
	Source     string
	// RenewalRule is the organisation's renewal rule in force when the
	// credential was recorded, in words; "" when none was set (then no
	// expiry was worked out, and RenewalRuleLabel says so).
	RenewalRule string
	Reminder    workforce.Reminder
	Current     bool // held today: issued and not expired
}

// RenewalRuleLabel is the renewal rule the credential was recorded under,
// or "Renewal rule not set".
func (c Credential) RenewalRuleLabel() string {
	if c.RenewalRule == "" {
		return workforce.RenewalRuleNotSet
	}
	return c.RenewalRule
}

// Label names the credential: its type, or the name given for "other".
func (c Credential) Label() string {
	if c.Kind == workforce.CredentialOther && c.Name != "" {
		return c.Name
	}
	return c.Kind.Label()
}

// NewCredential is what recording a credential needs.
type NewCredential struct {
	Kind                 workforce.CredentialKind
	Name, Number, Issuer string
	IssuedOn, ExpiresOn  string
}

func checkCredential(in *NewCredential, today string) error {
	in.Name, in.Number, in.Issuer = strings.TrimSpace(in.Name), strings.TrimSpace(in.Number), strings.TrimSpace(in.Issuer)
	f := map[string]string{}
	if !in.Kind.Valid() {
		f["kind"] = "Choose the kind of credential."
	}
	if in.Kind == workforce.CredentialOther {
		checkText(f, "name", in.Name, 200, "Give the credential's name.")
	} else {
		checkText(f, "name", in.Name, 200, "")
	}
	checkText(f, "number", in.Number, 100, "")
	checkText(f, "issuer", in.Issuer, 200, "Name the body that granted the credential, for example Transformation Center.")
	checkDate(f, "issued_on", in.IssuedOn, today, true, "Enter the date the credential was issued.")
	if in.ExpiresOn != "" {
		checkDate(f, "expires_on", in.ExpiresOn, today, false, "")
		if f["expires_on"] == "" && f["issued_on"] == "" && in.ExpiresOn < in.IssuedOn {
			f["expires_on"] = "The credential cannot expire before it was issued."
		}
	}
	return core.Invalid(f)
}

// AddCredential records a credential a worker holds.
func (s *Store) AddCredential(ctx context.Context, a Actor, workerID int64, in NewCredential) (int64, error) {
	verr := checkCredential(&in, s.today())
	return s.changeWorker(ctx, a, workerID, false, "credential added", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		return s.insertCredential(ctx, tx, a, w.ID, in, "")
	})
}

// insertCredential records a credential under the organisation's renewal
// rule for its kind: with a rule and no expiry date given, the expiry is
// worked out from it; without one, none is, and the record says the rule is
// not set.
func (s *Store) insertCredential(ctx context.Context, tx *sql.Tx, a Actor, workerID int64, in NewCredential, source string) (int64, error) {
	rules, err := credentialRulesIn(ctx, tx, a.OrgID)
	if err != nil {
		return 0, err
	}
	ruleWords := ""
	if rule := rules[in.Kind]; !rule.IsZero() {
		ruleWords = rule.Describe()
		if in.ExpiresOn == "" {
			in.ExpiresOn = workforce.ExpiryFor(rule, in.IssuedOn)
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO credentials (org_id, user_id, kind, name, number, issuer, issued_on, expires_on, source, renewal_rule, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.OrgID, workerID, string(in.Kind), in.Name, in.Number, in.Issuer, in.IssuedOn, in.ExpiresOn, source, ruleWords, ms(s.now()), a.UserID).Scan(&id)
	return id, err
}

const credentialColumns = `c.id, c.user_id, u.name, c.kind, c.name, c.number, c.issuer, c.issued_on, c.expires_on, c.source, c.renewal_rule`

const credentialFrom = ` FROM credentials c JOIN users u ON u.id = c.user_id `

func scanCredential(today string) func(sc interface{ Scan(...any) error }) (Credential, error) {
	return func(sc interface{ Scan(...any) error }) (Credential, error) {
		var c Credential
		var kind string
		err := sc.Scan(&c.ID, &c.WorkerID, &c.WorkerName, &kind, &c.Name, &c.Number, &c.Issuer, &c.IssuedOn, &c.ExpiresOn, &c.Source, &c.RenewalRule)
		c.Kind = workforce.CredentialKind(kind)
		c.Reminder = workforce.ReminderFor(c.ExpiresOn, today)
		c.Current = workforce.Current(c.IssuedOn, c.ExpiresOn, today)
		return c, err
	}
}

// Credentials lists a worker's credentials in the order they were recorded.
func (s *Store) Credentials(ctx context.Context, a Actor, workerID int64, p Page) (List[Credential], error) {
	var after int64
	if _, err := decodeCursor(p.Cursor, &after); err != nil {
		return List[Credential]{}, err
	}
	w, err := s.readWorker(ctx, a, workerID, "credentials")
	if err != nil {
		return List[Credential]{}, err
	}
	limit := p.limit()
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+credentialColumns+credentialFrom+fmt.Sprintf("WHERE c.org_id = $1 AND c.user_id = $2 AND c.id > $3 ORDER BY c.id LIMIT %d", limit+1),
		a.OrgID, w.ID, after)
	if err != nil {
		return List[Credential]{}, err
	}
	cs, err := collect(rows, scanCredential(s.today()))
	if err != nil {
		return List[Credential]{}, err
	}
	cs, more := trim(cs, limit)
	res := List[Credential]{Items: cs}
	if more {
		res.Next = encodeCursor(cs[len(cs)-1].ID)
	}
	return res, nil
}

// CEHours is continuing education logged against a credential.
type CEHours struct {
	ID          int64
	CompletedOn string
	Title       string
	Hours       workforce.Hours
	EthicsHours workforce.Hours
	RecordedBy  string
}

// NewCEHours is what logging continuing education needs.
type NewCEHours struct {
	CompletedOn string
	Title       string
	Hours       workforce.Hours
	EthicsHours workforce.Hours
	HoursError  string // parse errors from a form, reported with the others
	EthicsError string
}

// Renewal is how far a credential's continuing education has come in the
// current renewal period.
type Renewal struct {
	Rule              workforce.RenewalRule
	From, To          string // the period, both ends included; "" without a rule
	Hours, Ethics     workforce.Hours
	HoursLeft         workforce.Hours
	EthicsLeft        workforce.Hours
	Met               bool
	PercentHours      int // 0–100, for a progress bar
	PercentEthics     int
	HasRule, InPeriod bool
}

// CredentialDetail is one credential with its continuing education and
// renewal progress.
type CredentialDetail struct {
	Worker     Worker
	Credential Credential
	Hours      []CEHours
	Renewal    Renewal
}

// Credential returns one of a worker's credentials with its continuing
// education and progress towards renewal.
func (s *Store) Credential(ctx context.Context, a Actor, workerID, credentialID int64) (CredentialDetail, error) {
	w, err := s.readWorker(ctx, a, workerID, fmt.Sprintf("credential %d", credentialID))
	if err != nil {
		return CredentialDetail{}, err
	}
	today := s.today()
	c, err := scanCredential(today)(s.rdb.QueryRowContext(ctx, "SELECT "+credentialColumns+credentialFrom+"WHERE c.id = $1 AND c.org_id = $2 AND c.user_id = $3", credentialID, a.OrgID, w.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return CredentialDetail{}, core.NotFound("The credential")
	}
	if err != nil {
		return CredentialDetail{}, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT h.id, h.completed_on, h.title, h.hours_x100, h.ethics_hours_x100, COALESCE(u.name, '')
		FROM credential_hours h LEFT JOIN users u ON u.id = h.created_by
		WHERE h.org_id = $1 AND h.credential_id = $2 ORDER BY h.completed_on DESC, h.id DESC LIMIT 1000`, a.OrgID, c.ID)
	if err != nil {
		return CredentialDetail{}, err
	}
	hs, err := collect(rows, func(sc interface{ Scan(...any) error }) (CEHours, error) {
		var h CEHours
		var hrs, eth int64
		err := sc.Scan(&h.ID, &h.CompletedOn, &h.Title, &hrs, &eth, &h.RecordedBy)
		h.Hours, h.EthicsHours = workforce.Hours(hrs), workforce.Hours(eth)
		return h, err
	})
	if err != nil {
		return CredentialDetail{}, err
	}
	rules, err := s.CredentialRules(ctx, a.OrgID)
	if err != nil {
		return CredentialDetail{}, err
	}
	return CredentialDetail{Worker: w, Credential: c, Hours: hs, Renewal: renewalOf(rules[c.Kind], c, hs, today)}, nil
}

func renewalOf(rule workforce.RenewalRule, c Credential, hs []CEHours, today string) Renewal {
	r := Renewal{Rule: rule}
	from, to, ok := workforce.RenewalPeriod(rule, c.IssuedOn, c.ExpiresOn, today)
	if !ok {
		return r
	}
	r.HasRule, r.From, r.To = true, from, to
	r.InPeriod = today >= from && today <= to
	for _, h := range hs {
		if h.CompletedOn >= from && h.CompletedOn <= to {
			r.Hours += h.Hours
			r.Ethics += h.EthicsHours
		}
	}
	r.HoursLeft, r.EthicsLeft = max(rule.Hours-r.Hours, 0), max(rule.EthicsHours-r.Ethics, 0)
	r.Met = r.HoursLeft == 0 && r.EthicsLeft == 0
	r.PercentHours, r.PercentEthics = percent(r.Hours, rule.Hours), percent(r.Ethics, rule.EthicsHours)
	return r
}

func percent(have, need workforce.Hours) int {
	if need <= 0 {
		return 100
	}
	return int(min(100, have*100/need))
}

// AddCEHours logs continuing education against one of a worker's
// credentials. Ethics hours are part of the hours, counted again separately.
func (s *Store) AddCEHours(ctx context.Context, a Actor, workerID, credentialID int64, in NewCEHours) (int64, error) {
	in.Title = strings.TrimSpace(in.Title)
	f := map[string]string{}
	checkDate(f, "completed_on", in.CompletedOn, s.today(), true, "Enter the date of the training or event.")
	checkText(f, "title", in.Title, 300, "Say what the hours were for, for example: Ethics and boundaries refresher.")
	switch {
	case in.HoursError != "":
		f["hours"] = in.HoursError
	case in.Hours <= 0 || in.Hours > 20000:
		f["hours"] = "Enter the hours, more than 0 and at most 200."
	}
	switch {
	case in.EthicsError != "":
		f["ethics_hours"] = in.EthicsError
	case in.EthicsHours < 0:
		f["ethics_hours"] = "Enter 0 or more ethics hours."
	case f["hours"] == "" && in.EthicsHours > in.Hours:
		f["ethics_hours"] = "Ethics hours are part of the hours, so they cannot be more than the hours."
	}
	verr := core.Invalid(f)
	return s.changeWorker(ctx, a, workerID, false, "continuing education added", func(tx *sql.Tx, w Worker) (int64, error) {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM credentials WHERE id = $1 AND org_id = $2 AND user_id = $3", credentialID, a.OrgID, w.ID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, core.NotFound("The credential")
		}
		if verr != nil {
			return 0, verr
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO credential_hours (org_id, credential_id, user_id, completed_on, title, hours_x100, ethics_hours_x100, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			a.OrgID, credentialID, w.ID, in.CompletedOn, in.Title, int64(in.Hours), int64(in.EthicsHours), ms(s.now()), a.UserID).Scan(&id)
		return id, err
	})
}

// CredentialRules returns the organisation's renewal rule for each kind of
// credential: the one an administrator set, or the zero rule (no rule set).
// peerpath ships no renewal rule: the certifying bodies set them, and an
// organisation enters what applies to it.
func (s *Store) CredentialRules(ctx context.Context, orgID int64) (map[workforce.CredentialKind]workforce.RenewalRule, error) {
	return credentialRulesIn(ctx, s.rdb, orgID)
}

func credentialRulesIn(ctx context.Context, q querier, orgID int64) (map[workforce.CredentialKind]workforce.RenewalRule, error) {
	out := map[workforce.CredentialKind]workforce.RenewalRule{}
	for _, k := range workforce.CredentialKinds {
		out[k] = workforce.RenewalRule{}
	}
	rows, err := q.QueryContext(ctx, "SELECT kind, hours_x100, ethics_hours_x100, period_months FROM credential_rules WHERE org_id = $1", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var r workforce.RenewalRule
		var h, e int64
		if err := rows.Scan(&kind, &h, &e, &r.PeriodMonths); err != nil {
			return nil, err
		}
		r.Hours, r.EthicsHours = workforce.Hours(h), workforce.Hours(e)
		if r.PeriodMonths <= 0 {
			r = workforce.RenewalRule{} // saved as "no rule"
		}
		out[workforce.CredentialKind(kind)] = r
	}
	return out, rows.Err()
}

// RuleUpdate is a renewal rule as typed: hours may have failed to parse.
type RuleUpdate struct {
	Kind         workforce.CredentialKind
	Rule         workforce.RenewalRule
	HoursError   string
	EthicsError  string
	PeriodsError string
	// Certifies, when not nil, sets whether the organisation is the
	// certifying body for this kind of credential.
	Certifies *bool
}

// SetCredentialRules sets the organisation's renewal rules for kinds of
// credential, and where given whether it certifies them, all or none: every rule is checked first, and the problems of
// all of them reported together. A period of 0 months means "no rule".
// Administrators only.
func (s *Store) SetCredentialRules(ctx context.Context, a Actor, ups []RuleUpdate) error {
	if !a.MayChangeOrgSettings() {
		return core.Forbidden("Only administrators set renewal rules.")
	}
	f := map[string]string{}
	for _, in := range ups {
		if !in.Kind.Valid() {
			return core.NotFound("This kind of credential")
		}
		p := string(in.Kind) + "."
		r := in.Rule
		switch {
		case in.HoursError != "":
			f[p+"hours"] = in.HoursError
		case r.Hours < 0 || r.Hours > 100000:
			f[p+"hours"] = "Enter a number of hours from 0 to 1000."
		}
		switch {
		case in.EthicsError != "":
			f[p+"ethics_hours"] = in.EthicsError
		case r.EthicsHours < 0:
			f[p+"ethics_hours"] = "Enter 0 or more hours."
		case f[p+"hours"] == "" && r.EthicsHours > r.Hours:
			f[p+"ethics_hours"] = "Ethics hours are part of the hours, so they cannot be more."
		}
		switch {
		case in.PeriodsError != "":
			f[p+"period_months"] = in.PeriodsError
		case r.PeriodMonths < 0 || r.PeriodMonths > 120:
			f[p+"period_months"] = "Enter a period from 1 to 120 months, or 0 for no rule."
		}
	}
	if err := core.Invalid(f); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, in := range ups {
			r := in.Rule
			_, err := tx.ExecContext(ctx, `INSERT INTO credential_rules (org_id, kind, hours_x100, ethics_hours_x100, period_months, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (org_id, kind) DO UPDATE SET hours_x100 = excluded.hours_x100, ethics_hours_x100 = excluded.ethics_hours_x100,
					period_months = excluded.period_months, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				a.OrgID, string(in.Kind), int64(r.Hours), int64(r.EthicsHours), r.PeriodMonths, ms(s.now()), a.UserID)
			if err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, audit.ActionUpdate, "credential_rule", 0, string(in.Kind)); err != nil {
				return err
			}
			if in.Certifies == nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO credential_issuers (org_id, kind, certifies, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (org_id, kind) DO UPDATE SET certifies = excluded.certifies, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				a.OrgID, string(in.Kind), *in.Certifies, ms(s.now()), a.UserID); err != nil {
				return err
			}
			detail := string(in.Kind) + " certifying body off"
			if *in.Certifies {
				detail = string(in.Kind) + " certifying body on"
			}
			if err := s.record(ctx, tx, a, audit.ActionUpdate, "credential_issuer", 0, detail); err != nil {
				return err
			}
		}
		return nil
	})
}

// credentialsFor loads the credentials of many workers at once.
func (s *Store) credentialsFor(ctx context.Context, orgID int64, workerIDs []int64, today string) (map[int64][]Credential, error) {
	out := map[int64][]Credential{}
	if len(workerIDs) == 0 {
		return out, nil
	}
	ph, args := inList(workerIDs, []any{orgID})
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+credentialColumns+credentialFrom+"WHERE c.org_id = $1 AND c.user_id IN ("+ph+") ORDER BY c.user_id, c.id",
		args...)
	if err != nil {
		return nil, err
	}
	cs, err := collect(rows, scanCredential(today))
	for _, c := range cs {
		out[c.WorkerID] = append(out[c.WorkerID], c)
	}
	return out, err
}

// holdsPeerCredential reports whether a user holds a current CPS or
// Recovery Coach credential: the default for "the supervisor holds a peer
// credential" on a supervision session.
func (s *Store) holdsPeerCredential(ctx context.Context, q querier, orgID, userID int64, today string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM credentials WHERE org_id = $1 AND user_id = $2 AND kind IN ('cps', 'recovery-coach')
		AND issued_on <= $3 AND (expires_on = '' OR expires_on >= $3)`, orgID, userID, today).Scan(&n)
	return n > 0, err
}

// HoldsPeerCredential reports whether a user of the organisation holds a
// current peer credential (CPS or Recovery Coach) today.
func (s *Store) HoldsPeerCredential(ctx context.Context, orgID, userID int64) (bool, error) {
	return s.holdsPeerCredential(ctx, s.rdb, orgID, userID, s.today())
}

// CertifyingBodies returns, for each kind of credential, whether an
// administrator has set the organisation up as its certifying body. All are
// false until one does: teaching a course is not certifying its graduates.
func (s *Store) CertifyingBodies(ctx context.Context, orgID int64) (map[workforce.CredentialKind]bool, error) {
	return certifyingBodiesIn(ctx, s.rdb, orgID)
}

func certifyingBodiesIn(ctx context.Context, q querier, orgID int64) (map[workforce.CredentialKind]bool, error) {
	out := map[workforce.CredentialKind]bool{}
	for _, k := range workforce.CredentialKinds {
		out[k] = false
	}
	rows, err := q.QueryContext(ctx, "SELECT kind, certifies FROM credential_issuers WHERE org_id = $1", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var on bool
		if err := rows.Scan(&kind, &on); err != nil {
			return nil, err
		}
		out[workforce.CredentialKind(kind)] = on
	}
	return out, rows.Err()
}
