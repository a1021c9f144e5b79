package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"peerpath/internal/calendar"
	"peerpath/internal/core"
)

// calendarJSON is the address of the user's private calendar feed.
type calendarJSON struct {
	URL string `json:"url" doc:"the private iCalendar (.ics) feed address; anyone holding it can read the feed, so keep it private and reset it if it leaks"`
}

// calendarURL is the feed address of the signed-in user, made on first use.
func (s *Server) calendarURL(r *http.Request) (string, error) {
	token, err := s.store.CalendarToken(r.Context(), s.actor(r))
	if err != nil {
		return "", err
	}
	return s.baseURL(r) + "/calendar/" + token + ".ics", nil
}

// calendarHost names peerpath in the events' UIDs, so that they stay the
// same from one fetch to the next.
func (s *Server) calendarHost(r *http.Request) string {
	if u, err := url.Parse(s.baseURL(r)); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "peerpath"
}

// writeCalendar answers with an iCalendar file; download makes it an
// attachment named file.
func (s *Server) writeCalendar(w http.ResponseWriter, r *http.Request, name, file string, events []calendar.Event) error {
	b, err := calendar.Write(name, s.calendarHost(r), s.clock.Now(), events)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Cache-Control", "private, no-cache")
	if file != "" {
		h.Set("Content-Disposition", `attachment; filename="`+file+`"`)
	}
	_, err = w.Write(b)
	return err
}

// calendarFeed serves a private feed by its token, without signing in
// (calendar apps fetch it on their own). An unknown or reset token is 404.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) error {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		return core.NotFound("The calendar")
	}
	events, err := s.store.CalendarFeed(r.Context(), token)
	if err != nil {
		return err
	}
	return s.writeCalendar(w, r, "peerpath", "", events)
}

// cohortSchedule downloads a cohort's sessions as .ics, for its trainers
// and participants.
func (s *Server) cohortSchedule(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name, events, err := s.store.CohortSchedule(r.Context(), s.actor(r), id)
	if err != nil {
		return err
	}
	return s.writeCalendar(w, r, name, "cohort-"+strconv.FormatInt(id, 10)+"-schedule.ics", events)
}

// resetCalendar replaces the signed-in user's feed address.
func (s *Server) resetCalendar(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.store.ResetCalendarToken(r.Context(), s.actor(r)); err != nil {
		return err
	}
	return redirect(w, r, "/settings#h-calendar", localizer(r).T("messages.calendars.calendar_has_new"))
}

func (s *Server) apiCalendar(w http.ResponseWriter, r *http.Request) error {
	u, err := s.calendarURL(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, calendarJSON{URL: u})
	return nil
}

func (s *Server) apiResetCalendar(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.store.ResetCalendarToken(r.Context(), s.actor(r)); err != nil {
		return err
	}
	return s.apiCalendar(w, r)
}
