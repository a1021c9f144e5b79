package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A panic in a handler becomes the 500 page with the request id, and the
// log line carries the same id and the stack.
func TestPanicBecomesA500Page(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(Config{Logger: slog.New(slog.NewTextHandler(&logs, nil)), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	h := s.withBasics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom: something broke") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/anything", nil))
	id := w.Header().Get("X-Request-Id")
	body := w.Body.String()
	if w.Code != http.StatusInternalServerError || id == "" || !strings.Contains(body, id) || !strings.Contains(body, "Something went wrong") {
		t.Fatalf("panic page: %d %q\n%s", w.Code, id, body)
	}
	if strings.Contains(body, "boom") {
		t.Fatal("the panic's text reached the page")
	}
	if !strings.Contains(logs.String(), "request_id="+id) || !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "stack=") {
		t.Fatalf("panic log: %s", logs.String())
	}
	// In the API, the same panic is a JSON error.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/anything", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"code":"internal"`) {
		t.Fatalf("API panic: %d %s", w.Code, w.Body.String())
	}
}
