package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/learning"
)

// The glossary an organisation sees is the shipped one (learning.Shipped)
// merged with its own rows in learning_terms: entries it added, shipped
// entries it rewrote (same slug) and shipped entries it hid. The merged list
// is small (hundreds of entries), so it is built once per change and kept in
// memory; search and lookup run over it there. A per-organisation revision
// counter in the database tells every process when its copy is stale, so a
// PostgreSQL deployment with several processes stays consistent.

// MaxOwnTerms caps an organisation's own glossary rows, so the in-memory
// glossary stays small.
const MaxOwnTerms = 1000

// TermOrigin says where a glossary entry's text comes from.
type TermOrigin string

// The origins.
const (
	OriginShipped TermOrigin = "shipped" // peerpath's text, unchanged
	OriginChanged TermOrigin = "changed" // peerpath's entry, rewritten by the organisation
	OriginAdded   TermOrigin = "added"   // the organisation's own entry
)

// OwnTerm is one of the organisation's rows: its own text for an entry
// (HasText), or a hidden shipped entry, or both.
type OwnTerm struct {
	ID        int64
	Slug      string
	HasText   bool
	Entry     learning.Entry // the organisation's text when HasText
	Hidden    bool
	UpdatedBy int64
	UpdatedAt time.Time
}

// OrgGlossary is an organisation's glossary as its users see it. It is
// shared between requests and read-only: callers must not change the
// entries it returns.
type OrgGlossary struct {
	Rev     int64
	entries []learning.Entry // merged and visible, sorted by term
	index   *learning.Glossary
	shipped map[string]learning.Entry
	own     map[string]OwnTerm
	// Left out: own entries that clash with another entry's name (possible
	// only when a new release ships a name an organisation already used).
	Left []string

	mu       sync.Mutex
	mentions map[uint64]map[string][]string // chart fingerprint → item key → slugs
}

// Entries are the visible entries, sorted by term.
func (g *OrgGlossary) Entries() []learning.Entry { return slices.Clone(g.entries) }

// Len is the number of visible entries.
func (g *OrgGlossary) Len() int { return len(g.entries) }

// Lookup finds a visible entry by slug, term, expansion or alias.
func (g *OrgGlossary) Lookup(q string) (learning.Entry, bool) { return g.index.Lookup(q) }

// Search ranks the visible entries against q (see learning.Search). Without
// a query it is every entry, already in order by term.
func (g *OrgGlossary) Search(q string) []learning.Entry {
	if strings.TrimSpace(q) == "" {
		return slices.Clone(g.entries)
	}
	return learning.Search(g.entries, q)
}

// InCategory lists the visible entries of one category, sorted by term.
func (g *OrgGlossary) InCategory(category string) []learning.Entry {
	var out []learning.Entry
	for _, e := range g.entries {
		if e.Category == category {
			out = append(out, e)
		}
	}
	return out
}

// Origin says where the text of the entry with this slug comes from.
func (g *OrgGlossary) Origin(slug string) TermOrigin {
	o, own := g.own[slug]
	_, shipped := g.shipped[slug]
	switch {
	case own && o.HasText && shipped:
		return OriginChanged
	case own && o.HasText:
		return OriginAdded
	}
	return OriginShipped
}

// Shipped returns peerpath's own entry for slug, if it ships one.
func (g *OrgGlossary) Shipped(slug string) (learning.Entry, bool) {
	e, ok := g.shipped[slug]
	return e, ok
}

// Hidden lists the entries the organisation has hidden, sorted by term.
func (g *OrgGlossary) Hidden() []learning.Entry {
	var out []learning.Entry
	for _, o := range g.own {
		if !o.Hidden {
			continue
		}
		if o.HasText {
			out = append(out, o.Entry)
		} else if e, ok := g.shipped[o.Slug]; ok {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Term) < strings.ToLower(out[j].Term) })
	return out
}

// Changes lists the organisation's own rows (added, rewritten and hidden
// entries), most recently changed first.
func (g *OrgGlossary) Changes() []OwnTerm {
	out := make([]OwnTerm, 0, len(g.own))
	for _, o := range g.own {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].UpdatedAt.Equal(out[j].UpdatedAt) {
			return out[i].UpdatedAt.After(out[j].UpdatedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out
}

// Mentions maps each chart item's key to the slugs of the entries its label
// names (learning.Mentions), computed once per chart and glossary revision.
func (g *OrgGlossary) Mentions(items []learning.ItemRef) map[string][]string {
	h := fnv.New64a()
	for _, it := range items {
		h.Write([]byte(it.Key))
		h.Write([]byte{0})
		h.Write([]byte(it.Label))
		h.Write([]byte{0})
	}
	fp := h.Sum64()
	g.mu.Lock()
	defer g.mu.Unlock()
	if m, ok := g.mentions[fp]; ok {
		return m
	}
	m := learning.Mentions(g.entries, items)
	if g.mentions == nil || len(g.mentions) > 8 {
		g.mentions = map[uint64]map[string][]string{}
	}
	g.mentions[fp] = m
	return m
}

// ItemsMentioning lists the chart items whose labels name the entry slug,
// in the chart's order.
func (g *OrgGlossary) ItemsMentioning(slug string, items []learning.ItemRef) []learning.ItemRef {
	m := g.Mentions(items)
	var out []learning.ItemRef
	for _, it := range items {
		if slices.Contains(m[it.Key], slug) {
			out = append(out, it)
		}
	}
	return out
}

// MentionedIn lists the visible entries that the chart item itemKey names,
// sorted by term: what an item's page shows as its glossary terms.
func (g *OrgGlossary) MentionedIn(itemKey string, items []learning.ItemRef) []learning.Entry {
	slugs := g.Mentions(items)[itemKey]
	var out []learning.Entry
	for _, e := range g.entries {
		if slices.Contains(slugs, e.Slug) {
			out = append(out, e)
		}
	}
	return out
}

// glossaryCache holds each organisation's glossary. The zero value is ready.
type glossaryCache struct {
	mu    sync.Mutex
	byOrg map[int64]*OrgGlossary
}

// Glossary returns the organisation's glossary: the shipped entries with its
// own additions, rewrites and hidden entries applied. It costs one indexed
// read when nothing has changed since the last call.
func (s *Store) Glossary(ctx context.Context, orgID int64) (*OrgGlossary, error) {
	var rev int64
	err := s.rdb.QueryRowContext(ctx, "SELECT rev FROM learning_glossary_rev WHERE org_id = $1", orgID).Scan(&rev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	c := &s.glossaries
	c.mu.Lock()
	g := c.byOrg[orgID]
	c.mu.Unlock()
	if g != nil && g.Rev == rev {
		return g, nil
	}
	// The rows are read after the revision, so they are at least as new as
	// the label they are cached under: a stale copy is never kept.
	own, err := s.ownTerms(ctx, s.rdb, orgID)
	if err != nil {
		return nil, err
	}
	g = buildGlossary(rev, own)
	c.mu.Lock()
	if c.byOrg == nil {
		c.byOrg = map[int64]*OrgGlossary{}
	}
	if prev := c.byOrg[orgID]; prev == nil || prev.Rev <= rev {
		c.byOrg[orgID] = g
	}
	c.mu.Unlock()
	return g, nil
}

func (s *Store) ownTerms(ctx context.Context, q querier, orgID int64) (map[string]OwnTerm, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, slug, term, expansion, definition, category, clue, related, aliases, hidden, updated_by, updated_at
		FROM learning_terms WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]OwnTerm{}
	for rows.Next() {
		var o OwnTerm
		var related, aliases string
		var updated int64
		e := &o.Entry
		if err := rows.Scan(&o.ID, &o.Slug, &e.Term, &e.Expansion, &e.Definition, &e.Category, &e.Clue, &related, &aliases, &o.Hidden, &o.UpdatedBy, &updated); err != nil {
			return nil, err
		}
		e.Slug = o.Slug
		if err := json.Unmarshal([]byte(related), &e.Related); err != nil {
			return nil, fmt.Errorf("glossary row %d: related: %w", o.ID, err)
		}
		if err := json.Unmarshal([]byte(aliases), &e.Aliases); err != nil {
			return nil, fmt.Errorf("glossary row %d: aliases: %w", o.ID, err)
		}
		o.HasText, o.UpdatedAt = e.Term != "", fromMS(updated)
		out[o.Slug] = o
	}
	return out, rows.Err()
}

// mergeGlossary applies an organisation's rows to the shipped entries and
// drops related links to entries that are not there (hidden or deleted).
func mergeGlossary(shipped []learning.Entry, own map[string]OwnTerm) (base, org []learning.Entry) {
	for _, e := range shipped {
		if o, ok := own[e.Slug]; ok && o.Hidden {
			continue
		}
		base = append(base, e)
	}
	for _, o := range own {
		if o.HasText && !o.Hidden {
			org = append(org, o.Entry)
		}
	}
	sort.Slice(org, func(i, j int) bool { return org[i].Slug < org[j].Slug })
	return base, org
}

// pruneRelated drops related slugs that name no entry of the set (or the
// entry itself), so the set validates after entries were hidden or deleted.
func pruneRelated(entries []learning.Entry) []learning.Entry {
	known := make(map[string]bool, len(entries))
	for _, e := range entries {
		known[e.Slug] = true
	}
	out := make([]learning.Entry, len(entries))
	for i, e := range entries {
		keep := e.Related[:0:0]
		for _, r := range e.Related {
			if known[r] && r != e.Slug {
				keep = append(keep, r)
			}
		}
		e.Related = keep
		out[i] = e
	}
	return out
}

func buildGlossary(rev int64, own map[string]OwnTerm) *OrgGlossary {
	shipped := learning.Shipped()
	g := &OrgGlossary{Rev: rev, own: own, shipped: map[string]learning.Entry{}}
	for _, e := range shipped {
		g.shipped[e.Slug] = e
	}
	base, org := mergeGlossary(shipped, own)
	merged := pruneRelated(learning.Merge(base, org))
	idx, err := learning.NewGlossary(merged)
	if err != nil {
		// Some own entry clashes with another entry's name. Keep peerpath's
		// entries and add the organisation's one at a time, leaving out any
		// that would clash, so one bad row never hides the whole glossary.
		cur := pruneRelated(learning.Merge(base, nil))
		for _, e := range org {
			try := pruneRelated(learning.Merge(cur, []learning.Entry{e}))
			if learning.ValidateSet(try) != nil {
				g.Left = append(g.Left, e.Slug)
				continue
			}
			cur = try
		}
		merged = pruneRelated(cur)
		if idx, err = learning.NewGlossary(merged); err != nil {
			// Cannot happen: every step above validated. Fall back to the
			// shipped glossary rather than fail every page.
			merged, idx = shipped, learning.DefaultGlossary()
		}
	}
	g.entries, g.index = merged, idx
	return g
}

// TermInput is a glossary entry as a trainer writes it. Related entries may
// be given by slug, term or alias; they are resolved against the glossary.
type TermInput struct {
	Term       string
	Slug       string // optional for a new entry (made from the term); fixed when editing
	Expansion  string
	Definition string
	Category   string
	Clue       string
	Related    []string // one per line or separated by commas
	Aliases    []string // one per line
}

func mustTeach(a Actor) error {
	if !canTeach(a) {
		return core.Forbidden("Only trainers and administrators change the organisation's learning material.")
	}
	return nil
}

// termFieldNames are the words used for entry fields in messages.
var termFieldNames = map[string]string{
	"term": "The term", "slug": "The short name", "expansion": "The expansion", "definition": "The definition",
	"category": "The category", "clue": "The clue", "related": "Related entries", "aliases": "Other names",
}

// termMessages turns the learning package's field messages ("is required")
// into sentences that say what to do.
func termMessages(err error) map[string]string {
	e, ok := core.As(err)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for k, v := range e.Fields {
		switch {
		case k == "term" && v == "is required":
			out[k] = "Enter the term."
		case k == "definition" && v == "is required":
			out[k] = "Write a definition in your own words."
		case k == "category" && strings.HasPrefix(v, "must be one of"):
			out[k] = "Choose a category."
		case k == "slug":
			out[k] = "Use lower-case letters, digits and single hyphens (for example recovery-coach), at most 64 characters."
		default:
			name := termFieldNames[k]
			if name == "" {
				name = "This"
			}
			out[k] = name + " " + strings.TrimSuffix(v, ".") + "."
		}
	}
	return out
}

// splitList reads a list typed one item per line or separated by commas.
func splitList(items []string) []string { return splitOn(items, ",;\n\r") }

// splitLines reads a list typed one item per line, so an item may hold a
// comma ("Massachusetts Association for Mental Health, Inc.").
func splitLines(items []string) []string { return splitOn(items, "\n\r") }

func splitOn(items []string, seps string) []string {
	var out []string
	for _, it := range items {
		for _, p := range strings.FieldsFunc(it, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
			if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// SplitList reads a list a person typed one item per line or separated by
// commas, without blanks or repeats (related entries, other names).
func SplitList(s string) []string { return splitList([]string{s}) }

// entryFrom checks a trainer's input against the glossary g and returns the
// entry it describes, or field errors.
func entryFrom(g *OrgGlossary, slug string, in TermInput) (learning.Entry, error) {
	e := learning.Entry{
		Term: strings.TrimSpace(in.Term), Slug: slug, Expansion: strings.TrimSpace(in.Expansion),
		Definition: strings.TrimSpace(in.Definition), Category: strings.TrimSpace(in.Category), Clue: strings.TrimSpace(in.Clue),
		Aliases: splitLines(in.Aliases), Related: []string{},
	}
	f := termMessages(learning.Validate(e))
	if f == nil {
		f = map[string]string{}
	}
	for _, r := range splitList(in.Related) {
		other, ok := g.Lookup(r)
		switch {
		case !ok:
			f["related"] = fmt.Sprintf("We could not find “%s” in the glossary. Write it as the glossary does, or leave it out.", r)
		case other.Slug == slug:
			f["related"] = "An entry cannot be related to itself."
		case !slices.Contains(e.Related, other.Slug):
			e.Related = append(e.Related, other.Slug)
		}
	}
	if len(e.Related) > learning.MaxRelated {
		f["related"] = fmt.Sprintf("Link at most %d related entries.", learning.MaxRelated)
	}
	if len(f) == 0 {
		for k, v := range nameClashes(g.entries, e) {
			f[k] = v
		}
	}
	return e, core.Invalid(f)
}

// nameClashes reports which names of e (term, expansion, an alias) another
// entry of others already answers to, in words for the form. Two entries
// with one name would make lookups and game answers ambiguous.
func nameClashes(others []learning.Entry, e learning.Entry) map[string]string {
	rest := make([]learning.Entry, 0, len(others)+1)
	for _, o := range others {
		if o.Slug != e.Slug {
			rest = append(rest, o)
		}
	}
	rest = pruneRelated(rest)
	if learning.ValidateSet(append(slices.Clone(rest), e)) == nil {
		return nil
	}
	// Find the clashing names one at a time: a probe entry with just that
	// name, checked against each other entry.
	f := map[string]string{}
	probe := func(name string) string {
		p := learning.Entry{Term: name, Slug: e.Slug, Definition: "probe", Category: learning.CategoryConcepts, Related: []string{}}
		for _, o := range rest {
			o.Related = nil
			if learning.ValidateSet([]learning.Entry{o, p}) != nil {
				return o.Term
			}
		}
		return ""
	}
	if o := probe(e.Term); o != "" {
		f["term"] = fmt.Sprintf("The entry “%s” already answers to this name. Edit that entry, or choose another term.", o)
	}
	if e.Expansion != "" {
		if o := probe(e.Expansion); o != "" {
			f["expansion"] = fmt.Sprintf("The entry “%s” already answers to “%s”.", o, e.Expansion)
		}
	}
	for _, a := range e.Aliases {
		if o := probe(a); o != "" {
			f["aliases"] = fmt.Sprintf("The entry “%s” already answers to “%s”. Remove it from this list.", o, a)
			break
		}
	}
	if len(f) == 0 {
		f["aliases"] = "Two of this entry's names are the same once case and spacing are ignored. Remove one."
	}
	return f
}

// bumpGlossary raises the organisation's glossary revision inside tx, so
// every process rebuilds its cached copy.
func bumpGlossary(ctx context.Context, tx *sql.Tx, orgID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO learning_glossary_rev (org_id, rev) VALUES ($1, 1)
		ON CONFLICT (org_id) DO UPDATE SET rev = learning_glossary_rev.rev + 1`, orgID)
	return err
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// AddTerm adds an entry of the organisation's own to its glossary.
func (s *Store) AddTerm(ctx context.Context, a Actor, in TermInput) (learning.Entry, error) {
	if err := mustTeach(a); err != nil {
		return learning.Entry{}, err
	}
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return learning.Entry{}, err
	}
	slug := strings.TrimSpace(in.Slug)
	if slug == "" {
		slug = learning.Slugify(in.Term)
	}
	if slug == "" && strings.TrimSpace(in.Term) != "" {
		return learning.Entry{}, core.Invalid(map[string]string{"slug": "Enter a short name for the web address, such as peer-bridger."})
	}
	if _, shipped := g.shipped[slug]; shipped && slug != "" {
		return learning.Entry{}, core.Invalid(map[string]string{"slug": "peerpath's glossary already has an entry with this short name. Edit that entry instead, or choose another short name."})
	}
	if _, own := g.own[slug]; own && slug != "" {
		return learning.Entry{}, core.Invalid(map[string]string{"slug": "Your glossary already has an entry with this short name. Edit that entry instead, or choose another short name."})
	}
	e, err := entryFrom(g, slug, in)
	if ce, ok := core.As(err); ok && strings.TrimSpace(in.Slug) == "" && ce.Fields["term"] != "" {
		// The short name was left to peerpath: a problem with it is the
		// term's problem, already reported there.
		delete(ce.Fields, "slug")
	}
	if err != nil {
		return learning.Entry{}, err
	}
	if len(g.own) >= MaxOwnTerms {
		return learning.Entry{}, core.Conflict(fmt.Sprintf("Your organisation has %d glossary changes, the most peerpath keeps. Delete some you no longer need first.", MaxOwnTerms))
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO learning_terms (org_id, slug, term, expansion, definition, category, clue, related, aliases, hidden, updated_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			a.OrgID, e.Slug, e.Term, e.Expansion, e.Definition, e.Category, e.Clue, jsonList(e.Related), jsonList(e.Aliases), false, a.UserID, now).Scan(&id)
		if isUniqueViolation(err) {
			return core.Invalid(map[string]string{"slug": "Your glossary already has an entry with this short name. Choose another."})
		}
		if err != nil {
			return err
		}
		if err := bumpGlossary(ctx, tx, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "glossary_term", id, e.Slug)
	})
	return e, err
}

// UpdateTerm rewrites a visible entry: the organisation's own, or a shipped
// one (which the organisation's text then replaces for its users).
func (s *Store) UpdateTerm(ctx context.Context, a Actor, slug string, in TermInput) (learning.Entry, error) {
	if err := mustTeach(a); err != nil {
		return learning.Entry{}, err
	}
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return learning.Entry{}, err
	}
	if !g.visible(slug) {
		return learning.Entry{}, core.NotFound("The glossary entry")
	}
	e, err := entryFrom(g, slug, in)
	if err != nil {
		return learning.Entry{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE learning_terms SET term = $1, expansion = $2, definition = $3, category = $4, clue = $5, related = $6, aliases = $7, updated_by = $8, updated_at = $9
			WHERE org_id = $10 AND slug = $11 RETURNING id`,
			e.Term, e.Expansion, e.Definition, e.Category, e.Clue, jsonList(e.Related), jsonList(e.Aliases), a.UserID, now, a.OrgID, slug).Scan(&id)
		action := audit.ActionUpdate
		if errors.Is(err, sql.ErrNoRows) {
			// A shipped entry rewritten for the first time.
			err = tx.QueryRowContext(ctx, `INSERT INTO learning_terms (org_id, slug, term, expansion, definition, category, clue, related, aliases, hidden, updated_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
				a.OrgID, slug, e.Term, e.Expansion, e.Definition, e.Category, e.Clue, jsonList(e.Related), jsonList(e.Aliases), false, a.UserID, now).Scan(&id)
			action = audit.ActionCreate
		}
		if err != nil {
			return err
		}
		if err := bumpGlossary(ctx, tx, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, action, "glossary_term", id, slug)
	})
	return e, err
}

func (g *OrgGlossary) visible(slug string) bool {
	for _, e := range g.entries {
		if e.Slug == slug {
			return true
		}
	}
	return false
}

// HideTerm hides an entry from the organisation's glossary (its game boards
// and quizzes stop using it). It can be shown again.
func (s *Store) HideTerm(ctx context.Context, a Actor, slug string) error {
	if err := mustTeach(a); err != nil {
		return err
	}
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return err
	}
	if !g.visible(slug) {
		return core.NotFound("The glossary entry")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		var id int64
		err := tx.QueryRowContext(ctx, "UPDATE learning_terms SET hidden = $1, updated_by = $2, updated_at = $3 WHERE org_id = $4 AND slug = $5 RETURNING id",
			true, a.UserID, now, a.OrgID, slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, `INSERT INTO learning_terms (org_id, slug, hidden, updated_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
				a.OrgID, slug, true, a.UserID, now).Scan(&id)
		}
		if err != nil {
			return err
		}
		if err := bumpGlossary(ctx, tx, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "glossary_term", id, slug+": hidden")
	})
}

// ShowTerm shows a hidden entry again.
func (s *Store) ShowTerm(ctx context.Context, a Actor, slug string) error {
	if err := mustTeach(a); err != nil {
		return err
	}
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return err
	}
	o, ok := g.own[slug]
	if !ok || !o.Hidden {
		return core.NotFound("The hidden glossary entry")
	}
	e := o.Entry
	if !o.HasText {
		e = g.shipped[slug]
	}
	if f := nameClashes(g.entries, e); f != nil {
		return core.Conflict("Another entry now answers to a name of this one. Change or hide that entry first, then show this one again.")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if o.HasText {
			_, err = tx.ExecContext(ctx, "UPDATE learning_terms SET hidden = $1, updated_by = $2, updated_at = $3 WHERE id = $4 AND org_id = $5", false, a.UserID, ms(s.now()), o.ID, a.OrgID)
		} else {
			_, err = tx.ExecContext(ctx, "DELETE FROM learning_terms WHERE id = $1 AND org_id = $2", o.ID, a.OrgID)
		}
		if err != nil {
			return err
		}
		if err := bumpGlossary(ctx, tx, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "glossary_term", o.ID, slug+": shown")
	})
}

// DeleteOwnTerm removes the organisation's text for an entry: an entry it
// added is deleted; a shipped entry it rewrote goes back to peerpath's text.
func (s *Store) DeleteOwnTerm(ctx context.Context, a Actor, slug string) error {
	if err := mustTeach(a); err != nil {
		return err
	}
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return err
	}
	o, ok := g.own[slug]
	if !ok || !o.HasText {
		return core.NotFound("The organisation's glossary entry")
	}
	shipped, isShipped := g.shipped[slug]
	if isShipped && !o.Hidden {
		if f := nameClashes(g.entries, shipped); f != nil {
			return core.Conflict("Another entry now answers to a name of peerpath's text for this entry. Change that entry first.")
		}
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if isShipped && o.Hidden {
			// Keep the row: it still hides the shipped entry.
			_, err = tx.ExecContext(ctx, `UPDATE learning_terms SET term = '', expansion = '', definition = '', category = '', clue = '', related = '[]', aliases = '[]', updated_by = $1, updated_at = $2
				WHERE id = $3 AND org_id = $4`, a.UserID, ms(s.now()), o.ID, a.OrgID)
		} else {
			_, err = tx.ExecContext(ctx, "DELETE FROM learning_terms WHERE id = $1 AND org_id = $2", o.ID, a.OrgID)
		}
		if err != nil {
			return err
		}
		if err := bumpGlossary(ctx, tx, a.OrgID); err != nil {
			return err
		}
		detail := slug + ": deleted"
		if isShipped {
			detail = slug + ": back to peerpath's text"
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "glossary_term", o.ID, detail)
	})
}

// SearchGlossary returns one page of the organisation's glossary entries
// matching q, best match first (all entries by term when q is empty). The
// list is ranked in memory, so the cursor is a position in the ranking,
// tied to the query it was made for.
func (s *Store) SearchGlossary(ctx context.Context, orgID int64, q string, p Page) (List[learning.Entry], error) {
	var at int
	var forQ string
	has, err := decodeCursor(p.Cursor, &at, &forQ)
	if err != nil {
		return List[learning.Entry]{}, err
	}
	if has && (forQ != q || at < 0) {
		return List[learning.Entry]{}, core.Malformed("cursor", "This cursor belongs to another search. Start again from the first page.")
	}
	if utf8.RuneCountInString(q) > 200 {
		return List[learning.Entry]{}, core.Malformed("q", "Search for at most 200 characters.")
	}
	g, err := s.Glossary(ctx, orgID)
	if err != nil {
		return List[learning.Entry]{}, err
	}
	all := g.Search(q)
	at = min(at, len(all))
	end := min(at+p.limit(), len(all))
	res := List[learning.Entry]{Items: all[at:end]}
	if end < len(all) {
		res.Next = encodeCursor(end, q)
	}
	return res, nil
}
