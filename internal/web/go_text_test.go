package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"peerpath/internal/auth"
	"peerpath/internal/framework"
	"peerpath/internal/i18n"
)

// TestFlashMessagesComeFromTheCatalogue fails when a message shown after a
// form (redirect's flash argument, setFlash's message) is written in Go as
// words, instead of being taken from the message catalogue with
// localizer(r).T("messages.…"), so it can be translated. Only words count: a
// string literal with a letter in it, anywhere in the message's expression
// except as the key of a T or N call (or its value names).
func TestFlashMessagesComeFromTheCatalogue(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var fn *ast.FuncDecl // the function being read, for the variables a message is built in
		ast.Inspect(f, func(n ast.Node) bool {
			if d, ok := n.(*ast.FuncDecl); ok {
				fn = d
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			callee, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			var msg ast.Expr
			switch {
			case callee.Name == "redirect" && len(call.Args) == 4:
				msg = call.Args[3]
			case callee.Name == "setFlash" && len(call.Args) == 2:
				msg = call.Args[1]
			default:
				return true
			}
			checked++
			words := literalWordsIn(msg)
			if v, ok := msg.(*ast.Ident); ok && fn != nil {
				words = append(words, assignedWords(fn.Body, v.Name)...)
			}
			for _, w := range words {
				t.Errorf("%s: %s's message is written in Go (%s): put it in internal/i18n/messages.*.toml and use localizer(r).T(key)", fset.Position(call.Pos()), callee.Name, w)
			}
			return true
		})
	}
	if checked < 50 {
		t.Errorf("found only %d redirect and setFlash calls: is the scan still looking at the right calls?", checked)
	}
}

// assignedWords lists the words written in Go into a variable of a function
// (msg := "…", msg += "…"): a message built before it is passed on.
func assignedWords(body *ast.BlockStmt, name string) []string {
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			if v, ok := l.(*ast.Ident); ok && v.Name == name {
				out = append(out, literalWordsIn(as.Rhs[i])...)
			}
		}
		return true
	})
	return out
}

// literalWordsIn lists the string literals holding a letter in an expression,
// leaving out what is handed to a localizer's T or N (the key and the names
// of its values).
func literalWordsIn(e ast.Expr) []string {
	var out []string
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "T" || sel.Sel.Name == "N") {
				first := 2 // T(key, name, value, …)
				if sel.Sel.Name == "N" {
					first = 3 // N(key, count, name, value, …)
				}
				for i := first; i < len(n.Args); i += 2 {
					out = append(out, literalWordsIn(n.Args[i])...) // a value, not a key or a name
				}
				return false
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err == nil && strings.IndexFunc(s, unicode.IsLetter) >= 0 {
				out = append(out, n.Value)
			}
		}
		return true
	})
	return out
}

// TestNavLabelsComeFromTheCatalogue fails when a link of the main navigation
// is named in Go rather than by a catalogue key (nav.*.toml).
func TestNavLabelsComeFromTheCatalogue(t *testing.T) {
	keys, err := i18n.Keys("en")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, k := range keys {
		have[k] = true
	}
	for _, l := range navLinks {
		if !strings.HasPrefix(l.label, "nav.") || !have[l.label] {
			t.Errorf("the navigation link to %s is labelled %q: give it a key nav.… in internal/i18n/nav.*.toml", l.href, l.label)
		}
	}
}

// TestErrorTitlesStayGosInEnglish: an error page's title in English is Go's
// words for its status, as before the catalogue had them.
func TestErrorTitlesStayGosInEnglish(t *testing.T) {
	for _, c := range []int{400, 401, 403, 404, 409, 410, 413, 422, 429, 500, 418} {
		if got, want := statusTitle(i18n.In("en"), c), http.StatusText(c); got != want {
			t.Errorf("status %d: %q, want %q", c, got, want)
		}
	}
}

// TestLabelsSpeakTheReadersLanguage checks the words for stored values: the
// reader's language, English without a localizer, and a value the catalogue
// has no words for shown as itself.
func TestLabelsSpeakTheReadersLanguage(t *testing.T) {
	for _, c := range []struct {
		l                 *i18n.Localizer
		kind, value, want string
	}{
		{nil, "mode", "in_person", "In person"},
		{i18n.In("en"), "kind", "check_in", "Check-in"},
		{i18n.In("es"), "life_area", "home", "Hogar"},
		{i18n.In("pt"), "life_area", "home", "Casa"},
		{i18n.In("es"), "mode", "carrier_pigeon", "carrier_pigeon"},
		{nil, "no_such_kind", "x", "x"},
	} {
		if got := label(c.l, c.kind, c.value); got != c.want {
			t.Errorf("label(%v, %q, %q) = %q, want %q", c.l, c.kind, c.value, got, c.want)
		}
	}
	if got := labelsIn(nil, "format"); len(got) != 2 || got["individual"] != "One-to-one" {
		t.Errorf("labelsIn(nil, format) = %v", got)
	}
	if o := options(i18n.In("en"), "life_area", []string{"home"}); o[0].Hint != "A safe, steady place to live." {
		t.Errorf("options' hint = %q", o[0].Hint)
	}
	es := i18n.In("es")
	comp := framework.RequirementStatus{}
	comp.Kind = framework.KindCompetency
	for _, c := range [][2]string{
		{roleLabel(nil, auth.RolePeer), "Peer worker"},
		{roleLabel(es, auth.RoleSupervisor), es.T("role.supervisor")},
		{weekday(nil, 7), "Sunday"},
		{weekday(es, 1), "lunes"},
		{weekday(nil, 0), ""},
		{minutesLabel(nil, 90), "1 h 30 min"},
		{minutesLabel(nil, 120), "2 h"},
		{minutesLabel(nil, 45), "45 min"},
		{supervisionMode(nil, "in-person"), "In person"},
		{specialisation(nil, "deaf"), "Deaf peer specialist"},
		{specialisation(es, "Housing first"), "Housing first"},
		{yesNo(nil)[1].Label, "No"},
		{stageNeeds(es, "Etapa II", nil, true), "Todo listo para Etapa II."},
		{stageNeeds(es, "Etapa II", []framework.RequirementStatus{comp, comp}, true), "Faltan 2 cosas para Etapa II, y todas necesitan a tu supervisor o supervisora."},
	} {
		if got, want := c[0], c[1]; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
