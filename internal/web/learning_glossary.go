package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"peerpath/internal/core"
	"peerpath/internal/language"
	"peerpath/internal/learning"
	"peerpath/internal/store"
)

// glossaryEntryView is a glossary entry as a page shows it.
type glossaryEntryView struct {
	learning.Entry
	CategoryLabel string
	Origin        store.TermOrigin
	InCards       bool
}

type glossaryGroup struct {
	glossaryCategory
	Entries []glossaryEntryView
}

type glossaryView struct {
	Q          string
	Total      int
	Matches    int
	Groups     []glossaryGroup
	CanTeach   bool
	Categories []glossaryCategory
}

func (s *Server) glossaryPage(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 200 {
		q = string([]rune(q)[:200])
	}
	g, err := s.store.Glossary(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	have, err := s.store.GlossaryCardSlugs(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	found := g.Search(q)
	v := glossaryView{Q: q, Total: g.Len(), Matches: len(found), CanTeach: canTeachLearning(p), Categories: glossaryCategories()}
	// Grouped by category in the glossary's order; within a group the
	// search's ranking (or, without a query, the term) decides.
	for _, c := range glossaryCategories() {
		grp := glossaryGroup{glossaryCategory: c}
		for _, e := range found {
			if e.Category == c.Key {
				grp.Entries = append(grp.Entries, glossaryEntryView{Entry: e, CategoryLabel: c.Label, Origin: g.Origin(e.Slug), InCards: have[e.Slug]})
			}
		}
		if len(grp.Entries) > 0 {
			v.Groups = append(v.Groups, grp)
		}
	}
	return s.render(w, r, "learning_glossary.html", v)
}

type chartItemLink struct {
	learning.ItemRef
	Href    string
	Context string
}

type entryPageView struct {
	Hints    []language.Hint // wording hints on the organisation's own text, for trainers
	Entry    glossaryEntryView
	Related  []glossaryEntryView
	Items    []chartItemLink
	Shipped  *learning.Entry // peerpath's text, when the organisation rewrote it
	CanTeach bool
}

func (s *Server) glossaryEntryPage(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	g, err := s.store.Glossary(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	raw := r.PathValue("term")
	e, ok := g.Lookup(raw)
	if !ok {
		return core.NotFound("This glossary entry")
	}
	if e.Slug != raw {
		// Found by its term or another name: send the browser to the one
		// address each entry has.
		http.Redirect(w, r, "/learning/glossary/"+url.PathEscape(e.Slug), http.StatusSeeOther)
		return nil
	}
	have, err := s.store.GlossaryCardSlugs(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	v := entryPageView{Entry: glossaryEntryView{Entry: e, CategoryLabel: learning.CategoryLabel(e.Category), Origin: g.Origin(e.Slug), InCards: have[e.Slug]}, CanTeach: canTeachLearning(p)}
	for _, slug := range e.Related {
		if rel, ok := g.Lookup(slug); ok {
			v.Related = append(v.Related, glossaryEntryView{Entry: rel, CategoryLabel: learning.CategoryLabel(rel.Category)})
		}
	}
	for _, it := range g.ItemsMentioning(e.Slug, s.chartItems(r)) {
		href, where := s.chartItemPlace(r, it.Key)
		v.Items = append(v.Items, chartItemLink{ItemRef: it, Href: href, Context: where})
	}
	if v.CanTeach && v.Entry.Origin != store.OriginShipped {
		// The wording helper points out words the field is moving away
		// from; it never blocks, so this is shown after saving, to trainers.
		v.Hints = language.Default().Check(e.Definition + "\n" + e.Clue)
	}
	if v.Entry.Origin == store.OriginChanged {
		if sh, ok := g.Shipped(e.Slug); ok {
			v.Shipped = &sh
		}
	}
	return s.render(w, r, "learning_entry.html", v)
}

// Editing the organisation's glossary (trainers and administrators).

type termFormView struct {
	Form       *form
	Slug       string // "" for a new entry
	Origin     store.TermOrigin
	Categories []glossaryCategory
}

func termForm(e learning.Entry) *form {
	return newForm(url.Values{
		"term": {e.Term}, "expansion": {e.Expansion}, "definition": {e.Definition}, "category": {e.Category},
		"clue": {e.Clue}, "aliases": {strings.Join(e.Aliases, "\n")}, "related": {strings.Join(e.Related, ", ")},
	})
}

func termInput(f *form) store.TermInput {
	return store.TermInput{
		Term: f.Get("term"), Slug: f.Get("slug"), Expansion: f.Get("expansion"), Definition: f.Get("definition"),
		Category: f.Get("category"), Clue: f.Get("clue"), Aliases: []string{f.Raw("aliases")}, Related: []string{f.Raw("related")},
	}
}

func (s *Server) newTermPage(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(nil)
	}
	return s.render(w, r, "learning_term_form.html", termFormView{Form: f, Categories: glossaryCategories()})
}

func (s *Server) createTerm(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	e, err := s.store.AddTerm(r.Context(), s.actor(r), termInput(f))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_term_form.html", termFormView{Form: f, Categories: glossaryCategories()})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/learning/glossary/"+url.PathEscape(e.Slug), localizer(r).T("messages.learning.entry_added_organisation"))
}

func (s *Server) editTermPage(w http.ResponseWriter, r *http.Request) error {
	g, err := s.store.Glossary(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	slug := r.PathValue("term")
	e, ok := g.Lookup(slug)
	if !ok || e.Slug != slug {
		return core.NotFound("This glossary entry")
	}
	f, ok := s.draftForm(r)
	if !ok {
		f = termForm(e)
	}
	return s.render(w, r, "learning_term_form.html", termFormView{Form: f, Slug: slug, Origin: g.Origin(slug), Categories: glossaryCategories()})
}

func (s *Server) updateTerm(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	slug := r.PathValue("term")
	_, err = s.store.UpdateTerm(r.Context(), s.actor(r), slug, termInput(f))
	if f.Fail(err) {
		g, gerr := s.store.Glossary(r.Context(), principal(r).Org.ID)
		if gerr != nil {
			return gerr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_term_form.html", termFormView{Form: f, Slug: slug, Origin: g.Origin(slug), Categories: glossaryCategories()})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/learning/glossary/"+url.PathEscape(slug), localizer(r).T("messages.learning.entry_saved"))
}

func (s *Server) hideTerm(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.HideTerm(r.Context(), s.actor(r), r.PathValue("term")); err != nil {
		return err
	}
	return redirect(w, r, "/learning/terms", localizer(r).T("messages.learning.entry_hidden_boards"))
}

func (s *Server) showTerm(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("term")
	if err := s.store.ShowTerm(r.Context(), s.actor(r), slug); err != nil {
		return err
	}
	return redirect(w, r, "/learning/glossary/"+url.PathEscape(slug), localizer(r).T("messages.learning.entry_shown_again"))
}

func (s *Server) deleteOwnTerm(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.DeleteOwnTerm(r.Context(), s.actor(r), r.PathValue("term")); err != nil {
		return err
	}
	return redirect(w, r, "/learning/terms", localizer(r).T("messages.learning.own_text_removed"))
}

type termChangeView struct {
	store.OwnTerm
	Term    string
	Kind    string // what the change is, in words
	Shipped bool
	Visible bool
}

type termsView struct {
	Changes []termChangeView
	Left    []string
}

func (s *Server) manageTerms(w http.ResponseWriter, r *http.Request) error {
	g, err := s.store.Glossary(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	v := termsView{Left: g.Left}
	for _, o := range g.Changes() {
		sh, shipped := g.Shipped(o.Slug)
		c := termChangeView{OwnTerm: o, Shipped: shipped, Term: o.Entry.Term}
		if !o.HasText {
			c.Term = sh.Term
		}
		switch {
		case o.Hidden:
			c.Kind = "Hidden"
		case shipped:
			c.Kind = "Rewritten"
		default:
			c.Kind = "Added"
		}
		_, c.Visible = g.Lookup(o.Slug)
		v.Changes = append(v.Changes, c)
	}
	return s.render(w, r, "learning_terms.html", v)
}

// The API.

// glossaryEntryJSON is a glossary entry in the API.
type glossaryEntryJSON struct {
	Slug       string   `json:"slug" doc:"the entry's stable name in addresses"`
	Term       string   `json:"term"`
	Expansion  string   `json:"expansion" doc:"what an acronym stands for; empty for other terms"`
	Definition string   `json:"definition"`
	Category   string   `json:"category" enum:"concepts,roles,organisations,trainings,practices"`
	Related    []string `json:"related" doc:"slugs of related entries"`
	Aliases    []string `json:"aliases" doc:"other names the entry answers to"`
	Origin     string   `json:"origin" enum:"shipped,changed,added" doc:"peerpath's text, peerpath's entry rewritten by the organisation, or the organisation's own"`
}

// frameworkItemJSON is a development framework chart item that mentions an
// entry.
type frameworkItemJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// glossaryEntryDetailJSON is one entry with the chart items that mention it.
type glossaryEntryDetailJSON struct {
	glossaryEntryJSON
	FrameworkItems []frameworkItemJSON `json:"framework_items" doc:"items of the development framework chart that mention the entry"`
}

func toGlossaryJSON(g *store.OrgGlossary) func(learning.Entry) glossaryEntryJSON {
	return func(e learning.Entry) glossaryEntryJSON {
		rel, al := e.Related, e.Aliases
		if rel == nil {
			rel = []string{}
		}
		if al == nil {
			al = []string{}
		}
		return glossaryEntryJSON{Slug: e.Slug, Term: e.Term, Expansion: e.Expansion, Definition: e.Definition, Category: e.Category,
			Related: rel, Aliases: al, Origin: string(g.Origin(e.Slug))}
	}
}

func (s *Server) apiGlossary(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	orgID := principal(r).Org.ID
	l, err := s.store.SearchGlossary(r.Context(), orgID, r.URL.Query().Get("q"), page)
	if err != nil {
		return err
	}
	g, err := s.store.Glossary(r.Context(), orgID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toGlossaryJSON(g)))
	return nil
}

func (s *Server) apiGlossaryEntry(w http.ResponseWriter, r *http.Request) error {
	g, err := s.store.Glossary(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	e, ok := g.Lookup(r.PathValue("term"))
	if !ok {
		return core.NotFound("The glossary entry")
	}
	out := glossaryEntryDetailJSON{glossaryEntryJSON: toGlossaryJSON(g)(e), FrameworkItems: []frameworkItemJSON{}}
	for _, it := range g.ItemsMentioning(e.Slug, s.chartItems(r)) {
		out.FrameworkItems = append(out.FrameworkItems, frameworkItemJSON{Key: it.Key, Label: it.Label})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
