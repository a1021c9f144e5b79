package app

import (
	"context"
	"encoding/json"

	"peerpath/internal/web"
)

// openAPI prints the API's OpenAPI document, the one served at
// /api/v1/openapi.json, for linters and client generators. It needs no
// database: the document is generated from the route table.
func openAPI(ctx context.Context, args []string, io stdio, getenv env) error {
	fs := flags("openapi", io)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	srv, err := web.New(web.Config{Version: Version})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(io.out)
	enc.SetIndent("", "  ")
	return enc.Encode(srv.OpenAPI())
}
