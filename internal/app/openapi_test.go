package app_test

import (
	"encoding/json"
	"testing"
)

// TestOpenAPICommand: the document CI lints is the one the server serves,
// written without a database.
func TestOpenAPICommand(t *testing.T) {
	r := run(t, map[string]string{}, "", "openapi")
	if r.code != 0 {
		t.Fatalf("openapi: %d %s", r.code, r.errOut)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Info    map[string]any            `json:"info"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Info["license"] == nil || doc.Paths["/api/v1/people/{id}"]["get"] == nil {
		t.Fatalf("not the API's document: %s %v", doc.OpenAPI, doc.Info)
	}
	if r := run(t, map[string]string{}, "", "openapi", "extra"); r.code != 2 {
		t.Fatalf("an extra argument: %d", r.code)
	}
}
