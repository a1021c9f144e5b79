package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestAuditedWriterSendsNothingBeforeTheEntry: a page's audit entry may start
// early (startAudit, while the page renders), but not one byte of the page
// leaves before it is committed, and a page whose entry failed is replaced
// by the error answer (issue 14: a read is on record before anyone sees it).
func TestAuditedWriterSendsNothingBeforeTheEntry(t *testing.T) {
	t.Run("committed", func(t *testing.T) {
		rec := httptest.NewRecorder()
		var committed atomic.Bool
		aw := &auditedWriter{ResponseWriter: rec, flush: func() error {
			time.Sleep(20 * time.Millisecond)
			committed.Store(true)
			return nil
		}}
		aw.onFail = func(http.ResponseWriter, error) { t.Error("onFail called") }
		writeJSON(aw, http.StatusOK, map[string]string{"name": "Rosa Lima"})
		if !committed.Load() {
			t.Fatal("the answer was written before its audit entry was committed")
		}
		if !strings.Contains(rec.Body.String(), "Rosa Lima") {
			t.Fatalf("body %q", rec.Body.String())
		}
	})
	t.Run("failed", func(t *testing.T) {
		rec := httptest.NewRecorder()
		aw := &auditedWriter{ResponseWriter: rec, flush: func() error { return errors.New("disk full") }}
		aw.onFail = func(w http.ResponseWriter, err error) {
			http.Error(w, "could not record the read", http.StatusInternalServerError)
		}
		startAudit(aw)
		writeJSON(aw, http.StatusOK, map[string]string{"name": "Rosa Lima"})
		if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "Rosa") {
			t.Fatalf("%d %q: the page went out without its audit entry", rec.Code, rec.Body.String())
		}
	})
}
