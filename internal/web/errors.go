package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
)

// statusOf maps an error kind to its HTTP status.
func statusOf(k core.Kind) int {
	switch k {
	case core.KindInvalid:
		return http.StatusUnprocessableEntity
	case core.KindMalformed:
		return http.StatusBadRequest
	case core.KindUnauthenticated:
		return http.StatusUnauthorized
	case core.KindForbidden:
		return http.StatusForbidden
	case core.KindNotFound:
		return http.StatusNotFound
	case core.KindConflict:
		return http.StatusConflict
	case core.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case core.KindRateLimited:
		return http.StatusTooManyRequests
	case core.KindGone:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// codeOf is the API's error code for a kind.
func codeOf(k core.Kind) string {
	switch k {
	case core.KindMalformed:
		return string(core.KindInvalid)
	case core.KindInternal:
		return "internal"
	}
	return string(k)
}

// apiError is the body of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code" enum:"invalid,unauthenticated,forbidden,not_found,conflict,gone,too_large,rate_limited,internal"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// fail is the one place an error becomes a response. Errors peerpath did not
// classify are logged with the request id and shown only as that id, never
// with their text, which could hold details about a person.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	l := localizer(r)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		l = i18n.In("en") // the API's messages stay English
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = &core.Error{Kind: core.KindTooLarge, Message: l.T("messages.errors.too_large")}
	}
	e, ok := core.As(err)
	if !ok {
		s.log.Error("internal error", "request_id", requestID(r), "pattern", r.Pattern, "err", err)
		e = &core.Error{Kind: core.KindInternal, Message: l.T("messages.errors.internal", "Reference", requestID(r))}
	}
	status := statusOf(e.Kind)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, status, apiError{Error: apiErrorBody{Code: codeOf(e.Kind), Message: e.Message, Fields: e.Fields}})
		return
	}
	if e.Kind == core.KindRateLimited {
		w.Header().Set("Retry-After", "60")
	}
	// A page says the message in the reader's language when the catalogue
	// has it (errors.*.toml); the API keeps English, its one language.
	fields := make(map[string]string, len(e.Fields))
	for k, v := range e.Fields {
		fields[k] = l.Message(v)
	}
	s.renderStatus(w, r, status, "error.html", errorPage{Status: status, Title: statusTitle(l, status), Message: l.Message(e.Message), Fields: fields, RequestID: requestID(r)})
}

// statusTitle is an error page's title: the status in words
// (messages.errors.status.<code>), Go's English words for a status the
// catalogue lacks.
func statusTitle(l *i18n.Localizer, status int) string {
	k := "messages.errors.status." + strconv.Itoa(status)
	if !labelKeys()[k] {
		return http.StatusText(status)
	}
	return l.T(k)
}

type errorPage struct {
	Status    int
	Title     string
	Message   string
	Fields    map[string]string
	RequestID string
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return core.NotFound("This page")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	startAudit(w) // the read's audit entry commits while v is encoded
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		// A value JSON cannot hold is peerpath's own mistake.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":{"code":"internal","message":"Something went wrong on our side."}}`+"\n") //nolint:errcheck // as below
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w) //nolint:errcheck // the client went away; nothing to do
}
