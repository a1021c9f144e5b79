// Package core holds the few types every other peerpath package shares: the
// kinds of error the application can report, and the clock. It imports nothing
// of ours, so domain packages can depend on it without depending on each other.
package core

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind classifies an error so the web layer can pick a status and a page
// without knowing where the error came from.
type Kind string

// The kinds of error. Their string values are the API's error codes.
const (
	KindInvalid Kind = "invalid"
	// KindMalformed is input that could not be read at all (bad JSON, an
	// unknown query value): the API answers 400 rather than 422.
	KindMalformed       Kind = "malformed"
	KindUnauthenticated Kind = "unauthenticated"
	KindForbidden       Kind = "forbidden"
	KindNotFound        Kind = "not_found"
	KindConflict        Kind = "conflict"
	KindTooLarge        Kind = "too_large"
	KindRateLimited     Kind = "rate_limited"
	// KindGone is a record that existed and was withdrawn for good (a
	// revoked certificate's credential): 410.
	KindGone     Kind = "gone"
	KindInternal Kind = "internal"
)

// Error is an error a user may see. Message is written for the person using
// peerpath; Fields names form fields (or JSON fields) and what is wrong with each.
type Error struct {
	Kind    Kind
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf returns an *Error of the given kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports bad input with a message per field. A nil or empty map gives
// nil, so validators can build the map and return Invalid(fields) directly.
func Invalid(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "Please check the highlighted fields.", Fields: fields}
}

// Malformed reports input that could not be read, naming the field.
func Malformed(field, message string) *Error {
	return &Error{Kind: KindMalformed, Message: message, Fields: map[string]string{field: message}}
}

// NotFound reports a record that does not exist or that the caller may not see.
// The two are deliberately the same: a worker must not learn that a record
// about a person exists when they have no relationship with that person.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Message: what + " was not found."}
}

// Forbidden reports an action the caller may not take on a record they can see.
func Forbidden(message string) *Error { return &Error{Kind: KindForbidden, Message: message} }

// Conflict reports an action that clashes with the current state.
func Conflict(message string) *Error { return &Error{Kind: KindConflict, Message: message} }

// KindOf returns the kind of err, or KindInternal for errors peerpath did not
// classify (which are never shown to users in detail).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// As returns err as an *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Clock tells the time. Everything that needs the time takes a Clock, so tests
// can move time forward instead of sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
