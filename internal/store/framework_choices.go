package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/framework"
)

// Prerequisites that depend on the organisation (issue 12). The chart marks
// the items an organisation decides about: conditional items, which apply
// only where it (or one of its programmes) asks for them, like CORI "as
// indicated by specific RSC, RLC or other program"; and "required or
// preferred" items, whose reading it chooses. Until it decides, a
// conditional item does not apply and a strength keeps the chart's default
// reading (preferred: an advantage that does not block).

// FrameworkChoice is the organisation's decision about one item.
type FrameworkChoice struct {
	Item          framework.Item
	Applies       bool               // conditional items: the organisation asks for it
	Strength      framework.Strength // "" until chosen: the chart's default reading
	UpdatedAt     time.Time
	UpdatedByName string
}

// Decided reports whether the organisation has decided anything yet.
func (c FrameworkChoice) Decided() bool { return !c.UpdatedAt.IsZero() }

// EffectiveStrength is the strength readiness uses for the item.
func (c FrameworkChoice) EffectiveStrength() framework.Strength {
	if c.Strength != "" && slices.Contains(c.Item.StrengthOptions, c.Strength) {
		return c.Strength
	}
	return c.Item.Strength
}

// frameworkChoices loads what readiness reads of the organisation's
// choices, in one query.
func (s *Store) frameworkChoices(ctx context.Context, orgID int64) (framework.Choices, error) {
	ch := framework.Choices{Applies: map[string]bool{}, Strength: map[string]framework.Strength{}}
	rows, err := s.rdb.QueryContext(ctx, "SELECT item_key, applies, strength FROM framework_choices WHERE org_id = $1", orgID)
	if err != nil {
		return ch, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, strength string
		var applies bool
		if err := rows.Scan(&key, &applies, &strength); err != nil {
			return ch, err
		}
		if applies {
			ch.Applies[key] = true
		}
		if strength != "" {
			ch.Strength[key] = framework.Strength(strength)
		}
	}
	return ch, rows.Err()
}

// FrameworkChoices lists the active chart's items that leave the
// organisation a choice, in chart order, with what it has chosen. Anyone
// signed in may read them: they decide what readiness asks of everyone.
func (s *Store) FrameworkChoices(ctx context.Context, a Actor) ([]FrameworkChoice, error) {
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT c.item_key, c.applies, c.strength, c.updated_at, COALESCE(u.name, '')
		FROM framework_choices c LEFT JOIN users u ON u.id = c.updated_by WHERE c.org_id = $1`, a.OrgID)
	if err != nil {
		return nil, err
	}
	type row struct {
		applies  bool
		strength string
		at       int64
		by       string
	}
	saved := map[string]row{}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var k string
			var r row
			if err := rows.Scan(&k, &r.applies, &r.strength, &r.at, &r.by); err != nil {
				return err
			}
			saved[k] = r
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, err
	}
	var out []FrameworkChoice
	for _, it := range cv.Chart.OrgChoices() {
		c := FrameworkChoice{Item: it}
		if r, ok := saved[it.Key]; ok {
			c.Applies, c.Strength, c.UpdatedAt, c.UpdatedByName = r.applies, framework.Strength(r.strength), fromMS(r.at), r.by
		}
		out = append(out, c)
	}
	return out, nil
}

// FrameworkChoiceInput is one decision: whether a conditional item applies
// (nil leaves it), and the strength read for an item with options (nil
// leaves it; "" goes back to the chart's default reading).
type FrameworkChoiceInput struct {
	ItemKey  string
	Applies  *bool
	Strength *string
}

// SetFrameworkChoices records the organisation's decisions, all or none.
// Administrators only. Field errors are keyed "applies-<item key>" and
// "strength-<item key>", as the page names its fields.
func (s *Store) SetFrameworkChoices(ctx context.Context, a Actor, in []FrameworkChoiceInput) error {
	if !a.MayChangeOrgSettings() {
		return core.Forbidden("Only administrators decide how the organisation reads the chart.")
	}
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return err
	}
	f := map[string]string{}
	for i := range in {
		x := &in[i]
		it, ok := cv.Chart.Item(x.ItemKey)
		switch {
		case !ok || !it.OrgChoice():
			f["item_key"] = "Choose one of the items the chart leaves to the organisation."
			continue
		case x.Applies != nil && !it.Conditional:
			f["applies-"+it.Key] = "This item always applies; the chart leaves only its strength to the organisation."
		}
		if x.Strength != nil {
			st := framework.Strength(strings.TrimSpace(*x.Strength))
			if st != "" && !slices.Contains(it.StrengthOptions, st) {
				var opts []string
				for _, o := range it.StrengthOptions {
					opts = append(opts, string(o))
				}
				if len(opts) == 0 {
					f["strength-"+it.Key] = "The chart gives this item's strength; it is not the organisation's to choose."
				} else {
					f["strength-"+it.Key] = fmt.Sprintf("Choose one: %s.", strings.Join(opts, " or "))
				}
			}
		}
	}
	if err := core.Invalid(f); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, x := range in {
			var applies bool
			var strength string
			err := tx.QueryRowContext(ctx, "SELECT applies, strength FROM framework_choices WHERE org_id = $1 AND item_key = $2", a.OrgID, x.ItemKey).Scan(&applies, &strength)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			if x.Applies != nil {
				applies = *x.Applies
			}
			if x.Strength != nil {
				strength = strings.TrimSpace(*x.Strength)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO framework_choices (org_id, item_key, applies, strength, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (org_id, item_key) DO UPDATE SET applies = excluded.applies, strength = excluded.strength,
					updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				a.OrgID, x.ItemKey, applies, strength, ms(s.now()), a.UserID); err != nil {
				return err
			}
			detail := x.ItemKey + ": strength " + strength
			if applies {
				detail += ", applies"
			}
			if err := s.record(ctx, tx, a, audit.ActionUpdate, "framework_choice", 0, detail); err != nil {
				return err
			}
		}
		return nil
	})
}
