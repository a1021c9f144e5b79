package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// Sending twice saves once (issue 15):
//   - every API POST honours an Idempotency-Key header: the same key with
//     the same request answers with the first response, kept in the
//     database for a day; the same key with another request is 409;
//   - every POST form rendered for a signed-in user carries a one-time
//     token: a second send of the same form is led to what the first saved.

// reliably wraps a route's handler with the idempotency rules that apply to
// it. Public routes, and requests with no principal, pass unchanged.
func (s *Server) reliably(rt route, p *store.Principal, h handler) handler {
	if p == nil || rt.Method != http.MethodPost {
		return h
	}
	if rt.isAPI() {
		return func(w http.ResponseWriter, r *http.Request) error {
			key := r.Header.Get("Idempotency-Key")
			if key == "" {
				return h(w, r)
			}
			return s.idempotent(w, r, p.User.ID, key, h)
		}
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		// htmx requests swap part of a page whose form stays on screen and
		// may rightly be sent again: they are not one-time forms.
		if r.Header.Get("HX-Request") == "true" {
			return h(w, r)
		}
		if _, err := readForm(r); err != nil {
			return err
		}
		tok := r.PostForm.Get(formTokenField)
		if tok == "" {
			return h(w, r)
		}
		return s.onceForm(w, r, p.User.ID, tok, h)
	}
}

// ---- API: Idempotency-Key ----

var idempotencyKeyPattern = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, userID int64, key string, h handler) error {
	if !idempotencyKeyPattern.MatchString(key) {
		return &core.Error{Kind: core.KindMalformed, Message: "Send an Idempotency-Key of 1 to 255 visible ASCII characters (a UUID, for example).",
			Fields: map[string]string{"Idempotency-Key": "1 to 255 visible ASCII characters."}}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err // too large: fail says so
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.New()
	fmt.Fprintf(sum, "%s %s\n", r.Method, r.URL.RequestURI())
	sum.Write(body)
	hash := hex.EncodeToString(sum.Sum(nil))
	ctx := r.Context()
	kept, claimed, err := s.store.ClaimIdempotencyKey(ctx, userID, key, hash)
	if err != nil {
		return err
	}
	if !claimed {
		w.Header().Set("Idempotent-Replayed", "true")
		if kept.ContentType != "" {
			w.Header().Set("Content-Type", kept.ContentType)
		}
		if kept.Location != "" {
			w.Header().Set("Location", kept.Location)
		}
		w.WriteHeader(kept.Status)
		io.WriteString(w, kept.Body)
		return nil
	}
	rec := &capture{ResponseWriter: w, keep: true}
	done := false
	defer func() {
		if !done { // a panic: let a retry run again
			s.store.ReleaseIdempotencyKey(context.WithoutCancel(ctx), userID, key)
		}
	}()
	if err := h(rec, r); err != nil {
		s.fail(rec, r, err) // the error answer is the answer kept
	}
	done = true
	bg := context.WithoutCancel(ctx)
	if rec.status == 0 || rec.status >= 500 || rec.status == http.StatusTooManyRequests || rec.overflow || holdsSecrets(r) {
		return s.store.ReleaseIdempotencyKey(bg, userID, key)
	}
	return s.store.KeepIdempotentResponse(bg, userID, key, store.IdempotentResponse{
		Status: rec.status, ContentType: w.Header().Get("Content-Type"), Location: w.Header().Get("Location"), Body: rec.body.String(),
	})
}

// holdsSecrets reports whether the answers of a route hand out a secret
// (an API token, a sign-in link), which must never be kept in the database
// for replay: a retry of such a request runs again instead.
func holdsSecrets(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/v1/tokens")
}

// capture passes a response through and remembers its status (and, when
// keep is set, its body up to the size kept for replay).
type capture struct {
	http.ResponseWriter
	status   int
	keep     bool
	body     bytes.Buffer
	overflow bool
}

func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if c.keep && !c.overflow {
		if c.body.Len()+len(b) > store.MaxIdempotentBody {
			c.overflow = true
			c.body.Reset()
		} else {
			c.body.Write(b)
		}
	}
	return c.ResponseWriter.Write(b)
}

func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// ---- Pages: one-time form tokens ----

// formTokenField is the hidden field of a form's one-time token.
const formTokenField = "form_token"

// postFormTag finds the opening tag of every form that posts.
var postFormTag = regexp.MustCompile(`(?i)<form\b[^>]*\bmethod="post"[^>]*>`)

// addFormTokens gives every posting form of a rendered page a token of its
// own, so that no template can forget one.
func addFormTokens(page []byte) []byte {
	if !bytes.Contains(page, []byte("<form")) {
		return page
	}
	return postFormTag.ReplaceAllFunc(page, func(tag []byte) []byte {
		b := make([]byte, 16)
		rand.Read(b)
		out := append([]byte{}, tag...)
		return append(out, `<input type="hidden" name="`+formTokenField+`" value="`+base64.RawURLEncoding.EncodeToString(b)+`">`...)
	})
}

// onceForm handles a form that carries a one-time token: the first send
// runs; a second is led to where the first one went.
func (s *Server) onceForm(w http.ResponseWriter, r *http.Request, userID int64, tok string, h handler) error {
	ctx := r.Context()
	result, claimed, err := s.store.ClaimFormToken(ctx, userID, tok)
	// A double click sends the second copy while the first is still being
	// saved: wait a little for it, to lead there rather than say "wait".
	for i := 0; err == nil && !claimed && result == "" && i < 50; i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		result, claimed, err = s.store.ClaimFormToken(ctx, userID, tok)
	}
	if err != nil {
		return err
	}
	if !claimed {
		switch result {
		case "":
			return core.Conflict("This form is still being saved from when you first sent it. Wait a moment, then look for what it saved before sending it again.")
		case store.FormTokenDone:
			return core.Conflict("This form was already sent and saved a moment ago; sending it again did not save it twice. Go back to see what it saved.")
		}
		return redirect(w, r, result, localizer(r).T("messages.reliability.sent_twice"))
	}
	rec := &capture{ResponseWriter: w}
	bg := context.WithoutCancel(ctx)
	done := false
	defer func() {
		if !done { // a panic: the form was not saved
			s.store.ReleaseFormToken(bg, userID, tok)
		}
	}()
	herr := h(rec, r)
	done = true
	switch {
	case herr != nil || rec.status >= 400 || rec.status == 0:
		// Nothing saved (errors to correct, or a failure): the same form,
		// corrected, may be sent again.
		if err := s.store.ReleaseFormToken(bg, userID, tok); err != nil {
			s.log.Error("releasing a form token", "request_id", requestID(r), "err", err)
		}
	case rec.status >= 300:
		if err := s.store.FinishFormToken(bg, userID, tok, w.Header().Get("Location")); err != nil {
			s.log.Error("finishing a form token", "request_id", requestID(r), "err", err)
		}
		// Saved: the draft it was continued from, if any, has served.
		s.discardUsedDraft(r.WithContext(bg), newForm(r.PostForm))
	default:
		if err := s.store.FinishFormToken(bg, userID, tok, store.FormTokenDone); err != nil {
			s.log.Error("finishing a form token", "request_id", requestID(r), "err", err)
		}
	}
	return herr
}

// ---- Reading forms ----

// readForm parses a posted form, multipart or not, within the route's body
// limit, and refuses text that is not valid UTF-8 (422, naming the field),
// as the API does. Calling it again returns the form already read.
func readForm(r *http.Request) (*form, error) {
	var err error
	if ct := r.Header.Get("Content-Type"); len(ct) >= 19 && ct[:19] == "multipart/form-data" {
		err = r.ParseMultipartForm(MaxUpload + (1 << 20))
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &core.Error{Kind: core.KindTooLarge, Message: fmt.Sprintf("What you sent is larger than peerpath accepts (at most %d MB).", MaxUpload>>20)}
		}
		return nil, core.Malformed("form", "The form could not be read.")
	}
	if err := validUTF8(r); err != nil {
		return nil, err
	}
	return newForm(r.PostForm), nil
}

// validUTF8 refuses a form whose field names or values (or the names of
// files sent with it) are not valid UTF-8 text.
func validUTF8(r *http.Request) error {
	bad := map[string]string{}
	for k, vs := range r.PostForm {
		name := k
		if !utf8.ValidString(k) {
			name = "form"
		}
		for _, v := range append([]string{k}, vs...) {
			if !utf8.ValidString(v) {
				bad[name] = "This text holds characters that are not valid UTF-8 text. Type it again, or paste it from another program."
			}
		}
	}
	if r.MultipartForm != nil {
		for k, fs := range r.MultipartForm.File {
			for _, f := range fs {
				if !utf8.ValidString(k) || !utf8.ValidString(f.Filename) {
					bad["file"] = "The file's name is not valid UTF-8 text. Rename the file, then choose it again."
				}
			}
		}
	}
	if len(bad) > 0 {
		return &core.Error{Kind: core.KindInvalid, Message: "Some of what you sent is not valid text.", Fields: bad}
	}
	return nil
}
