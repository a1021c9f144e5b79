package csvout

import (
	"bytes"
	"strings"
	"testing"
)

func TestFormulaCellsAreDefused(t *testing.T) {
	var b bytes.Buffer
	w := New(&b)
	w.Write("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "plain", "José, \"quoted\"", "")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got := strings.TrimPrefix(b.String(), "\ufeff")
	want := `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),'` + "\tx" + `,plain,"José, ""quoted""",` + "\n"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if !strings.HasPrefix(b.String(), "\ufeff") {
		t.Fatal("no byte-order mark")
	}
}
