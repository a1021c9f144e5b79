package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

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
// that would leave the site. Browsers forgive a lot in a Location header:
// they drop tabs and newlines and read a backslash as a slash, so
// "/\t/evil.example" or "/\\evil.example" would take the user away. Only a
// path that parses as a local URL (no scheme, no host), holds no control
// character or backslash anywhere, and does not start with "//" is kept.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || len(next) > 2000 {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' ') || unicode.Is(unicode.Cf, r) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
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

// writePDF answers a printout to open in the browser, named name.pdf (a
// name without the person's name: downloads folders and shared printers
// list file names), never cached.
func writePDF(w http.ResponseWriter, name string, pdf []byte) error {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name+".pdf"))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	_, err := w.Write(pdf)
	return err
}
