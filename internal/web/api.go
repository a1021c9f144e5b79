package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// decodeJSON reads a JSON request body into v. Unknown fields are refused so
// a misspelt field is reported rather than silently ignored.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return core.Malformed("body", "Send the body as JSON with Content-Type: application/json.")
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		if dec.More() {
			return core.Malformed("body", "The body holds more than one JSON value.")
		}
		if _, err := dec.Token(); err != io.EOF {
			return core.Malformed("body", "The body holds more than one JSON value.")
		}
		return nil
	case errors.As(err, &tooBig):
		return &core.Error{Kind: core.KindTooLarge, Message: fmt.Sprintf("The body is larger than %d bytes.", tooBig.Limit)}
	case errors.Is(err, io.EOF):
		return core.Malformed("body", "The body is empty: send a JSON object.")
	case errors.As(err, &syntax):
		return core.Malformed("body", fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset))
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return core.Malformed(field, fmt.Sprintf("Expected %s here.", jsonKind(typeErr.Type.Kind().String())))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return core.Malformed(name, "This field is not part of the request.")
	}
	return core.Malformed("body", "The body could not be read as JSON.")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "a number"
}

// listPage reads ?limit= and ?cursor=.
func listPage(r *http.Request) (store.Page, error) {
	p := store.Page{Cursor: r.URL.Query().Get("cursor")}
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxLimit {
			return p, core.Malformed("limit", fmt.Sprintf("Use a whole number from 1 to %d.", store.MaxLimit))
		}
		p.Limit = n
	}
	return p, nil
}

// listJSON is the shape of every API list.
type listJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func toList[T, U any](l store.List[T], conv func(T) U) listJSON[U] {
	out := listJSON[U]{Items: make([]U, 0, len(l.Items)), NextCursor: l.Next}
	for _, it := range l.Items {
		out.Items = append(out.Items, conv(it))
	}
	return out
}

// id formats a record id for the API, where ids are opaque strings.
func id(v int64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatInt(v, 10)
}

// parseID reads an id the API gave out; field names where it came from.
func parseID(field, s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, core.Invalid(map[string]string{field: "This is not an id peerpath gave out."})
	}
	return v, nil
}

// rfc3339 formats a time for the API; the zero time is null.
func rfc3339(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func parseIDs(field string, ss []string) ([]int64, error) {
	out := make([]int64, 0, len(ss))
	for _, s := range ss {
		v, err := parseID(field, s)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
