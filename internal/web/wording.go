package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/language"
	"peerpath/internal/store"
)

// The wording helper under every note field: live through htmx (POST
// /wording answers a fragment of hints), on a failed save, and with a
// "Check my wording" button for browsers without JavaScript. It never
// blocks saving. Each organisation's list is the shipped one merged with
// the organisation's own entries; it is built once and kept until an
// administrator changes those entries.

// wordingCache keeps each organisation's compiled list. It lives on the
// Server; an administrator's change forgets that organisation's entry at
// once, and every entry is rebuilt after wordingTTL, so that with several
// servers in front of one PostgreSQL the others catch up within a minute.
type wordingCache struct {
	mu    sync.Mutex
	lists map[int64]cachedList
}

type cachedList struct {
	list  *language.List
	built time.Time
}

const wordingTTL = time.Minute

func (s *Server) wordingList(ctx context.Context, orgID int64) *language.List {
	c := &s.wordLists
	now := s.clock.Now()
	c.mu.Lock()
	e, ok := c.lists[orgID]
	c.mu.Unlock()
	if ok && now.Sub(e.built) < wordingTTL {
		return e.list
	}
	l, err := s.store.OrgWordingList(ctx, orgID)
	if err != nil {
		// The helper is an aid, never a gate: fall back to the shipped list.
		s.log.Error("loading the organisation's word list", "org_id", orgID, "err", err)
		return language.Default()
	}
	c.mu.Lock()
	if c.lists == nil {
		c.lists = map[int64]cachedList{}
	}
	c.lists[orgID] = cachedList{list: l, built: now}
	c.mu.Unlock()
	return l
}

func (s *Server) forgetWording(orgID int64) {
	s.wordLists.mu.Lock()
	delete(s.wordLists.lists, orgID)
	s.wordLists.mu.Unlock()
}

// wordingHints checks text with the signed-in user's organisation's list.
func (s *Server) wordingHints(r *http.Request, text string) []language.Hint {
	p := principal(r)
	if p == nil || strings.TrimSpace(text) == "" {
		return nil
	}
	return s.wordingList(r.Context(), p.Org.ID).Check(text)
}

// wording answers the htmx request made as someone pauses typing in a note
// field: the hints for the text of the field that triggered it (htmx names
// it in HX-Trigger-Name), or of the "text" field.
func (s *Server) wording(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return nil // nothing to say; the helper never gets in the way
	}
	name := r.Header.Get("HX-Trigger-Name")
	if name == "" {
		name = "text"
	}
	// The partial says its own words in the reader's language, so it is given L.
	return s.renderFragment(w, r, "", "wording-hints", map[string]any{"Hints": s.wordingHints(r, r.PostForm.Get(name)), "L": localizer(r)})
}

// The administrator's page for the organisation's word list.

type wordingAdminView struct {
	Shipped  []wordingRow
	Own      []store.WordingEntry
	Form     *form
	Category []option
	Editing  string // the id of the shipped entry being replaced
}

type wordingRow struct {
	language.Entry
	Replaced, Disabled bool
}

func (s *Server) adminWording(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	own, err := s.store.WordingEntries(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	byID := map[string]store.WordingEntry{}
	for _, e := range own {
		byID[e.ID] = e
	}
	v := wordingAdminView{Own: own}
	for _, e := range language.Default().Entries() {
		row := wordingRow{Entry: e}
		if o, ok := byID[e.ID]; ok {
			row.Replaced, row.Disabled = !o.Disabled, o.Disabled
		}
		v.Shipped = append(v.Shipped, row)
	}
	return s.render(w, r, "admin_wording.html", v)
}

func lines(v string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) wordingFormPage(w http.ResponseWriter, r *http.Request) error {
	v := wordingAdminView{Form: newForm(url.Values{"category": {language.CategoryStigmatising}}), Category: options(localizer(r), "category", language.Categories)}
	if from := r.URL.Query().Get("from"); from != "" {
		entries := language.Default().Entries()
		if own, err := s.store.WordingEntries(r.Context(), principal(r).Org.ID); err == nil {
			for _, o := range own {
				if !o.Disabled {
					entries = append([]language.Entry{o.Entry}, entries...)
				}
			}
		}
		i := slices.IndexFunc(entries, func(e language.Entry) bool { return e.ID == from })
		if i >= 0 {
			e := entries[i]
			v.Editing = e.ID
			v.Form = newForm(url.Values{
				"id": {e.ID}, "match": {strings.Join(e.Match, "\n")}, "why": {e.Why}, "suggestions": {strings.Join(e.Suggestions, "\n")},
				"category": {e.Category}, "context": {strings.Join(e.Context, "\n")}, "unless_preceded_by": {strings.Join(e.UnlessPrecededBy, "\n")},
				"unless_followed_by": {strings.Join(e.UnlessFollowedBy, "\n")},
			})
			if e.ContextWindow > 0 {
				v.Form.Values.Set("context_window", strconv.Itoa(e.ContextWindow))
			}
		}
	}
	if d, ok := s.draftForm(r); ok {
		v.Form, v.Editing = d, d.Get("editing")
	}
	return s.render(w, r, "admin_wording_form.html", v)
}

// slugID makes an entry id from its first words when the administrator
// leaves the id empty.
func slugID(words []string) string {
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	for _, r := range strings.ToLower(words[0]) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return "org-" + strings.Trim(b.String(), "-")
}

func (s *Server) saveWording(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	e := language.Entry{
		ID: f.Get("id"), Match: lines(f.Raw("match")), Why: f.Get("why"), Suggestions: lines(f.Raw("suggestions")),
		Category: f.Get("category"), Context: lines(f.Raw("context")), ContextWindow: formInt(f, "context_window", 0),
		UnlessPrecededBy: lines(f.Raw("unless_preceded_by")), UnlessFollowedBy: lines(f.Raw("unless_followed_by")),
	}
	if e.ID == "" {
		e.ID = slugID(e.Match)
		f.Values.Set("id", e.ID)
	}
	if len(f.Errors) == 0 {
		err = s.store.SaveWordingEntry(r.Context(), s.actor(r), e)
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_wording_form.html",
			wordingAdminView{Form: f, Category: options(localizer(r), "category", language.Categories), Editing: f.Get("editing")})
	}
	if err != nil {
		return err
	}
	s.forgetWording(principal(r).Org.ID)
	return redirect(w, r, "/admin/wording", localizer(r).T("messages.wording.word_list_saved"))
}

func (s *Server) disableWording(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if !slices.ContainsFunc(language.Default().Entries(), func(e language.Entry) bool { return e.ID == key }) {
		return core.NotFound("The shipped entry")
	}
	if err := s.store.SaveWordingEntry(r.Context(), s.actor(r), language.Entry{ID: key, Disabled: true}); err != nil {
		return err
	}
	s.forgetWording(principal(r).Org.ID)
	return redirect(w, r, "/admin/wording", localizer(r).T("messages.wording.entry_switched_off"))
}

func (s *Server) removeWording(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.RemoveWordingEntry(r.Context(), s.actor(r), r.PathValue("key")); err != nil {
		return err
	}
	s.forgetWording(principal(r).Org.ID)
	return redirect(w, r, "/admin/wording", localizer(r).T("messages.wording.entry_removed"))
}
