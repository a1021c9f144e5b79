package web

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"
)

// apiDoc describes an API route for the OpenAPI document. The request and
// response are given as values of the very types the handler uses, so the
// document is generated from the code and cannot drift from it.
type apiDoc struct {
	Summary  string
	Tag      string
	Request  any // a value of the request body's type; nil for none
	Response any // a value of the success response's type; nil for none
	Status   int // success status; 200 when zero
	List     bool
	Query    []queryParam
	Public   bool // no sign-in needed
	Produces string
	Errors   []int // error statuses beyond those errorStatuses works out
	// OptionalBody: the request body may be left out (Request documents it
	// when sent).
	OptionalBody bool
	// AlsoOK are other success statuses answered with the same body (200
	// for a signature that was already made).
	AlsoOK []int
}

type queryParam struct {
	Name, Description string
	Enum              []string
	Required          bool
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI builds the OpenAPI 3.1 document from the route table.
func (s *Server) openAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}, seen: map[string]reflect.Type{}}
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		if rt.API == nil {
			continue
		}
		d := rt.API
		op := map[string]any{
			"summary":     d.Summary,
			"operationId": operationID(rt.Method, rt.Pattern),
			"tags":        []string{d.Tag},
		}
		if d.Public {
			op["security"] = []any{}
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		qs := d.Query
		if d.List {
			qs = append(qs,
				queryParam{Name: "limit", Description: "How many items to return: 1 to 500, 50 when absent."},
				queryParam{Name: "cursor", Description: "The next_cursor of the previous page."})
		}
		for _, q := range qs {
			sch := map[string]any{"type": "string"}
			if len(q.Enum) > 0 {
				sch["enum"] = q.Enum
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": q.Required, "description": q.Description, "schema": sch})
		}
		// Every POST honours an Idempotency-Key (reliability.go).
		if rt.Method == http.MethodPost && !d.Public {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "Send the same key to retry this request safely: the same key with the same body answers with the first response (with the header Idempotent-Replayed: true) and creates nothing more; the same key with another method, path or body answers 409. 1 to 255 visible ASCII characters, such as a UUID. Keys are yours alone and are kept for 24 hours; a request that failed with a 5xx status or 429 is not kept, so its retry runs again.",
				"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": 255}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if d.Request != nil {
			op["requestBody"] = map[string]any{"required": !d.OptionalBody, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(d.Request))},
			}}
		}
		status := d.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if d.Response != nil {
			sch := g.schema(reflect.TypeOf(d.Response))
			if d.List {
				sch = map[string]any{"type": "object", "required": []string{"items", "next_cursor"}, "properties": map[string]any{
					"items":       map[string]any{"type": "array", "items": sch},
					"next_cursor": map[string]any{"type": "string", "description": "Empty on the last page."},
				}}
			}
			ct := d.Produces
			if ct == "" {
				ct = "application/json"
			}
			ok["content"] = map[string]any{ct: map[string]any{"schema": sch}}
		}
		g.schema(reflect.TypeOf(apiError{}))
		responses := map[string]any{
			fmt.Sprint(status): ok,
			"default":          map[string]any{"$ref": "#/components/responses/Unexpected"},
		}
		for _, code := range d.AlsoOK {
			also := map[string]any{"description": http.StatusText(code)}
			if body, has := ok["content"]; has {
				also["content"] = body
			}
			responses[fmt.Sprint(code)] = also
		}
		for _, code := range errorStatuses(rt.Method, rt.Pattern, d) {
			responses[fmt.Sprint(code)] = map[string]any{"$ref": "#/components/responses/" + errorResponses[code].name}
		}
		op["responses"] = responses
		if paths[rt.Pattern] == nil {
			paths[rt.Pattern] = map[string]any{}
		}
		paths[rt.Pattern][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"license":     apiLicence,
			"title":       "peerpath API",
			"version":     s.version,
			"description": "The JSON API of peerpath. Send a personal access token (Settings → API tokens, or `peerpath token create`) as `Authorization: Bearer <token>`. Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`. Lists take `limit` and `cursor` and answer `{\"items\": [...], \"next_cursor\": \"...\"}`. Ids are opaque strings; times are RFC 3339.",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"bearerAuth": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas":         g.defs,
			"responses":       errorResponseComponents(),
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

// apiLicence is the licence the OpenAPI document states. peerpath has not
// chosen a licence yet, so it says so rather than invent one; until a
// licence is chosen the default of copyright law applies. When one is
// chosen, give its SPDX identifier here (and a LICENSE file).
var apiLicence = map[string]any{"name": "No licence chosen yet: all rights reserved"}

// errorResponses are the error answers an operation documents, each with the
// error body ({"error": {"code", "message", "fields"}}).
var errorResponses = map[int]struct{ name, description string }{
	http.StatusBadRequest:            {"Malformed", "The request could not be read: malformed JSON, a field that is not part of the request, a value of the wrong type, or a bad `limit` or `cursor`. `fields` names what is wrong."},
	http.StatusUnauthorized:          {"Unauthenticated", "No valid API token (or session) was sent."},
	http.StatusForbidden:             {"Forbidden", "The caller's roles do not allow this, or the organisation requires a second factor the caller has not set up."},
	http.StatusNotFound:              {"NotFound", "No such record, or one the caller may not see: records of other organisations and people the caller does not support are not found, never forbidden."},
	http.StatusConflict:              {"Conflict", "The request clashes with the record's current state (for example, an outdated `version`)."},
	http.StatusRequestEntityTooLarge: {"TooLarge", "The request body is larger than this operation accepts."},
	http.StatusUnprocessableEntity:   {"Invalid", "A value is not acceptable; `fields` maps each field to a message saying what to do."},
	http.StatusGone:                  {"Gone", "The record existed and was withdrawn for good (a revoked certificate's credential)."},
	http.StatusTooManyRequests:       {"RateLimited", "Too many requests from this address; try again later."},
}

func errorResponseComponents() map[string]any {
	body := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ApiError"}}}
	out := map[string]any{"Unexpected": map[string]any{"description": "An unexpected error. The message gives a request id to quote; nothing else about the failure is shown.", "content": body}}
	for _, e := range errorResponses {
		out[e.name] = map[string]any{"description": e.description, "content": body}
	}
	return out
}

// errorStatuses works out the error statuses an operation can answer with
// below 500, from what it takes: every signed-in operation can answer 401 and
// 403, one with a path parameter or a body 404, one that reads a body or a
// query 400/422 (and 413 for a body), one that changes something 409. d.Errors adds the rest (429 on
// rate-limited public lookups).
func errorStatuses(method, pattern string, d *apiDoc) []int {
	set := map[int]bool{}
	if !d.Public {
		// 404 too: a person signed in to their own portal gets "not
		// found" from every staff operation (route.go), and staff from
		// none of the portal's.
		set[http.StatusUnauthorized], set[http.StatusForbidden], set[http.StatusNotFound] = true, true, true
	}
	if pathParam.MatchString(pattern) {
		set[http.StatusNotFound] = true
	}
	if d.Request != nil {
		// A body names records by id too (a card, a person, a group).
		set[http.StatusBadRequest], set[http.StatusRequestEntityTooLarge], set[http.StatusUnprocessableEntity], set[http.StatusNotFound] = true, true, true, true
	}
	if d.List || len(d.Query) > 0 {
		set[http.StatusBadRequest], set[http.StatusUnprocessableEntity] = true, true
	}
	if method != http.MethodGet {
		set[http.StatusConflict], set[http.StatusUnprocessableEntity] = true, true
	}
	for _, c := range d.Errors {
		set[c] = true
	}
	var out []int
	for c := range set {
		if _, ok := errorResponses[c]; !ok {
			panic(fmt.Sprintf("openapi: %s %s: no error response for status %d", method, pattern, c))
		}
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

func operationID(method, pattern string) string {
	p := strings.NewReplacer("/api/v1/", "", "/", "_", "{", "", "}", "", "-", "_", ".", "_").Replace(pattern)
	return strings.ToLower(method) + "_" + p
}

// schemaGen turns Go types into JSON Schema, following json tags. Two
// optional tags refine a field: enum:"a,b,c" and doc:"description".
type schemaGen struct {
	defs map[string]any
	seen map[string]reflect.Type
}

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Pointer:
		inner := g.schema(t.Elem())
		if typ, ok := inner["type"].(string); ok {
			inner["type"] = []string{typ, "null"}
			return inner
		}
		return map[string]any{"oneOf": []any{inner, map[string]any{"type": "null"}}}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := schemaName(t)
		if prev, ok := g.seen[name]; ok {
			if prev != t {
				panic(fmt.Sprintf("openapi: two types named %s (%v and %v)", name, prev, t))
			}
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		g.seen[name] = t
		props := map[string]any{}
		var required []string
		g.fields(t, props, &required)
		sort.Strings(required)
		def := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			def["required"] = required
		}
		g.defs[name] = def
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic(fmt.Sprintf("openapi: no schema for %v", t))
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		// encoding/json promotes the fields of an embedded struct, exported
		// type or not.
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.fields(f.Type, props, required)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		var sch map[string]any
		if f.Tag.Get("partial") == "true" {
			sch = g.partial(f.Type)
		} else {
			sch = g.schema(f.Type)
		}
		if e := f.Tag.Get("enum"); e != "" {
			sch["enum"] = strings.Split(e, ",")
		}
		if d := f.Tag.Get("doc"); d != "" {
			if _, isRef := sch["$ref"]; isRef {
				sch = map[string]any{"allOf": []any{sch}, "description": d}
			} else {
				sch["description"] = d
			}
		}
		props[name] = sch
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}

// partial is the schema of a struct whose fields may each be left out: a
// request that changes part of a record (the sections of a plan PUT).
func (g *schemaGen) partial(t reflect.Type) map[string]any {
	name := schemaName(t) + "Partial"
	ref := map[string]any{"$ref": "#/components/schemas/" + name}
	if _, ok := g.seen[name]; ok {
		return ref
	}
	g.seen[name] = t
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	g.defs[name] = map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	return ref
}

// schemaName names a struct in the document: generic instantiations and
// anonymous structs get readable names.
func schemaName(t reflect.Type) string {
	n := t.Name()
	if i := strings.Index(n, "["); i >= 0 {
		n = n[:i]
	}
	if n == "" {
		panic("openapi: anonymous struct types need a name")
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

func (s *Server) openAPIDoc(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.openAPI())
	return nil
}
