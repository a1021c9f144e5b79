package web

import (
	"net/http"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// Possible duplicates and merging two records (issue 15, security defect
// 5). Adding a person never tells the worker about someone alike; the store
// flags it, and supervisors (for records they see) and administrators
// compare the two here, then dismiss the flag or merge the records.

type duplicatesView struct {
	Flags   []store.DuplicateFlag
	NextURL string
}

func (s *Server) duplicatesPage(w http.ResponseWriter, r *http.Request) error {
	l, err := s.store.DuplicateFlags(r.Context(), s.actor(r), store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	return s.render(w, r, "duplicates.html", duplicatesView{Flags: l.Items, NextURL: nextPageURL(r, l.Next)})
}

type duplicateView struct {
	FlagID  int64
	Records []store.PersonRecord // side by side: the one recorded first, then the one added
	Form    *form
}

func (s *Server) duplicatePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDuplicate(w, r, http.StatusOK, newForm(nil))
}

func (s *Server) renderDuplicate(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	fid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The record already recorded goes on the left: usually the one to keep.
	added, earlier, err := s.store.DuplicatePair(r.Context(), s.actor(r), fid)
	if err != nil {
		return err
	}
	if f.Get("keep") == "" {
		f.Values.Set("keep", id(earlier.ID))
	}
	return s.renderStatus(w, r, status, "duplicate.html", duplicateView{FlagID: fid, Records: []store.PersonRecord{earlier, added}, Form: f})
}

func (s *Server) dismissDuplicate(w http.ResponseWriter, r *http.Request) error {
	fid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DismissDuplicate(r.Context(), s.actor(r), fid); err != nil {
		return err
	}
	return redirect(w, r, "/team/duplicates", localizer(r).T("messages.duplicates.noted_they_different"))
}

// mergeDuplicate merges a flag's two records once the page's confirmation
// is ticked: the record chosen is kept, the other merged into it.
func (s *Server) mergeDuplicate(w http.ResponseWriter, r *http.Request) error {
	fid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	pid, oid, err := s.store.FlagPair(r.Context(), a, fid)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	keep, from := oid, pid
	switch f.Get("keep") {
	case id(oid):
	case id(pid):
		keep, from = pid, oid
	default:
		f.Errors["keep"] = "Choose the record to keep."
	}
	if !f.Checked("confirm") {
		f.Errors["confirm"] = "Tick the box to confirm they are the same person."
	}
	if len(f.Errors) > 0 {
		return s.renderDuplicate(w, r, http.StatusUnprocessableEntity, f)
	}
	if _, err := s.store.MergePeople(r.Context(), a, keep, from); err != nil {
		if f.Fail(err) {
			return s.renderDuplicate(w, r, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	return redirect(w, r, "/people/"+id(keep), localizer(r).T("messages.duplicates.records_merged_everything"))
}

// mergedPersonRedirect sends an old link to a merged record on to the
// record it was merged into, for someone who may see that one; anyone else
// gets the same "not found" as for a record that never existed.
func (s *Server) mergedPersonRedirect(w http.ResponseWriter, r *http.Request, pid int64, notFound error) error {
	into, err := s.store.MergedInto(r.Context(), s.actor(r), pid)
	if err != nil {
		return notFound
	}
	http.Redirect(w, r, "/people/"+id(into), http.StatusMovedPermanently)
	return nil
}

// --- API ---

type duplicateSideJSON struct {
	Visible       bool   `json:"visible" doc:"false for a record outside what you may see: nothing else about it is given"`
	ID            string `json:"id,omitempty"`
	PreferredName string `json:"preferred_name,omitempty"`
	DateOfBirth   string `json:"date_of_birth,omitempty"`
}

type duplicateJSON struct {
	ID         string            `json:"id"`
	FlaggedAt  time.Time         `json:"flagged_at"`
	Person     duplicateSideJSON `json:"person" doc:"the record added"`
	Other      duplicateSideJSON `json:"other" doc:"the record already recorded that it may repeat"`
	CanResolve bool              `json:"can_resolve" doc:"true when you see both records, so may dismiss the flag or merge them"`
}

func toSideJSON(d store.DuplicateSide) duplicateSideJSON {
	if !d.Visible {
		return duplicateSideJSON{}
	}
	return duplicateSideJSON{Visible: true, ID: id(d.ID), PreferredName: d.Name, DateOfBirth: d.BornOn}
}

func (s *Server) apiDuplicates(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.DuplicateFlags(r.Context(), s.actor(r), page)
	if err != nil {
		return err
	}
	out := listJSON[duplicateJSON]{Items: make([]duplicateJSON, len(l.Items)), NextCursor: l.Next}
	for i, f := range l.Items {
		out.Items[i] = duplicateJSON{ID: id(f.ID), FlaggedAt: f.FlaggedAt, Person: toSideJSON(f.Person), Other: toSideJSON(f.Other), CanResolve: f.CanResolve()}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiDismissDuplicate(w http.ResponseWriter, r *http.Request) error {
	fid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DismissDuplicate(r.Context(), s.actor(r), fid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type mergeJSON struct {
	FromID string `json:"from_id" doc:"the record to merge into this one; it is kept, closed and marked as merged, and its old links lead here"`
}

func (s *Server) apiMergePerson(w http.ResponseWriter, r *http.Request) error {
	keep, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in mergeJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.FromID == "" {
		return core.Invalid(map[string]string{"from_id": "Give the id of the record to merge into this one."})
	}
	from, err := parseID("from_id", in.FromID)
	if err != nil {
		return err
	}
	p, err := s.store.MergePeople(r.Context(), s.actor(r), keep, from)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPersonJSON(p, s.store.Today()))
	return nil
}
