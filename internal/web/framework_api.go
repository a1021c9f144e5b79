package web

import (
	"errors"
	"io"
	"net/http"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/store"
)

// frameworkSummaryJSON describes one chart version in the API.
type frameworkSummaryJSON struct {
	ID         string    `json:"id"`
	ChartID    string    `json:"chart_id" doc:"the chart file's own id, e.g. ma-2014"`
	Title      string    `json:"title"`
	Version    string    `json:"version"`
	Published  string    `json:"published" doc:"YYYY-MM"`
	ItemCount  int       `json:"item_count"`
	Shipped    bool      `json:"shipped" doc:"shipped with peerpath"`
	Active     bool      `json:"active"`
	ImportedAt time.Time `json:"imported_at"`
}

// frameworkJSON is a whole chart: its description, stages and items.
type frameworkJSON struct {
	frameworkSummaryJSON
	Jurisdiction string                `json:"jurisdiction"`
	Source       string                `json:"source"`
	Stages       []framework.StageInfo `json:"stages"`
	Items        []framework.Item      `json:"items"`
}

func toFrameworkSummary(v store.ChartVersion) frameworkSummaryJSON {
	return frameworkSummaryJSON{ID: id(v.ID), ChartID: v.ChartKey, Title: v.Title, Version: v.Version, Published: v.Published,
		ItemCount: v.ItemCount, Shipped: v.Shipped, Active: v.Active, ImportedAt: v.ImportedAt}
}

// apiChart reads {id} (or "active") and returns that chart of the caller's
// organisation.
func (s *Server) apiChart(r *http.Request) (store.ChartVersion, error) {
	orgID := principal(r).Org.ID
	raw := r.PathValue("id")
	if raw == "active" {
		return s.store.ActiveChart(r.Context(), orgID)
	}
	cid, err := parseID("id", raw)
	if err != nil {
		return store.ChartVersion{}, core.NotFound("The chart")
	}
	return s.store.ChartVersion(r.Context(), orgID, cid)
}

func (s *Server) apiFrameworks(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.store.ChartVersions(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	out := listJSON[frameworkSummaryJSON]{Items: []frameworkSummaryJSON{}}
	for _, v := range vs {
		out.Items = append(out.Items, toFrameworkSummary(v))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiFramework(w http.ResponseWriter, r *http.Request) error {
	v, err := s.apiChart(r)
	if err != nil {
		return err
	}
	c := v.Chart
	writeJSON(w, http.StatusOK, frameworkJSON{frameworkSummaryJSON: toFrameworkSummary(v), Jurisdiction: c.Jurisdiction(), Source: c.Source(), Stages: c.Stages(), Items: c.Items()})
	return nil
}

func (s *Server) apiFrameworkRequirements(w http.ResponseWriter, r *http.Request) error {
	v, err := s.apiChart(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	stage, err := v.Chart.LookupStage(q.Get("stage"))
	if err != nil {
		return core.Malformed("stage", "Give ?stage= as one of this chart's stages: "+stageKeys(v.Chart)+".")
	}
	track, err := framework.ParseTrack(q.Get("track"))
	if err != nil {
		return core.Malformed("track", "Give ?track= as one of both, mental-health, addiction.")
	}
	writeJSON(w, http.StatusOK, framework.ToJSON(framework.EffectiveRequirements(v.Chart, stage, track)))
	return nil
}

func stageKeys(c *framework.Chart) string {
	var out string
	for i, st := range c.Stages() {
		if i > 0 {
			out += ", "
		}
		out += string(st.Key)
	}
	return out
}

func (s *Server) apiFrameworkImport(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return s.bodyError(err)
	}
	v, err := s.store.ImportChart(r.Context(), s.actor(r), data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toFrameworkSummary(v))
	return nil
}

func (s *Server) apiFrameworkActivate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.apiChart(r)
	if err != nil {
		return err
	}
	if err := s.store.ActivateChart(r.Context(), s.actor(r), v.ID); err != nil {
		return err
	}
	v.Active = true
	writeJSON(w, http.StatusOK, toFrameworkSummary(v))
	return nil
}

// bodyError reports a body that could not be read: too large, or cut off.
func (s *Server) bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &core.Error{Kind: core.KindTooLarge, Message: "The body is too large."}
	}
	return core.Malformed("body", "The body could not be read.")
}
