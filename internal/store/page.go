package store

import (
	"encoding/base64"
	"encoding/json"

	"peerpath/internal/core"
)

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string
}

// Limits of a page, as the API documents them.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	}
	return p.Limit
}

// List is one page of results; Next is empty on the last page.
type List[T any] struct {
	Items []T
	Next  string
}

// A cursor is the sort key of the last item shown, so the next page starts
// right after it (keyset pagination: no OFFSET, so deep pages cost the same
// as the first). It is opaque to callers.
func encodeCursor(key ...any) string {
	b, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor into the given pointers. An empty cursor leaves
// them untouched and returns false.
func decodeCursor(cursor string, into ...any) (bool, error) {
	if cursor == "" {
		return false, nil
	}
	bad := core.Malformed("cursor", "This cursor is not one peerpath gave out. Start again from the first page.")
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return false, bad
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != len(into) {
		return false, bad
	}
	for i, p := range parts {
		if err := json.Unmarshal(p, into[i]); err != nil {
			return false, bad
		}
	}
	return true, nil
}

// trim cuts rows fetched with limit+1 down to limit and reports whether more
// remain, so a list costs one query.
func trim[T any](rows []T, limit int) ([]T, bool) {
	if len(rows) > limit {
		return rows[:limit], true
	}
	return rows, false
}
