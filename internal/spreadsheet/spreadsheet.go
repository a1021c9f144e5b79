// Package spreadsheet reads a spreadsheet being imported — a CSV file or an Excel
// workbook (.xlsx) — into a header and numbered rows, and says in plain
// words, line by line, what keeps it from being read: a file that is not
// UTF-8 text, a line the CSV reader cannot split. It knows nothing about
// what the columns mean (internal/store/imports.go does).
package spreadsheet

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// MaxRows is the most rows one file may hold under its header.
const MaxRows = 50000

// Row is one line of the file under the header: Line is its number as a
// spreadsheet program shows it (the header is line 1).
type Row struct {
	Line  int
	Cells []string
}

// Table is a file read: its name, its SHA-256 (hex), the header's column
// names and the rows that are not blank.
type Table struct {
	Name     string
	Checksum string
	Header   []string
	Rows     []Row
}

// Problem is a reason a line of the file cannot be read.
type Problem struct {
	Line    int
	Message string
}

// Problems is every line that cannot be read; nothing of the file is used.
type Problems []Problem

func (p Problems) Error() string {
	var b strings.Builder
	for i, x := range p {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "line %d: %s", x.Line, x.Message)
	}
	return b.String()
}

// IsXLSX reports whether data is an Excel workbook (a zip file), whatever
// its name says.
func IsXLSX(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// Read reads a CSV file or an .xlsx workbook (its first sheet). A
// UTF-8 byte order mark is fine; text in another encoding is refused with
// the lines that are not UTF-8, so no name arrives garbled.
func Read(name string, data []byte) (Table, error) {
	sum := sha256.Sum256(data)
	t := Table{Name: name, Checksum: hex.EncodeToString(sum[:])}
	var rows [][]string
	var lines []int
	var err error
	if IsXLSX(data) {
		rows, lines, err = readXLSX(data)
	} else {
		rows, lines, err = readCSV(data)
	}
	if err != nil {
		return t, err
	}
	if len(rows) == 0 {
		return t, Problems{{Line: 1, Message: "The file is empty: the first line should name the columns."}}
	}
	for i, h := range rows[0] {
		rows[0][i] = strings.TrimSpace(h)
	}
	t.Header = rows[0]
	for i, r := range rows[1:] {
		if blank(r) {
			continue
		}
		t.Rows = append(t.Rows, Row{Line: lines[i+1], Cells: r})
	}
	if len(t.Rows) > MaxRows {
		return t, Problems{{Line: t.Rows[MaxRows].Line, Message: fmt.Sprintf("The file has more than %d rows. Split it into smaller files.", MaxRows)}}
	}
	return t, nil
}

func blank(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func readCSV(data []byte) ([][]string, []int, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, nil, Problems{{Line: 1, Message: "The file is saved as UTF-16 text. Save it as “CSV UTF-8” and import it again."}}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	var bad Problems
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			bad = append(bad, Problem{Line: i + 1, Message: "This line is not UTF-8 text (the file may be saved as Windows-1252 or Latin-1). Save it as “CSV UTF-8” and import it again."})
			if len(bad) == 20 {
				break
			}
		}
	}
	if len(bad) > 0 {
		return nil, nil, bad
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > 0 && !bytes.Contains(first, []byte(",")) {
		cr.Comma = ';' // a spreadsheet saved where the comma is the decimal mark
	}
	var rows [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, Problems{{Line: pe.StartLine, Message: "This line cannot be read as CSV: " + pe.Err.Error() + ". Check its quotation marks."}}
			}
			return nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	return rows, lines, nil
}

func readXLSX(data []byte) ([][]string, []int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, Problems{{Line: 1, Message: "The file cannot be opened as an Excel workbook (.xlsx). Save it again from your spreadsheet program, or as CSV UTF-8."}}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, Problems{{Line: 1, Message: "The workbook has no sheets."}}
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, nil, Problems{{Line: 1, Message: "The workbook's first sheet cannot be read. Save it again from your spreadsheet program, or as CSV UTF-8."}}
	}
	lines := make([]int, len(rows))
	for i := range rows {
		lines[i] = i + 1 // GetRows keeps blank rows in between, so row i is line i+1
		for _, c := range rows[i] {
			if !utf8.ValidString(c) {
				return nil, nil, Problems{{Line: i + 1, Message: "This row holds text that is not UTF-8. Save the workbook again from your spreadsheet program."}}
			}
		}
	}
	return rows, lines, nil
}
