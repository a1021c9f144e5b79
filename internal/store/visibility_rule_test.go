package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
	"testing"
)

// personParams are the parameter names that carry the id of a person
// supported (or several).
var personParams = map[string]bool{"personID": true, "personIDs": true, "pid": true}

// notThroughVisibility lists exported store methods that take a parameter
// named like a person's id but rightly do not go through the visibility rule,
// each with the reason. Keep it short: the answer to a failing test is
// almost always to call s.visiblePerson (or join people p with visibleTo),
// not a new line here.
var notThroughVisibility = map[string]string{
	// In cohorts, pid is a participant of a training cohort (a trainee, not a
	// person supported); cohort methods check the cohort permission and the
	// organisation instead.
	"CertificateToPrint": "pid is a cohort participant, not a person supported",
	"IssueCertificate":   "pid is a cohort participant, not a person supported",
	"MyCertificate":      "pid is the caller's own participation in a cohort",
	"RevokeCertificate":  "pid is a cohort participant, not a person supported",
	"RecordExam":         "pid is a cohort participant, not a person supported",
	"RemoveExamAttempt":  "pid is a cohort participant, not a person supported",
	"SaveOutcome":        "pid is a cohort participant, not a person supported",
	// A group's roster is the group's: groupToRun lets only those who run
	// the group (and so see its roster) change it, and the person is matched
	// only among that group's members of the organisation.
	"RemoveGroupMember": "a change to a group's roster, checked by groupToRun",
}

// TestPersonIDsGoThroughTheVisibilityRule fails when an exported method on
// *Store that takes a person's id does not reach the visibility rule. The
// rule is visibleTo (policy.go): visiblePerson, CheckPersonVisible and
// Person all use it. A method reaches it when its body calls visibleTo, or
// passes the person's id to a function or method of the package that does
// (followed through any depth of unexported helpers). Exported methods of
// the people file whose id parameter is the person's (Person, UpdatePerson …)
// are checked the same way.
func TestPersonIDsGoThroughTheVisibilityRule(t *testing.T) {
	fset := token.NewFileSet()
	funcs := map[string][]*ast.FuncDecl{} // by name: functions and methods of every receiver
	type method struct {
		decl *ast.FuncDecl
		file string
	}
	var exported []method
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			funcs[fd.Name.Name] = append(funcs[fd.Name.Name], fd)
			if fd.Recv != nil && fd.Name.IsExported() && receiverIs(fd, "Store") {
				exported = append(exported, method{fd, name})
			}
		}
	}
	if len(exported) < 100 {
		t.Fatalf("found only %d exported store methods: is the test running in internal/store?", len(exported))
	}

	// checks reports whether fd's parameter at index i reaches visibleTo.
	type key struct {
		fd *ast.FuncDecl
		i  int
	}
	memo := map[key]bool{}
	var checks func(fd *ast.FuncDecl, i int) bool
	checks = func(fd *ast.FuncDecl, i int) bool {
		k := key{fd, i}
		if v, ok := memo[k]; ok {
			return v
		}
		memo[k] = false // a cycle proves nothing
		param := paramName(fd, i)
		found := false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if found {
				return false
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			callee := calleeName(call)
			if callee == "visibleTo" {
				found = true
				return false
			}
			if param == "" {
				return true
			}
			for j, arg := range call.Args {
				if !mentions(arg, param) {
					continue
				}
				for _, g := range funcs[callee] {
					if j < paramCount(g) && checks(g, j) {
						found = true
						return false
					}
				}
			}
			return true
		})
		memo[k] = found
		return found
	}

	var checked, listed []string
	for _, m := range exported {
		fd := m.decl
		for i := range paramCount(fd) {
			p := paramName(fd, i)
			personish := personParams[p] || (p == "id" && strings.Contains(fd.Name.Name, "Person"))
			if !personish {
				continue
			}
			if reason, ok := notThroughVisibility[fd.Name.Name]; ok {
				if reason == "" {
					t.Errorf("%s: give the reason it is listed", fd.Name.Name)
				}
				listed = append(listed, fd.Name.Name)
				continue
			}
			checked = append(checked, fd.Name.Name)
			if !checks(fd, i) {
				t.Errorf("%s (%s:%d) takes %s but never passes it through the visibility rule: call s.visiblePerson(ctx, q, a, %s) (or join people p with visibleTo) before touching the person's records, or list it in notThroughVisibility with the reason",
					fd.Name.Name, m.file, fset.Position(fd.Pos()).Line, p, p)
			}
		}
	}
	// A listed method that no longer takes a person-like parameter is stale.
	seen := map[string]bool{}
	for _, n := range listed {
		seen[n] = true
	}
	for n := range notThroughVisibility {
		if !seen[n] {
			t.Errorf("%s is listed in notThroughVisibility but takes no person id any more: remove it", n)
		}
	}
	sort.Strings(checked)
	t.Logf("%d methods checked: %s", len(checked), strings.Join(checked, ", "))
}

func receiverIs(fd *ast.FuncDecl, name string) bool {
	if len(fd.Recv.List) != 1 {
		return false
	}
	star, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == name
}

func paramCount(fd *ast.FuncDecl) int {
	n := 0
	for _, f := range fd.Type.Params.List {
		n += max(len(f.Names), 1)
	}
	return n
}

func paramName(fd *ast.FuncDecl, i int) string {
	for _, f := range fd.Type.Params.List {
		if len(f.Names) == 0 {
			if i == 0 {
				return ""
			}
			i--
			continue
		}
		for _, n := range f.Names {
			if i == 0 {
				return n.Name
			}
			i--
		}
	}
	return ""
}

func calleeName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.Ident:
		return f.Name
	case *ast.IndexExpr: // a generic function
		if id, ok := f.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

// mentions reports whether the expression uses the identifier name.
func mentions(e ast.Expr, name string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}
