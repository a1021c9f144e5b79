// Package csvout writes CSV files that are safe to open in a spreadsheet: a
// cell that begins with = + - @ (or a tab or carriage return) could run as a
// formula, so it is prefixed with an apostrophe. Exports of records go
// through here and nowhere else.
package csvout

import (
	"encoding/csv"
	"io"
	"strings"
)

// Writer writes safe CSV rows.
type Writer struct {
	w *csv.Writer
}

// New returns a Writer on w. It writes a UTF-8 byte-order mark first, so
// spreadsheet programs read accented names correctly.
func New(w io.Writer) *Writer {
	io.WriteString(w, "\ufeff")
	return &Writer{w: csv.NewWriter(w)}
}

// Write writes one row.
func (w *Writer) Write(cells ...string) error {
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = Cell(c)
	}
	return w.w.Write(safe)
}

// Flush finishes writing and reports any error.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// Cell makes one value safe for a spreadsheet.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
