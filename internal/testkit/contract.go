package testkit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The API contract: every call a test makes under /api/v1 is checked against
// the OpenAPI document the server itself serves at /api/v1/openapi.json (the
// same for every test server, so it is loaded once per test binary). A call
// breaks the contract when
//
//   - its path and method are not in the document (unless the server answered
//     404 or 405);
//   - its status below 500 is not one the operation documents (the document's
//     "default" response is for unexpected errors only, so it does not count);
//   - its response body does not match the schema documented for that status;
//   - the server accepted (2xx) a request whose parameters or body the
//     document forbids: a request the document forbids may be sent on purpose,
//     to test that it is refused, but it must then be refused.
//
// A broken contract fails the test with the route pattern, the status and the
// validator's message, which names the field.

const apiPrefix = "/api/v1/"

type contract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	contractOnce sync.Once
	contractDoc  *contract
	contractErr  error
)

// apiContract loads the OpenAPI document from a running server once.
func (a *App) apiContract() (*contract, error) {
	contractOnce.Do(func() {
		res, err := http.Get(a.HTTP.URL + "/api/v1/openapi.json")
		if err != nil {
			contractErr = err
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			contractErr = err
			return
		}
		contractDoc, contractErr = loadContract(b)
	})
	return contractDoc, contractErr
}

func loadContract(b []byte) (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("loading the OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is not valid: %w", err)
	}
	// The document's server is "/", relative to wherever peerpath runs; the
	// router matches paths only.
	doc.Servers = nil
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing the OpenAPI document: %w", err)
	}
	return &contract{doc: doc, router: r}, nil
}

// ContractViolation checks one finished API call against the document and
// returns what is wrong with it, or "" when it keeps the contract. Tests
// normally never call it: every Client checks every API call it makes.
func (a *App) ContractViolation(method, target string, header http.Header, reqBody []byte, res Response) string {
	u, err := url.Parse(target)
	if err != nil || !strings.HasPrefix(u.Path, apiPrefix) || u.Path == "/api/v1/openapi.json" {
		return ""
	}
	c, err := a.apiContract()
	if err != nil {
		return "API contract: " + err.Error()
	}
	return c.check(method, u, header, reqBody, res)
}

func (c *contract) check(method string, u *url.URL, header http.Header, reqBody []byte, res Response) string {
	ctx := context.Background()
	call := fmt.Sprintf("%s %s", method, u.Path)
	req, _ := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(reqBody))
	req.Header = header.Clone()
	if len(reqBody) == 0 {
		req.Body = http.NoBody
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if res.Status == http.StatusNotFound || res.Status == http.StatusMethodNotAllowed {
			return ""
		}
		return fmt.Sprintf("API contract: %s answered %d but is not in the OpenAPI document (%v)", call, res.Status, err)
	}
	op := method + " " + route.Path
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: options(false),
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && res.Status/100 == 2 {
		return fmt.Sprintf("API contract: %s (%s) answered %d to a request the OpenAPI document forbids; document what the server accepts:\n%s\n  request body: %s", op, u.Path, res.Status, indent(err), clip(string(reqBody)))
	}
	if res.Status < 500 && route.Operation.Responses.Value(strconv.Itoa(res.Status)) == nil {
		return fmt.Sprintf("API contract: %s (%s) answered %d, a status its OpenAPI operation does not document (documented: %s)\n  body: %s",
			op, u.Path, res.Status, strings.Join(route.Operation.Responses.Keys(), ", "), clip(res.Body))
	}
	// The request was checked above; the response is checked on its own.
	in.Options = options(true)
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.Status,
		Header:                 res.Header,
		Body:                   io.NopCloser(strings.NewReader(res.Body)),
		Options:                options(true),
	}
	if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
		return fmt.Sprintf("API contract: %s (%s) answered %d with a body its OpenAPI schema does not allow:\n%s\n  body: %s", op, u.Path, res.Status, indent(err), clip(res.Body))
	}
	return ""
}

// options are the validator's options: no authentication (the server checks
// that), and short messages that give the field's JSON pointer and the
// reason instead of the whole schema and value.
func init() {
	// A credential as a JWT (issue 20) is a compact string, read as text.
	openapi3filter.RegisterBodyDecoder("application/vc+jwt", openapi3filter.PlainBodyDecoder)
}

func options(excludeRequestBody bool) *openapi3filter.Options {
	o := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true, ExcludeRequestBody: excludeRequestBody}
	o.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		at := "/" + strings.Join(err.JSONPointer(), "/")
		return fmt.Sprintf("at %s: %s", at, err.Reason)
	})
	return o
}

func indent(err error) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "\n  ")
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// checkContract fails t when an API call breaks the contract.
func (c *Client) checkContract(t testing.TB, method, target string, header http.Header, reqBody []byte, res Response) {
	t.Helper()
	if v := c.app.ContractViolation(method, target, header, reqBody, res); v != "" {
		t.Error(v)
	}
}
