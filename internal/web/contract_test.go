package web_test

import (
	"net/http"
	"strings"
	"testing"

	"peerpath/internal/testkit"
)

// TestAPIContractCatchesMismatches shows that the check every testkit client
// makes on every API call (testkit/contract.go) fails on what it should, and
// names the route and the field.
func TestAPIContractCatchesMismatches(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Contract")
	me := app.APIClient(t, tm.Peer).Get("/api/v1/me") // keeps the contract, or this test fails here
	json := http.Header{"Content-Type": {"application/json"}}
	for _, c := range []struct {
		name, method, path, body string
		res                      testkit.Response
		want                     []string // "" when the call keeps the contract
	}{
		{"a real answer", "GET", "/api/v1/me", "", me, nil},
		{"a field the schema forbids", "GET", "/api/v1/me", "",
			testkit.Response{Status: 200, Header: json, Body: strings.Replace(me.Body, "{", `{"secret_field":1,`, 1)},
			[]string{"GET /api/v1/me", "secret_field"}},
		{"a required field missing", "GET", "/api/v1/frameworks/{id}", "",
			testkit.Response{Status: 200, Header: json, Body: `{"id":"1"}`},
			[]string{"GET /api/v1/frameworks/{id}", `"title" is missing`}},
		{"a status not documented", "GET", "/api/v1/me", "",
			testkit.Response{Status: http.StatusTeapot, Header: json, Body: `{}`},
			[]string{"GET /api/v1/me", "418", "does not document"}},
		{"an error body of the wrong shape", "GET", "/api/v1/people/1", "",
			testkit.Response{Status: 404, Header: json, Body: `{"message":"gone"}`},
			[]string{"GET /api/v1/people/{id}", "error"}},
		{"a forbidden request accepted", "POST", "/api/v1/people", `{"nmae":"Typo"}`,
			testkit.Response{Status: 201, Header: json, Body: `{}`},
			[]string{"POST /api/v1/people", "forbids", "nmae"}},
		{"a forbidden request refused", "POST", "/api/v1/people", `{"nmae":"Typo"}`,
			testkit.Response{Status: 400, Header: json, Body: `{"error":{"code":"invalid","message":"No."}}`}, nil},
		{"a route not in the document", "GET", "/api/v1/undocumented", "",
			testkit.Response{Status: 200, Header: json, Body: `{}`},
			[]string{"/api/v1/undocumented", "not in the OpenAPI document"}},
		{"an unknown path answered 404", "GET", "/api/v1/undocumented", "",
			testkit.Response{Status: 404, Header: json, Body: `{}`}, nil},
	} {
		path := strings.NewReplacer("{id}", "1").Replace(c.path)
		got := app.ContractViolation(c.method, app.HTTP.URL+path, json, []byte(c.body), c.res)
		if len(c.want) == 0 && got != "" {
			t.Errorf("%s: %s", c.name, got)
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the violation does not say %q:\n%s", c.name, w, got)
			}
		}
	}
}

// TestEveryOperationDocumentsItsErrors keeps, without npm, what the Redocly
// linter in CI checks most often: every operation has a unique operationId
// and at least one 4xx answer with the error body (the OpenAPI document
// itself, public and always there, excepted).
func TestEveryOperationDocumentsItsErrors(t *testing.T) {
	app := testkit.NewApp(t)
	doc := app.Server.OpenAPI()
	if lic, _ := doc["info"].(map[string]any)["license"].(map[string]any); lic["name"] == "" || lic["name"] == nil {
		t.Error("the document states no licence")
	}
	ids := map[string]string{}
	for path, ops := range doc["paths"].(map[string]map[string]any) {
		for method, o := range ops {
			op := o.(map[string]any)
			where := strings.ToUpper(method) + " " + path
			oid, _ := op["operationId"].(string)
			if oid == "" || ids[oid] != "" {
				t.Errorf("%s: operationId %q missing or already used by %s", where, oid, ids[oid])
			}
			ids[oid] = where
			if path == "/api/v1/openapi.json" {
				continue
			}
			n := 0
			for code, r := range op["responses"].(map[string]any) {
				if strings.HasPrefix(code, "4") {
					n++
					if ref, _ := r.(map[string]any)["$ref"].(string); !strings.HasPrefix(ref, "#/components/responses/") {
						t.Errorf("%s: %s is not one of the shared error responses", where, code)
					}
				}
			}
			if n == 0 {
				t.Errorf("%s documents no 4xx answer", where)
			}
		}
	}
}
