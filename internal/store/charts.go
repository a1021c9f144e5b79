package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/framework"
)

// ChartVersion is one version of a development chart held by an
// organisation. The Massachusetts 2014 chart shipped with peerpath is present
// for every organisation; an administrator may import others and choose
// which one is active.
type ChartVersion struct {
	ID         int64
	ChartKey   string // the chart file's own id, e.g. "ma-2014"
	Title      string
	Version    string
	Published  string
	ItemCount  int
	SHA256     string
	Shipped    bool
	Active     bool
	ImportedAt time.Time
	ImportedBy string // the importer's name; empty for the shipped chart
	Chart      *framework.Chart
}

// parsedCharts caches parsed charts by the hash of their file, so a page
// does not parse 60 KB of JSON on every request. Charts are immutable.
var parsedCharts sync.Map // sha256 → *framework.Chart

func parseChart(sha string, data []byte) (*framework.Chart, error) {
	if c, ok := parsedCharts.Load(sha); ok {
		return c.(*framework.Chart), nil
	}
	c, err := framework.Parse(data)
	if err != nil {
		return nil, err
	}
	parsedCharts.Store(sha, c)
	return c, nil
}

func chartSum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ensureShippedChart gives an organisation the shipped chart, active, the
// first time it needs one. It is idempotent and safe against a race: the
// unique (org, hash) index makes a second insert fail harmlessly.
//
// When the active chart is an earlier shipped version of the chart (a
// correction has shipped since), the current shipped version is added and
// made active, so corrections reach organisations that never chose a chart
// of their own. A chart an organisation imported is never replaced.
func (s *Store) ensureShippedChart(ctx context.Context, orgID int64) error {
	data := framework.MA2014JSON()
	sha := chartSum(data)
	var activeSHA string
	var shipped bool
	err := s.rdb.QueryRowContext(ctx, "SELECT sha256, shipped FROM charts WHERE org_id = $1 AND active", orgID).Scan(&activeSHA, &shipped)
	switch {
	case err == nil && (!shipped || activeSHA == sha):
		return nil
	case err == nil:
		return s.upgradeShippedChart(ctx, orgID, data, sha)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var n int
	if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM charts WHERE org_id = $1", orgID).Scan(&n); err != nil || n > 0 {
		return err
	}
	c := framework.MA2014()
	_, err = s.wdb.ExecContext(ctx, `INSERT INTO charts (org_id, chart_key, title, version, published, item_count, data, sha256, shipped, active, imported_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (org_id, sha256) DO NOTHING`,
		orgID, c.ID(), c.Title(), c.Version(), c.Published(), len(c.Items()), string(data), sha, true, true, ms(s.now()))
	return err
}

// upgradeShippedChart adds the current shipped chart (once) and makes it
// the active one in place of an earlier shipped version.
func (s *Store) upgradeShippedChart(ctx context.Context, orgID int64, data []byte, sha string) error {
	c := framework.MA2014()
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO charts (org_id, chart_key, title, version, published, item_count, data, sha256, shipped, active, imported_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (org_id, sha256) DO NOTHING`,
			orgID, c.ID(), c.Title(), c.Version(), c.Published(), len(c.Items()), string(data), sha, true, false, ms(s.now())); err != nil {
			return err
		}
		// Only while a shipped chart is still the active one: an
		// administrator who activated their own meanwhile keeps it.
		_, err := tx.ExecContext(ctx, `UPDATE charts SET active = (sha256 = $2) WHERE org_id = $1
			AND EXISTS (SELECT 1 FROM charts x WHERE x.org_id = $1 AND x.active AND x.shipped)`, orgID, sha)
		return err
	})
}

const chartColumns = `c.id, c.chart_key, c.title, c.version, c.published, c.item_count, c.sha256, c.shipped, c.active, c.imported_at, COALESCE(u.name, '')`

func scanChartVersion(sc interface{ Scan(...any) error }) (ChartVersion, error) {
	var v ChartVersion
	var at int64
	err := sc.Scan(&v.ID, &v.ChartKey, &v.Title, &v.Version, &v.Published, &v.ItemCount, &v.SHA256, &v.Shipped, &v.Active, &at, &v.ImportedBy)
	v.ImportedAt = fromMS(at)
	return v, err
}

// ChartVersions lists the organisation's charts, newest first, without
// parsing them.
func (s *Store) ChartVersions(ctx context.Context, orgID int64) ([]ChartVersion, error) {
	if err := s.ensureShippedChart(ctx, orgID); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+chartColumns+" FROM charts c LEFT JOIN users u ON u.id = c.imported_by WHERE c.org_id = $1 ORDER BY c.id DESC", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ChartVersion
	for rows.Next() {
		v, err := scanChartVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ChartVersion returns one of the organisation's charts, parsed.
func (s *Store) ChartVersion(ctx context.Context, orgID, id int64) (ChartVersion, error) {
	if err := s.ensureShippedChart(ctx, orgID); err != nil {
		return ChartVersion{}, err
	}
	return s.chartWhere(ctx, "c.org_id = $1 AND c.id = $2", orgID, id)
}

// ActiveChart returns the organisation's active chart, parsed.
func (s *Store) ActiveChart(ctx context.Context, orgID int64) (ChartVersion, error) {
	if err := s.ensureShippedChart(ctx, orgID); err != nil {
		return ChartVersion{}, err
	}
	return s.chartWhere(ctx, "c.org_id = $1 AND c.active", orgID)
}

func (s *Store) chartWhere(ctx context.Context, where string, args ...any) (ChartVersion, error) {
	var data string
	row := s.rdb.QueryRowContext(ctx, "SELECT "+chartColumns+", c.data FROM charts c LEFT JOIN users u ON u.id = c.imported_by WHERE "+where, args...)
	var v ChartVersion
	var at int64
	err := row.Scan(&v.ID, &v.ChartKey, &v.Title, &v.Version, &v.Published, &v.ItemCount, &v.SHA256, &v.Shipped, &v.Active, &at, &v.ImportedBy, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return v, core.NotFound("The chart")
	}
	if err != nil {
		return v, err
	}
	v.ImportedAt = fromMS(at)
	v.Chart, err = parseChart(v.SHA256, []byte(data))
	return v, err
}

// activeChartIn reads the organisation's active chart through q (a
// transaction in progress), without writing: an organisation that has never
// had a chart row uses the shipped one, as ensureShippedChart would make it.
func activeChartIn(ctx context.Context, q querier, orgID int64) (*framework.Chart, error) {
	var sha, data string
	err := q.QueryRowContext(ctx, "SELECT sha256, data FROM charts WHERE org_id = $1 AND active", orgID).Scan(&sha, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return framework.MA2014(), nil
	}
	if err != nil {
		return nil, err
	}
	return parseChart(sha, []byte(data))
}

// MaxChartSize is the largest chart file accepted (the Massachusetts chart
// is about 60 KB).
const MaxChartSize = 2 << 20

// ImportChart validates a chart file and stores it as a new version of the
// organisation's charts, not yet active. Every problem is reported at once,
// keyed by item. Importing the same file twice is refused.
func (s *Store) ImportChart(ctx context.Context, a Actor, data []byte) (ChartVersion, error) {
	if len(data) == 0 {
		return ChartVersion{}, core.Invalid(map[string]string{"chart": "Choose a chart file (JSON)."})
	}
	if len(data) > MaxChartSize {
		return ChartVersion{}, core.Invalid(map[string]string{"chart": "The file is larger than 2 MB; a chart is usually well under 100 KB."})
	}
	c, err := framework.Parse(data)
	if err != nil {
		return ChartVersion{}, err
	}
	if err := s.ensureShippedChart(ctx, a.OrgID); err != nil {
		return ChartVersion{}, err
	}
	sha := chartSum(data)
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO charts (org_id, chart_key, title, version, published, item_count, data, sha256, shipped, active, imported_at, imported_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.OrgID, c.ID(), c.Title(), c.Version(), c.Published(), len(c.Items()), string(data), sha, false, false, ms(s.now()), a.UserID).Scan(&id)
		if isUniqueViolation(err) {
			return core.Conflict("This exact chart file is already loaded.")
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "chart", id, c.ID()+" version "+c.Version())
	})
	if err != nil {
		return ChartVersion{}, err
	}
	parsedCharts.Store(sha, c)
	return s.ChartVersion(ctx, a.OrgID, id)
}

// ActivateChart makes one of the organisation's charts the active one:
// readiness, requirements and the framework pages use it from then on.
func (s *Store) ActivateChart(ctx context.Context, a Actor, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM charts WHERE id = $1 AND org_id = $2", id, a.OrgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return core.NotFound("The chart")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE charts SET active = (id = $1) WHERE org_id = $2", id, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "chart", id, "made active")
	})
}
