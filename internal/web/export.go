package web

import "peerpath/internal/auth"

// RouteInfo describes a route for tests and tools outside the package.
type RouteInfo struct {
	Method, Pattern string
	Perm            auth.Permission
	API             bool
	Documented      bool
}

// RouteList returns every route in the table.
func (s *Server) RouteList() []RouteInfo {
	out := make([]RouteInfo, 0, len(s.routes))
	for _, r := range s.routes {
		out = append(out, RouteInfo{Method: r.Method, Pattern: r.Pattern, Perm: r.Perm, API: r.isAPI(), Documented: r.API != nil})
	}
	return out
}

// OpenAPI returns the OpenAPI document.
func (s *Server) OpenAPI() map[string]any { return s.openAPI() }
