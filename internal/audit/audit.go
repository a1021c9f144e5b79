// Package audit defines peerpath's tamper-evident audit log: what an entry
// holds, how its MAC is computed, and how a chain of entries is verified.
//
// Each entry carries an HMAC-SHA256 over its own fields and the previous
// entry's MAC, keyed by a secret kept outside the database. Changing, removing
// or inserting a row breaks the chain at that row; removing rows from the end
// is caught by the separately MACed head (the last sequence number and MAC).
// Entries never hold a record's contents: only who did what to which record,
// when and from where.
package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Action is what happened. The values are stored, so they never change.
type Action string

// The actions.
const (
	ActionSignIn       Action = "sign_in"
	ActionSignInFailed Action = "sign_in_failed"
	ActionSignOut      Action = "sign_out"
	ActionCreate       Action = "create"
	ActionRead         Action = "read"
	ActionUpdate       Action = "update"
	ActionDelete       Action = "delete"
	ActionExport       Action = "export"
)

// Entry is one line of the audit log.
type Entry struct {
	Seq        int64     // 1, 2, 3, … with no gaps
	At         time.Time // stored to the millisecond
	OrgID      int64     // 0 when no organisation is known (a failed sign-in for an unknown email)
	UserID     int64     // 0 when no user is known
	IP         string
	Action     Action
	RecordType string // e.g. "person", "user", "session"
	RecordID   string
	Detail     string // a short, content-free qualifier, e.g. "locked", "totp", "bad password"
	PrevMAC    string // hex
	MAC        string // hex
}

// Sum computes the entry's MAC from its fields and PrevMAC.
func Sum(key []byte, e Entry) string {
	m := hmac.New(sha256.New, key)
	var n [8]byte
	writeInt := func(v int64) {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		m.Write(n[:])
	}
	writeStr := func(s string) { // length-prefixed, so fields cannot run into each other
		writeInt(int64(len(s)))
		m.Write([]byte(s))
	}
	writeInt(e.Seq)
	writeInt(e.At.UnixMilli())
	writeInt(e.OrgID)
	writeInt(e.UserID)
	writeStr(e.IP)
	writeStr(string(e.Action))
	writeStr(e.RecordType)
	writeStr(e.RecordID)
	writeStr(e.Detail)
	writeStr(e.PrevMAC)
	return hex.EncodeToString(m.Sum(nil))
}

// HeadSum computes the MAC of the legacy single chain's head: its last
// sequence number and MAC. Databases written before the chains were split by
// organisation keep that chain, frozen, and are verified with it.
func HeadSum(key []byte, seq int64, lastMAC string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "head\x00%d\x00%s", seq, lastMAC)
	return hex.EncodeToString(m.Sum(nil))
}

// OrgHeadSum computes the MAC of one organisation's chain head. The
// organisation is part of it, so a head cannot be moved to another chain.
func OrgHeadSum(key []byte, orgID, seq int64, lastMAC string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "org head\x00%d\x00%d\x00%s", orgID, seq, lastMAC)
	return hex.EncodeToString(m.Sum(nil))
}

// Seal fills in e's PrevMAC and MAC as the successor of prev (nil for the first).
func Seal(key []byte, e *Entry, prevMAC string) {
	e.PrevMAC = prevMAC
	e.MAC = Sum(key, *e)
}

// Verifier checks a chain fed to it one entry at a time, in sequence order.
type Verifier struct {
	key     []byte
	perOrg  bool // an organisation's chain, rather than the legacy single chain
	orgID   int64
	lastSeq int64
	lastMAC string
	count   int64
}

// NewVerifier starts checking the legacy single chain from its first entry.
func NewVerifier(key []byte) *Verifier { return &Verifier{key: key} }

// NewOrgVerifier starts checking one organisation's chain from its first
// entry. Entries carry their position in that chain as Seq.
func NewOrgVerifier(key []byte, orgID int64) *Verifier {
	return &Verifier{key: key, perOrg: true, orgID: orgID}
}

// Add checks the next entry. The error names the entry and what is wrong.
func (v *Verifier) Add(e Entry) error {
	switch {
	case v.perOrg && e.OrgID != v.orgID:
		return fmt.Errorf("entry %d: belongs to organisation %d, not to this chain", e.Seq, e.OrgID)
	case e.Seq != v.lastSeq+1:
		return fmt.Errorf("entry %d: expected entry %d next: entries were removed or inserted", e.Seq, v.lastSeq+1)
	case !hmac.Equal([]byte(e.PrevMAC), []byte(v.lastMAC)):
		return fmt.Errorf("entry %d: does not follow entry %d: an entry was removed, inserted or changed", e.Seq, v.lastSeq)
	case !hmac.Equal([]byte(Sum(v.key, e)), []byte(e.MAC)):
		return fmt.Errorf("entry %d: its contents do not match its MAC: the entry was changed (or the key is not this installation's)", e.Seq)
	}
	v.lastSeq, v.lastMAC = e.Seq, e.MAC
	v.count++
	return nil
}

// Finish checks the chain's end against its head. An empty chain has head (0, "").
func (v *Verifier) Finish(headSeq int64, headMAC, headSum string) error {
	if headSeq != v.lastSeq || headMAC != v.lastMAC {
		return fmt.Errorf("entry %d: the log ends at entry %d but its head records entry %d: entries were removed from the end", v.lastSeq+1, v.lastSeq, headSeq)
	}
	want := HeadSum(v.key, headSeq, headMAC)
	if v.perOrg {
		want = OrgHeadSum(v.key, v.orgID, headSeq, headMAC)
	}
	if !hmac.Equal([]byte(want), []byte(headSum)) {
		return fmt.Errorf("head: its MAC does not match: the head was changed")
	}
	return nil
}

// Count is the number of entries checked so far.
func (v *Verifier) Count() int64 { return v.count }

// Last is the sequence number and MAC of the last entry checked.
func (v *Verifier) Last() (int64, string) { return v.lastSeq, v.lastMAC }
