package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Anchors keep a copy of each organisation's chain head outside the
// database, in an append-only file in the data directory. Someone who
// restores an older copy of the database (or an older head row) can make a
// chain end early while it still verifies on its own; the anchor file
// remembers how far the chain had already reached, so verification can tell.

// AnchorFile is the anchor file's name in the data directory.
const AnchorFile = "audit-anchors"

// Anchor is an organisation's chain head at a moment.
type Anchor struct {
	At    time.Time
	OrgID int64
	Seq   int64  // the chain's last entry then
	MAC   string // that entry's MAC
	Line  int    // where it was read from (1-based); 0 when not read from a file
}

// anchorSum is the MAC of an anchor line, so that the file cannot be
// edited to point at a shorter chain without the key.
func anchorSum(key []byte, a Anchor) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "anchor\x00%d\x00%d\x00%d\x00%s", a.At.UnixMilli(), a.OrgID, a.Seq, a.MAC)
	return hex.EncodeToString(m.Sum(nil))
}

// AppendAnchors appends anchors to the file at path (created with mode
// 0600 if needed) and syncs it before returning.
func AppendAnchors(path string, key []byte, as []Anchor) error {
	if len(as) == 0 {
		return nil
	}
	var b bytes.Buffer
	for _, a := range as {
		fmt.Fprintf(&b, "anchor1 %d %d %d %s %s\n", a.At.UnixMilli(), a.OrgID, a.Seq, a.MAC, anchorSum(key, a))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadAnchors reads the anchor file at path. A missing file is
// os.ErrNotExist. A line that was cut short by a crash while it was being
// written (the last one, without its newline) is skipped; any other line
// that does not parse, or whose MAC does not match, is an error naming it.
func ReadAnchors(path string, key []byte) ([]Anchor, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(raw), "\n")
	// The last piece is empty when the file ends with a newline; otherwise
	// it is a line a crash cut short, and it is dropped.
	lines = lines[:len(lines)-1]
	var out []Anchor
	for i, line := range lines {
		n := i + 1
		f := strings.Fields(line)
		if len(f) != 6 || f[0] != "anchor1" {
			return out, fmt.Errorf("%s line %d: not an anchor line", path, n)
		}
		at, err1 := strconv.ParseInt(f[1], 10, 64)
		org, err2 := strconv.ParseInt(f[2], 10, 64)
		seq, err3 := strconv.ParseInt(f[3], 10, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return out, fmt.Errorf("%s line %d: not an anchor line", path, n)
		}
		a := Anchor{At: time.UnixMilli(at).UTC(), OrgID: org, Seq: seq, MAC: f[4], Line: n}
		if !hmac.Equal([]byte(anchorSum(key, a)), []byte(f[5])) {
			return out, fmt.Errorf("%s line %d: its MAC does not match: the line was changed (or the key is not this installation's)", path, n)
		}
		out = append(out, a)
	}
	return out, nil
}

// LatestAnchors keeps, for each organisation, the anchor furthest along its
// chain.
func LatestAnchors(as []Anchor) map[int64]Anchor {
	out := map[int64]Anchor{}
	for _, a := range as {
		if cur, ok := out[a.OrgID]; !ok || a.Seq > cur.Seq {
			out[a.OrgID] = a
		}
	}
	return out
}
