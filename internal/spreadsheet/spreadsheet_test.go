package spreadsheet_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"peerpath/internal/spreadsheet"
)

func lines(t spreadsheet.Table) string {
	var b bytes.Buffer
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "%d:%q ", r.Line, r.Cells)
	}
	return b.String()
}

func TestReadCSVKeepsTheLinesASpreadsheetShows(t *testing.T) {
	// A BOM, a quoted cell over two lines, a blank line and semicolons.
	tb, err := spreadsheet.Read("a.csv", []byte("\xEF\xBB\xBFId;Note\nP-1;\"two\nlines\"\n\nP-2;ok\n"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(tb.Header) != "[Id Note]" || lines(tb) != `2:["P-1" "two\nlines"] 5:["P-2" "ok"] ` {
		t.Fatalf("header %q rows %s", tb.Header, lines(tb))
	}
	if len(tb.Checksum) != 64 {
		t.Errorf("checksum %q", tb.Checksum)
	}
	_, err = spreadsheet.Read("b.csv", []byte("Id,Note\nP-1,\"unclosed\nP-2,x\n"))
	var probs spreadsheet.Problems
	if !errors.As(err, &probs) || probs[0].Line != 2 {
		t.Errorf("a broken quote: %v", err)
	}
	if _, err := spreadsheet.Read("c.csv", nil); !errors.As(err, &probs) || probs[0].Line != 1 {
		t.Errorf("an empty file: %v", err)
	}
}

func TestReadXLSXNumbersRowsAsExcelDoes(t *testing.T) {
	x := excelize.NewFile()
	x.SetCellValue("Sheet1", "A1", "Id")
	x.SetCellValue("Sheet1", "B1", "Name")
	x.SetCellValue("Sheet1", "A2", "P-1")
	x.SetCellValue("Sheet1", "B2", "José")
	x.SetCellValue("Sheet1", "A4", "P-2") // row 3 left blank
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tb, err := spreadsheet.Read("people.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if lines(tb) != `2:["P-1" "José"] 4:["P-2"] ` {
		t.Fatalf("rows %s", lines(tb))
	}
	if _, err := spreadsheet.Read("broken.xlsx", []byte("PK\x03\x04not really")); err == nil {
		t.Error("a broken workbook is read")
	}
}
