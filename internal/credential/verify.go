package credential

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Resolver finds what verification needs from outside the credential: the
// issuer's public key and its status list.
type Resolver interface {
	// Key returns the public key a verification method names.
	Key(ctx context.Context, verificationMethod string) (ed25519.PublicKey, error)
	// StatusList returns the status list credential at url, as JSON.
	StatusList(ctx context.Context, url string) (map[string]any, error)
}

// Check is one thing verification looked at.
type Check struct {
	Name   string // format, signature, dates, status
	OK     bool
	Detail string
}

// Report is the outcome of verifying a credential.
type Report struct {
	Format     string // "Data Integrity proof (eddsa-rdfc-2022)" or "JWT (vc+jwt, EdDSA)"
	Name       string
	Issuer     string
	Recipient  string
	Checks     []Check
	Credential map[string]any
}

// OK reports whether every check passed.
func (r Report) OK() bool {
	if len(r.Checks) == 0 {
		return false
	}
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Failed names the first check that failed, or "".
func (r Report) Failed() string {
	for _, c := range r.Checks {
		if !c.OK {
			return c.Name
		}
	}
	return ""
}

func (r *Report) add(name string, err error, okDetail string) bool {
	if err != nil {
		r.Checks = append(r.Checks, Check{Name: name, Detail: err.Error()})
		return false
	}
	r.Checks = append(r.Checks, Check{Name: name, OK: true, Detail: okDetail})
	return true
}

// Verify checks a credential file, JSON-LD with an embedded proof or a
// vc+jwt: that it is one, its signature (by a key of the issuer it names),
// its dates as of now, and its revocation status. It stops at the first
// failure, except that dates and status are both reported once the
// signature holds.
func Verify(ctx context.Context, raw []byte, res Resolver, now time.Time) Report {
	var r Report
	raw = bytes.TrimSpace(raw)
	resolve := func(vm string) (ed25519.PublicKey, error) { return res.Key(ctx, vm) }
	var doc map[string]any
	var vm string
	var sigErr error
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &doc); err != nil {
			r.add("format", fmt.Errorf("the file is not JSON: %w", err), "")
			return r
		}
		r.Format = "Data Integrity proof (eddsa-rdfc-2022)"
		var p Proof
		p, sigErr = VerifyProof(doc, resolve, nil)
		vm = p.VerificationMethod
	} else if parts := strings.Split(string(raw), "."); len(parts) == 3 {
		r.Format = "JWT (vc+jwt, EdDSA)"
		doc, vm, sigErr = VerifyJWT(string(raw), resolve)
		if doc == nil && !errors.Is(sigErr, ErrSignature) {
			r.add("format", fmt.Errorf("the JWT cannot be read: %w", sigErr), "")
			return r
		}
	} else {
		r.add("format", errors.New("the file is neither a JSON-LD credential nor a JWT"), "")
		return r
	}
	r.Credential = doc
	r.Name, _ = doc["name"].(string)
	issuer := issuerID(doc)
	r.Issuer = issuerName(doc)
	r.Recipient = recipient(doc)
	if !r.add("format", checkShape(doc, issuer), r.Format) {
		return r
	}
	if sigErr == nil && strings.SplitN(vm, "#", 2)[0] != issuer {
		sigErr = fmt.Errorf("the credential was signed with %s, which is not a key of its issuer %s", vm, issuer)
	}
	if !r.add("signature", sigErr, "signed by "+issuer) {
		return r
	}
	r.add("dates", checkDates(doc, now), "valid now")
	r.add("status", checkStatus(ctx, doc, issuer, res), "not revoked")
	return r
}

func issuerID(doc map[string]any) string {
	switch v := doc["issuer"].(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["id"].(string)
		return s
	}
	return ""
}

func issuerName(doc map[string]any) string {
	if m, ok := doc["issuer"].(map[string]any); ok {
		if n, _ := m["name"].(string); n != "" {
			return n
		}
	}
	return issuerID(doc)
}

func recipient(doc map[string]any) string {
	sub, _ := doc["credentialSubject"].(map[string]any)
	ids, _ := sub["identifier"].([]any)
	for _, v := range ids {
		if m, ok := v.(map[string]any); ok && m["identityType"] == "name" && m["hashed"] == false {
			s, _ := m["identityHash"].(string)
			return s
		}
	}
	return ""
}

func hasType(v any, want string) bool {
	switch t := v.(type) {
	case string:
		return t == want
	case []any:
		for _, x := range t {
			if x == want {
				return true
			}
		}
	}
	return false
}

func checkShape(doc map[string]any, issuer string) error {
	ctx, _ := doc["@context"].([]any)
	if len(ctx) == 0 || ctx[0] != ContextV2 {
		return fmt.Errorf("the first @context is not %s", ContextV2)
	}
	if !hasType(doc["type"], "VerifiableCredential") {
		return errors.New("the type does not include VerifiableCredential")
	}
	if issuer == "" {
		return errors.New("the credential names no issuer")
	}
	return nil
}

func parseStamp(doc map[string]any, key string) (time.Time, bool, error) {
	s, ok := doc[key].(string)
	if !ok {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, true, fmt.Errorf("%s %q is not a date and time", key, s)
	}
	return t, true, nil
}

func checkDates(doc map[string]any, now time.Time) error {
	from, ok, err := parseStamp(doc, "validFrom")
	if err != nil {
		return err
	}
	if ok && now.Before(from) {
		return fmt.Errorf("not valid until %s", from.UTC().Format(time.RFC3339))
	}
	until, ok, err := parseStamp(doc, "validUntil")
	if err != nil {
		return err
	}
	if ok && !now.Before(until) {
		return fmt.Errorf("expired on %s", until.UTC().Format(time.RFC3339))
	}
	return nil
}

// ErrRevoked is a credential whose bit is set in its revocation list.
var ErrRevoked = errors.New("revoked by its issuer")

func checkStatus(ctx context.Context, doc map[string]any, issuer string, res Resolver) error {
	entry, ok := doc["credentialStatus"].(map[string]any)
	if !ok {
		if doc["credentialStatus"] != nil {
			return errors.New("credentialStatus cannot be read (one entry is expected)")
		}
		return nil // no status: nothing can revoke it
	}
	if entry["type"] != "BitstringStatusListEntry" || entry["statusPurpose"] != "revocation" {
		return fmt.Errorf("the status is a %v for %v; only a BitstringStatusListEntry for revocation is understood", entry["type"], entry["statusPurpose"])
	}
	listURL, _ := entry["statusListCredential"].(string)
	idxText, _ := entry["statusListIndex"].(string)
	idx, err := strconv.ParseInt(idxText, 10, 64)
	if err != nil || listURL == "" {
		return errors.New("the status entry gives no list or no index")
	}
	list, err := res.StatusList(ctx, listURL)
	if err != nil {
		return fmt.Errorf("the status list at %s cannot be read: %w", listURL, err)
	}
	p, err := VerifyProof(list, func(vm string) (ed25519.PublicKey, error) { return res.Key(ctx, vm) }, nil)
	if err != nil {
		return fmt.Errorf("the status list's signature does not hold: %w", err)
	}
	if strings.SplitN(p.VerificationMethod, "#", 2)[0] != issuer || issuerID(list) != issuer {
		return errors.New("the status list was not issued by the credential's issuer")
	}
	if id, _ := list["id"].(string); id != listURL {
		return errors.New("the status list is not the one the credential names")
	}
	sub, _ := list["credentialSubject"].(map[string]any)
	if sub["statusPurpose"] != "revocation" {
		return errors.New("the status list is not a revocation list")
	}
	enc, _ := sub["encodedList"].(string)
	bits, err := DecodeList(enc)
	if err != nil {
		return err
	}
	set, err := BitSet(bits, idx)
	if err != nil {
		return err
	}
	if set {
		return ErrRevoked
	}
	return nil
}

// WebResolver resolves keys and status lists over HTTPS (did:key keys
// without the network). Use it for credentials issued anywhere.
type WebResolver struct {
	Client *http.Client
}

func (w WebResolver) get(ctx context.Context, url string) (map[string]any, error) {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return nil, fmt.Errorf("%s is not a web address", url)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/ld+json, application/json")
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", url, resp.Status)
	}
	var m map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 20<<20)).Decode(&m); err != nil {
		return nil, fmt.Errorf("%s is not JSON: %w", url, err)
	}
	return m, nil
}

// Key fetches the issuer profile the verification method points into and
// reads the Multikey with that id.
func (w WebResolver) Key(ctx context.Context, vm string) (ed25519.PublicKey, error) {
	if rest, ok := strings.CutPrefix(vm, "did:key:"); ok {
		return DecodeMultikey(strings.SplitN(rest, "#", 2)[0])
	}
	doc, err := w.get(ctx, strings.SplitN(vm, "#", 2)[0])
	if err != nil {
		return nil, err
	}
	return KeyIn(doc, vm)
}

// KeyIn finds the Multikey vm in an issuer profile.
func KeyIn(profile map[string]any, vm string) (ed25519.PublicKey, error) {
	keys, _ := profile["verificationMethod"].([]any)
	for _, k := range keys {
		m, _ := k.(map[string]any)
		if m["id"] == vm && m["type"] == "Multikey" {
			s, _ := m["publicKeyMultibase"].(string)
			return DecodeMultikey(s)
		}
	}
	return nil, fmt.Errorf("the issuer publishes no key %s", vm)
}

// StatusList fetches a status list credential.
func (w WebResolver) StatusList(ctx context.Context, url string) (map[string]any, error) {
	return w.get(ctx, url)
}
