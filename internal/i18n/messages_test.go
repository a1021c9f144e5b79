package i18n_test

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/BurntSushi/toml"
)

// The validation and error messages of the store and domain packages are
// catalogued under their own English text (the gettext model): the code
// keeps writing core.Invalid(map[string]string{"name": "Enter a name."}),
// and errors.<lang>.toml maps "Enter a name." to each language. The web
// layer translates a message when a page shows it (formsSpeak, fail).
//
// TestEveryMessageIsCatalogued finds those messages in the code and fails
// when one is missing from errors.en.toml, or when the catalogue keeps one
// the code no longer says. `go test ./internal/i18n -run
// TestEveryMessageIsCatalogued -update-errors` rewrites errors.en.toml from
// the code (English only: the other languages are written by people).

var updateErrors = flag.Bool("update-errors", false, "rewrite errors.en.toml from the messages found in the code")

// messageDirs are the packages whose messages people read on pages. The web
// package is among them for the messages it hands to core (core.Invalid,
// core.NotFound…); its other words go into the catalogue by key. The API's
// messages stay English in JSON, but a page may show the same message.
var messageDirs = []string{
	"../core", "../store", "../learning", "../language", "../framework",
	"../printout", "../reporting", "../recovery", "../cohort", "../workforce",
	"../followup", "../credential", "../calendar", "../auth", "../audit", "../web",
}

// messageParams are the parameter names through which a message reaches
// a helper (checkText(f, field, v, max, empty), im.problem(line, field, msg)…).
var messageParams = map[string]bool{"empty": true, "msg": true, "message": true, "required": true, "format": true, "fragment": true}

// messageVars are local variables that hold a message before it is used.
var messageVars = map[string]bool{"msg": true, "message": true, "required": true, "empty": true}

// pkgFiles are the parsed non-test files of one package.
type pkgFiles struct {
	Name  string
	Files []*ast.File
}

// messageFunc names the functions that return a message as a string.
var messageFunc = regexp.MustCompile(`^(validate|Validate|check|Check|Parse)|Problem$`)

// returnsString reports whether a function's last result is an unnamed
// string: its message (validateOrgName returns one; ParseHours returns the
// hours and one).
func returnsString(t *ast.FuncType) bool {
	if t.Results == nil || len(t.Results.List) == 0 {
		return false
	}
	last := t.Results.List[len(t.Results.List)-1]
	id, ok := last.Type.(*ast.Ident)
	return ok && id.Name == "string" && len(last.Names) <= 1
}

type found struct {
	text  string
	where string
}

// scanMessages returns the fixed messages and, separately, the messages the
// code builds with fmt.Sprintf or concatenation (which cannot be catalogued
// under their English text and stay English).
func scanMessages(t *testing.T) (fixed, built []found) {
	t.Helper()
	fset := token.NewFileSet()
	seen := map[string]bool{}
	add := func(list *[]found, text string, pos token.Pos) {
		p := fset.Position(pos)
		where := filepath.Base(filepath.Dir(p.Filename)) + "/" + filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line)
		if list == &built && !strings.Contains(text, " ") {
			return // a placeholder ("$%d"), not a message
		}
		if seen[text+"\x00"+where] {
			return
		}
		seen[text+"\x00"+where] = true
		*list = append(*list, found{text, where})
	}
	for _, dir := range messageDirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		pkg := pkgFiles{}
		for _, n := range names {
			if strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, n, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			pkg.Name = f.Name.Name
			pkg.Files = append(pkg.Files, f)
		}
		// The parameter names of the package's functions, by function name.
		params := map[string][]string{}
		notFound := map[string]map[int]bool{}
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				var names []string
				for _, fl := range fd.Type.Params.List {
					if len(fl.Names) == 0 {
						names = append(names, "")
					}
					for _, n := range fl.Names {
						names = append(names, n.Name)
					}
				}
				params[fd.Name.Name] = names
				// A parameter the function hands to core.NotFound names
				// what was not found (groupWithRoster(…, "The roster")).
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					c, ok := n.(*ast.CallExpr)
					if !ok || len(c.Args) != 1 {
						return true
					}
					if name, inCore := callee(c, pkg.Name); !inCore || name != "NotFound" {
						return true
					}
					if id, ok := c.Args[0].(*ast.Ident); ok {
						for i, n := range names {
							if n == id.Name {
								if notFound[fd.Name.Name] == nil {
									notFound[fd.Name.Name] = map[int]bool{}
								}
								notFound[fd.Name.Name][i] = true
							}
						}
					}
					return true
				})
			}
		}
		// message records e as a message: a fixed one when it is a
		// string literal, a built one when it is a Sprintf or a
		// concatenation holding a literal.
		var message func(e ast.Expr, suffix string)
		message = func(e ast.Expr, suffix string) {
			switch x := e.(type) {
			case *ast.BasicLit:
				if s, ok := literal(x); ok && formatSentence(s+suffix) {
					add(&fixed, s+suffix, x.Pos())
				}
			case *ast.ParenExpr:
				message(x.X, suffix)
			case *ast.BinaryExpr:
				if x.Op == token.ADD && hasLiteral(x) {
					add(&built, render(x)+suffix, x.Pos())
				}
			case *ast.CallExpr:
				if isCall(x, "fmt", "Sprintf") && len(x.Args) > 0 {
					if s, ok := literalOf(x.Args[0]); ok {
						if formatSentence(s + suffix) {
							add(&fixed, s+suffix, x.Pos())
						} else {
							add(&built, s+suffix, x.Pos())
						}
					}
				}
			}
		}
		// A package-level map of strings holds messages only when it
		// is handed to core.Invalid (var errGroupName = map…); others
		// are labels (recovery.StageWords).
		invalidArgs := map[string]bool{}
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if name, inCore := callee(c, pkg.Name); inCore && name == "Invalid" && len(c.Args) == 1 {
						if id, ok := c.Args[0].(*ast.Ident); ok {
							invalidArgs[id.Name] = true
						}
					}
				}
				return true
			})
		}
		skip := map[ast.Node]bool{}
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				for _, sp := range gd.Specs {
					vs := sp.(*ast.ValueSpec)
					for i, v := range vs.Values {
						if i < len(vs.Names) && !invalidArgs[vs.Names[i].Name] {
							skip[v] = true
						}
					}
				}
			}
		}
		mapValues := func(e ast.Expr) {
			cl, ok := e.(*ast.CompositeLit)
			if !ok || !isStringMap(cl.Type) {
				return
			}
			for _, el := range cl.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					message(kv.Value, "")
				}
			}
		}
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.FuncDecl:
					// A validator that returns its message as a string
					// (validateOrgName, auth.CheckNewPassword).
					if x.Body != nil && messageFunc.MatchString(x.Name.Name) && returnsString(x.Type) {
						ast.Inspect(x.Body, func(n ast.Node) bool {
							switch r := n.(type) {
							case *ast.FuncLit:
								return false
							case *ast.ReturnStmt:
								if len(r.Results) > 0 {
									message(r.Results[len(r.Results)-1], "")
								}
							}
							return true
						})
					}
				case *ast.CompositeLit:
					switch {
					case skip[x]:
						return false
					case isStringMap(x.Type):
						mapValues(x)
					case isErrorType(x.Type, pkg.Name):
						for _, el := range x.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
									message(kv.Value, "")
								}
							}
						}
					}
				case *ast.AssignStmt:
					for i, lhs := range x.Lhs {
						if i >= len(x.Rhs) {
							break
						}
						switch l := lhs.(type) {
						case *ast.IndexExpr: // f["name"] = "Enter a name."
							message(x.Rhs[i], "")
						case *ast.Ident: // msg := "…"
							if messageVars[l.Name] {
								message(x.Rhs[i], "")
							}
						}
					}
				case *ast.CallExpr:
					name, inCore := callee(x, pkg.Name)
					if inCore {
						switch name {
						case "Conflict", "Forbidden":
							if len(x.Args) == 1 {
								message(x.Args[0], "")
							}
							return true
						case "Malformed":
							if len(x.Args) == 2 {
								message(x.Args[1], "")
							}
							return true
						case "NotFound":
							if len(x.Args) == 1 {
								message(x.Args[0], " was not found.")
							}
							return true
						case "Errorf":
							if len(x.Args) >= 2 {
								formatted(x.Args[1], len(x.Args) > 2, message, add, &built)
							}
							return true
						}
					}
					ps, ok := params[name]
					if !ok || inCore {
						return true
					}
					for i, a := range x.Args {
						if notFound[name][i] {
							message(a, " was not found.")
							continue
						}
						if i >= len(ps) || !messageParams[ps[i]] {
							continue
						}
						if ps[i] == "format" {
							formatted(a, len(x.Args) > i+1, message, add, &built)
							continue
						}
						if ps[i] == "fragment" {
							// A piece of a message, catalogued as it is
							// (store.gap): Message translates it inside
							// the message that carries it.
							if s, ok := literalOf(a); ok {
								add(&fixed, s, a.Pos())
							}
							continue
						}
						message(a, "")
					}
				}
				return true
			})
		}
	}
	sort.Slice(fixed, func(i, j int) bool { return fixed[i].text < fixed[j].text })
	sort.Slice(built, func(i, j int) bool { return built[i].where < built[j].where })
	return fixed, built
}

// formatted records a format string: fixed when no values follow it.
func formatted(e ast.Expr, args bool, message func(ast.Expr, string), add func(*[]found, string, token.Pos), built *[]found) {
	s, ok := literalOf(e)
	if !ok {
		return
	}
	if args || strings.Contains(s, "%") {
		if formatSentence(s) {
			message(e, "")
		} else {
			add(built, s, e.Pos())
		}
		return
	}
	message(e, "")
}

func literal(b *ast.BasicLit) (string, bool) {
	if b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

func literalOf(e ast.Expr) (string, bool) {
	if b, ok := e.(*ast.BasicLit); ok {
		return literal(b)
	}
	return "", false
}

func hasLiteral(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if b, ok := n.(*ast.BasicLit); ok && b.Kind == token.STRING {
			found = true
		}
		return !found
	})
	return found
}

// render writes a concatenation with its values as «…», for the list of
// messages left in English.
func render(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.BinaryExpr:
		return render(x.X) + render(x.Y)
	case *ast.BasicLit:
		if s, ok := literal(x); ok {
			return s
		}
	}
	return "«…»"
}

// sentence tells a message from the other strings maps and helpers carry
// (field names, codes, labels): it starts with a capital (or a quote or a
// digit), has a space in it and ends as a sentence does.
func sentence(s string) bool {
	if !strings.Contains(s, " ") || !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		return false
	}
	r := []rune(s)[0]
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("“\"'(", r)
}

// formatSentence tells a format that makes a whole message ("Use at most %d
// characters.", "%q is not a role.") from a piece of one ("must be at most
// %d characters", which a caller puts after a line number).
func formatSentence(s string) bool {
	if !strings.Contains(s, "%") {
		return sentence(s)
	}
	words := 0
	for _, w := range strings.Fields(verbRe.ReplaceAllString(s, "")) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			words++
		}
	}
	return words >= 2 && sentence(verbRe.ReplaceAllString(s, "X"))
}

var verbRe = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)

func isStringMap(e ast.Expr) bool {
	m, ok := e.(*ast.MapType)
	if !ok {
		return false
	}
	k, ok1 := m.Key.(*ast.Ident)
	v, ok2 := m.Value.(*ast.Ident)
	return ok1 && ok2 && k.Name == "string" && v.Name == "string"
}

func isErrorType(e ast.Expr, pkg string) bool {
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	switch x := e.(type) {
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && id.Name == "core" && x.Sel.Name == "Error"
	case *ast.Ident:
		return pkg == "core" && x.Name == "Error"
	}
	return false
}

func isCall(c *ast.CallExpr, pkg, name string) bool {
	s, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := s.X.(*ast.Ident)
	return ok && id.Name == pkg && s.Sel.Name == name
}

// callee names the function called and whether it is core's.
func callee(c *ast.CallExpr, pkg string) (string, bool) {
	switch f := c.Fun.(type) {
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); ok && id.Name == "core" {
			return f.Sel.Name, true
		}
		return f.Sel.Name, false
	case *ast.Ident:
		return f.Name, pkg == "core"
	}
	return "", false
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	m := map[string]string{}
	if _, err := toml.DecodeFile("errors."+lang+".toml", &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEveryMessageIsCatalogued(t *testing.T) {
	fixed, built := scanMessages(t)
	if len(fixed) < 100 {
		t.Fatalf("found only %d messages: is the scan still looking in the right places?", len(fixed))
	}
	inCode := map[string]string{}
	for _, f := range fixed {
		if _, ok := inCode[f.text]; !ok {
			inCode[f.text] = f.where
		}
	}
	// One of each way a message is written, so a scan that stops seeing
	// one kind fails here rather than passing quietly.
	for _, m := range []string{
		"Please check the highlighted fields.",                             // core.Invalid's summary
		"The person was not found.",                                        // core.NotFound("The person")
		"Enter the person's name.",                                         // f["name"] = …
		"This consent was already revoked.",                                // core.Conflict(…)
		"Search for at most 200 characters.",                               // core.Malformed(field, …)
		"This invitation has expired. Ask your peer worker for a new one.", // &core.Error{Message: …}
	} {
		if _, ok := inCode[m]; !ok {
			t.Errorf("the scan no longer finds %q", m)
		}
	}
	if *updateErrors {
		keys := make([]string, 0, len(inCode))
		for k := range inCode {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("# The store's and domain packages' messages, catalogued under their own\n")
		b.WriteString("# English text. Written by `go test ./internal/i18n -run\n")
		b.WriteString("# TestEveryMessageIsCatalogued -update-errors`; see docs/i18n.md.\n\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "%s = %s\n", tomlString(k), tomlString(k))
		}
		if err := os.WriteFile("errors.en.toml", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	en := catalogue(t, "en")
	for _, f := range fixed {
		if _, ok := en[f.text]; !ok {
			t.Errorf("%s: %q is not in errors.en.toml (add it there and in errors.es.toml and errors.pt.toml)", f.where, f.text)
		}
	}
	for k, v := range en {
		if _, ok := inCode[k]; !ok {
			t.Errorf("errors.en.toml has %q, which the code no longer says (remove it from every errors.*.toml)", k)
		}
		if v != k {
			t.Errorf("errors.en.toml: %q must be written as itself, not %q", k, v)
		}
	}
	if testing.Verbose() {
		for _, b := range built {
			t.Logf("left in English (built at run time): %s: %s", b.where, b.text)
		}
	}
	t.Logf("%d messages catalogued, %d built at run time", len(inCode), len(built))
}
