package web

import (
	"errors"
	"net/http"
	"strconv"

	"peerpath/internal/core"
)

func asInvalid(err error) (*core.Error, bool) {
	e, ok := core.As(err)
	if !ok || (e.Kind != core.KindInvalid && e.Kind != core.KindMalformed) {
		return nil, false
	}
	return e, true
}

// pathID reads a numeric id from the path; a non-number is simply not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, core.NotFound("This record")
	}
	return id, nil
}

// safeNext returns a local path to go to after signing in, refusing anything
// that would leave the site.
func safeNext(next string) string {
	if len(next) > 0 && next[0] == '/' && (len(next) == 1 || (next[1] != '/' && next[1] != '\\')) {
		return next
	}
	return "/"
}

// postForm reads a submitted form. A body over the route's limit is
// reported as too large rather than as a form that could not be read.
func postForm(r *http.Request) (*form, error) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &core.Error{Kind: core.KindTooLarge, Message: "What you sent is larger than peerpath accepts."}
		}
		return nil, core.Malformed("form", "The form could not be read.")
	}
	if err := validUTF8(r); err != nil {
		return nil, err
	}
	return newForm(r.PostForm), nil
}
