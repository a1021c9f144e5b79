package store

import (
	"context"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/framework"
)

// EthicsCode is one of the organisation's codes of ethics or conduct, as
// the active chart names it (key, title, the tracks whose workers sign it),
// with its current version.
type EthicsCode struct {
	Key     string
	Title   string
	Tracks  []framework.Track
	Current EthicsVersion
}

// AppliesTo reports whether a worker on track signs this code.
func (c EthicsCode) AppliesTo(t framework.Track) bool {
	return framework.EthicsCodeInfo{Key: c.Key, Tracks: c.Tracks}.AppliesTo(t)
}

// TracksText names the tracks in words, for pages.
func (c EthicsCode) TracksText() string {
	var parts []string
	for _, t := range c.Tracks {
		parts = append(parts, TrackLabel(t))
	}
	return strings.Join(parts, ", ")
}

// TrackLabel names a track in words ("" is "not chosen yet").
func TrackLabel(t framework.Track) string {
	switch t {
	case framework.TrackBoth:
		return "Mental health & addiction (both)"
	case framework.TrackMentalHealth:
		return "Mental health"
	case framework.TrackAddiction:
		return "Addiction"
	}
	return "Not chosen yet"
}

// EthicsCodes returns the organisation's codes in the active chart's order,
// each with its current version; a code without a version yet gets the
// text peerpath ships for it. Every version of a code was published under
// it, so the current one is the latest of the code (one query for all).
func (s *Store) EthicsCodes(ctx context.Context, orgID int64) ([]EthicsCode, error) {
	cv, err := s.ActiveChart(ctx, orgID)
	if err != nil {
		return nil, err
	}
	infos := cv.Chart.EthicsCodes()
	if err := s.ensureShippedEthics(ctx, orgID, infos); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+ethicsColumns+` FROM ethics_versions v LEFT JOIN users u ON u.id = v.published_by
		WHERE v.org_id = $1 AND v.id IN (SELECT MAX(id) FROM ethics_versions WHERE org_id = $1 GROUP BY code)`, orgID)
	if err != nil {
		return nil, err
	}
	vs, err := collect(rows, scanEthics)
	if err != nil {
		return nil, err
	}
	cur := make(map[string]EthicsVersion, len(vs))
	for _, v := range vs {
		cur[v.Code] = v
	}
	out := make([]EthicsCode, 0, len(infos))
	for _, info := range infos {
		v, ok := cur[info.Key]
		if !ok {
			return nil, core.NotFound("The code of ethics")
		}
		out = append(out, EthicsCode{Key: info.Key, Title: info.Title, Tracks: info.Tracks, Current: v})
	}
	return out, nil
}

// EthicsCodeByKey returns one of the organisation's codes ("" is the CPS
// code), or not found.
func (s *Store) EthicsCodeByKey(ctx context.Context, orgID int64, key string) (EthicsCode, error) {
	codes, err := s.EthicsCodes(ctx, orgID)
	if err != nil {
		return EthicsCode{}, err
	}
	c, ok := codeByKey(codes, key)
	if !ok {
		return EthicsCode{}, core.NotFound("The code of ethics")
	}
	return c, nil
}

// codeByKey finds a code; "" means the default (CPS) code.
func codeByKey(codes []EthicsCode, key string) (EthicsCode, bool) {
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "" && len(codes) > 0 {
		return defaultCode(codes), true
	}
	for _, c := range codes {
		if c.Key == key {
			return c, true
		}
	}
	return EthicsCode{}, false
}

func codeKeys(codes []EthicsCode) string {
	keys := make([]string, len(codes))
	for i, c := range codes {
		keys[i] = c.Key
	}
	return strings.Join(keys, ", ")
}
