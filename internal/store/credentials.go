package store

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"peerpath/internal/audit"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/credential"
)

// This file makes each certificate an Open Badges 3.0 credential: its
// status-list bit, the organisation's signing key and public profile, and
// its revocation list. Everything here is public by design (what the
// credential says is what the printed certificate says); nothing else about
// the person or the cohort is given out.

// ErrNoCredentialKey is returned when the installation has no credential
// key, so nothing can be signed.
var ErrNoCredentialKey = errors.New("this installation has no credential key (credential.key in the data directory)")

// orgKey is an organisation's Ed25519 signing key.
func (s *Store) orgKey(orgID int64) (ed25519.PrivateKey, error) {
	if len(s.keys.Credential) == 0 {
		return nil, ErrNoCredentialKey
	}
	return credential.OrgKey(s.keys.Credential, orgID)
}

// allocateStatusIndex gives a new certificate the next bit of its
// organisation's status list, recording the organisation's public key the
// first time (so that a replaced credential.key is noticed at start).
func (s *Store) allocateStatusIndex(ctx context.Context, tx *sql.Tx, orgID int64) (int64, error) {
	key, err := s.orgKey(orgID)
	if err != nil {
		return 0, err
	}
	pub := credential.EncodeMultikey(key.Public().(ed25519.PublicKey))
	var next int64
	err = tx.QueryRowContext(ctx, `INSERT INTO badge_issuers (org_id, next_status_index, public_key, created_at) VALUES ($1, 1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET next_status_index = badge_issuers.next_status_index + 1, public_key = $2
		RETURNING next_status_index`, orgID, pub, ms(s.now())).Scan(&next)
	return next - 1, err
}

// CheckCredentialKey makes sure the installation's credential key is the
// one the organisations' credentials were signed with: a key that does not
// derive the public keys recorded would make every credential issued so far
// fail verification.
func (s *Store) CheckCredentialKey(ctx context.Context) error {
	rows, err := s.rdb.QueryContext(ctx, "SELECT org_id, public_key FROM badge_issuers WHERE public_key <> '' ORDER BY org_id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var org int64
		var pub string
		if err := rows.Scan(&org, &pub); err != nil {
			return err
		}
		key, err := s.orgKey(org)
		if err != nil {
			return fmt.Errorf("organisation %d has issued credentials: %w", org, err)
		}
		if credential.EncodeMultikey(key.Public().(ed25519.PublicKey)) != pub {
			return fmt.Errorf("the credential key is not the one organisation %d signed its credentials with (its public key is %s)", org, pub)
		}
	}
	return rows.Err()
}

// HasIssuedCredentials reports whether any organisation has issued a
// credential, so a missing credential key must not be replaced by a new one.
func (s *Store) HasIssuedCredentials(ctx context.Context) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM badge_issuers WHERE public_key <> ''").Scan(&n)
	return n > 0, err
}

// Gone is the error of asking for the credential of a revoked certificate.
func Gone() error {
	return &core.Error{Kind: core.KindGone, Message: "This certificate was revoked, so its credential is no longer given out."}
}

// IssuedCredential is a certificate's credential, ready to be signed in
// either form.
type IssuedCredential struct {
	Badge credential.Badge
	key   ed25519.PrivateKey
}

// JSONLD is the credential with its embedded eddsa-rdfc-2022 proof.
func (c IssuedCredential) JSONLD() (map[string]any, error) { return c.Badge.Sign(c.key) }

// JWT is the credential as a vc+jwt.
func (c IssuedCredential) JWT() (string, error) { return credential.SignJWT(c.Badge, c.key) }

// publicCertificate looks a certificate up by its code for anyone and
// audits the lookup for the issuing organisation with the certificate's
// id, the caller's address and what was done (no name).
func (s *Store) publicCertificate(ctx context.Context, code, ip, detail string) (int64, Certificate, error) {
	notFound := core.NotFound("No certificate with this code. The certificate")
	norm, ok := cohort.NormalizeCode(code)
	if !ok {
		return 0, Certificate{}, notFound
	}
	var orgID int64
	c, err := scanCertificate(s.rdb.QueryRowContext(ctx, "SELECT org_id, "+certificateColumns+" FROM certificates WHERE code = $1", norm), &orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Certificate{}, notFound
	}
	if err != nil {
		return 0, Certificate{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		return s.appendAudit(ctx, tx, audit.Entry{OrgID: orgID, IP: ip, Action: audit.ActionRead, RecordType: "certificate", RecordID: idString(c.ID), Detail: detail})
	})
	return orgID, c, err
}

// CertificateCredential returns the credential of the certificate with
// this code, for anyone (no sign-in): base is the server's public address,
// written into the credential. An unknown code is not found; a revoked
// certificate is Gone. The download is audited like a verification.
func (s *Store) CertificateCredential(ctx context.Context, code, base, ip string) (IssuedCredential, error) {
	orgID, c, err := s.publicCertificate(ctx, code, ip, "credential downloaded")
	if err != nil {
		return IssuedCredential{}, err
	}
	revoked, err := s.revokedInList(ctx, orgID, c.StatusIndex)
	if err != nil {
		return IssuedCredential{}, err
	}
	if revoked {
		return IssuedCredential{}, Gone()
	}
	org, err := s.Organisation(ctx, orgID)
	if err != nil {
		return IssuedCredential{}, err
	}
	var rule cohort.Rule
	var confirmed int64
	if err := s.rdb.QueryRowContext(ctx, "SELECT attendance_percent, written_exam, written_pass_mark, oral_exam, attempts, rule_confirmed_at FROM cohorts WHERE id = $1 AND org_id = $2",
		c.CohortID, orgID).Scan(&rule.AttendancePercent, &rule.WrittenExam, &rule.WrittenPassMark, &rule.OralExam, &rule.Attempts, &confirmed); err != nil {
		return IssuedCredential{}, err
	}
	rule.Confirmed = confirmed != 0
	key, err := s.orgKey(orgID)
	if err != nil {
		return IssuedCredential{}, err
	}
	// The rule is the issuer's: said in its name, not "your organisation's".
	criteria := strings.Replace(rule.Describe(), rule.Owner(), c.Issuer+"'s rule", 1)
	return IssuedCredential{key: key, Badge: credential.Badge{
		Base: base, OrgID: orgID, OrgName: org.Name, Code: c.GroupedCode(), Recipient: c.Recipient, Programme: c.Programme,
		Criteria: criteria, CohortID: c.CohortID, IssuedAt: c.IssuedAt, StatusIndex: c.StatusIndex, Demo: c.Demo,
	}}, nil
}

// revokedIndexes are the status-list bits an organisation has set: its
// revoked certificates. The published list and the verification page both
// read them here.
func (s *Store) revokedIndexes(ctx context.Context, orgID int64) ([]int64, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT status_index FROM certificates WHERE org_id = $1 AND revoked_at <> 0 AND status_index >= 0 ORDER BY status_index", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var i int64
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// revokedInList reports whether a certificate's bit is set in its
// organisation's status list.
func (s *Store) revokedInList(ctx context.Context, orgID, index int64) (bool, error) {
	set, err := s.revokedIndexes(ctx, orgID)
	if err != nil {
		return false, err
	}
	enc, err := credential.EncodeList(set)
	if err != nil {
		return false, err
	}
	bits, err := credential.DecodeList(enc)
	if err != nil {
		return false, err
	}
	return credential.BitSet(bits, index)
}

// issuerOrg is an organisation that publishes credential documents: any
// organisation, demo ones included.
func (s *Store) issuerOrg(ctx context.Context, orgID int64) (Organisation, error) {
	org, err := s.Organisation(ctx, orgID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && org.ID == 0) {
		return Organisation{}, core.NotFound("The issuer")
	}
	return org, err
}

// IssuerProfile is an organisation's public Open Badges profile with its
// public key, for anyone.
func (s *Store) IssuerProfile(ctx context.Context, orgID int64, base string) (credential.IssuerProfile, error) {
	org, err := s.issuerOrg(ctx, orgID)
	if err != nil {
		return credential.IssuerProfile{}, err
	}
	key, err := s.orgKey(orgID)
	if err != nil {
		return credential.IssuerProfile{}, err
	}
	return credential.Profile(base, orgID, org.Name, key.Public().(ed25519.PublicKey)), nil
}

// StatusList is an organisation's signed revocation list as of now, for
// anyone.
func (s *Store) StatusList(ctx context.Context, orgID int64, base string) (map[string]any, error) {
	if _, err := s.issuerOrg(ctx, orgID); err != nil {
		return nil, err
	}
	key, err := s.orgKey(orgID)
	if err != nil {
		return nil, err
	}
	set, err := s.revokedIndexes(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return credential.SignStatusList(base, orgID, set, key, s.now())
}

// LocalResolver verifies credentials this installation issued, from its
// own database and without the network: keys and status lists at base's
// credential URLs. Anything else is refused as not issued here.
func (s *Store) LocalResolver(base string) credential.Resolver {
	return localResolver{s: s, base: base}
}

type localResolver struct {
	s    *Store
	base string
}

// orgIn reads the organisation id from one of base's credential URLs.
func (l localResolver) orgIn(u, prefix, suffix string) (int64, error) {
	rest, ok := strings.CutPrefix(u, l.base+prefix)
	if ok {
		rest, ok = strings.CutSuffix(rest, suffix)
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if !ok || err != nil || id <= 0 || strconv.FormatInt(id, 10) != rest {
		return 0, fmt.Errorf("%s was not issued by this peerpath (%s)", u, l.base)
	}
	return id, nil
}

func (l localResolver) Key(ctx context.Context, vm string) (ed25519.PublicKey, error) {
	org, err := l.orgIn(vm, "/credentials/issuers/", "#key-1")
	if err != nil {
		return nil, err
	}
	p, err := l.s.IssuerProfile(ctx, org, l.base)
	if err != nil {
		return nil, err
	}
	return credential.DecodeMultikey(p.VerificationMethod[0].PublicKeyMultibase)
}

func (l localResolver) StatusList(ctx context.Context, u string) (map[string]any, error) {
	org, err := l.orgIn(u, "/credentials/status/", "")
	if err != nil {
		return nil, err
	}
	return l.s.StatusList(ctx, org, l.base)
}
