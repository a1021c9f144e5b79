package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/csvout"
	"peerpath/internal/store"
)

// This file serves the cohort reports (per cohort and per year, on a page
// and as CSV) and a participant's own courses.

type reportView struct {
	Report  store.Report
	Years   []int
	Form    *form
	NextURL string
}

// reportYear reads ?year=, defaulting to this year.
func (s *Server) reportYear(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return s.clock.Now().In(core.Local).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > 9999 {
		return 0, core.Invalid(map[string]string{"year": "Choose a year such as 2026."})
	}
	return y, nil
}

func (s *Server) cohortReportPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	f := newForm(r.URL.Query())
	years, err := s.store.ReportYears(r.Context(), a)
	if err != nil {
		return err
	}
	year, err := s.reportYear(r)
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "cohort_reports.html", reportView{Form: f, Years: years})
	}
	f.Values.Set("year", strconv.Itoa(year))
	if !slices.Contains(years, year) {
		years = append(years, year)
		slices.SortFunc(years, func(a, b int) int { return b - a })
	}
	rep, err := s.store.CohortReport(r.Context(), a, year, store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	v := reportView{Report: rep, Years: years, Form: f}
	if rep.Next != "" {
		v.NextURL = "/cohorts/reports?" + url.Values{"year": {strconv.Itoa(year)}, "cursor": {rep.Next}}.Encode()
	}
	return s.render(w, r, "cohort_reports.html", v)
}

// cohortReportCSV exports a year's report. Every cell goes through csvout,
// so a cohort named "=HYPERLINK(…)" cannot run in a spreadsheet.
func (s *Server) cohortReportCSV(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	year, err := s.reportYear(r)
	if err != nil {
		return err
	}
	var rows []store.ReportRow
	var total store.ReportRow
	cursor := ""
	for {
		rep, err := s.store.CohortReport(r.Context(), a, year, store.Page{Limit: store.MaxLimit, Cursor: cursor})
		if err != nil {
			return err
		}
		rows, total = append(rows, rep.Rows...), rep.Total
		if cursor = rep.Next; cursor == "" {
			break
		}
	}
	if err := s.store.RecordReportExport(r.Context(), a, year); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fmt.Sprintf("cohorts-%d.csv", year)))
	cw := csvout.New(w)
	cw.Write("Cohort", "Programme", "Starts", "Ends", "Enrolled", "Withdrew", "Completed", "Certified", "Completion rate (%)",
		"Students offered a job or internship", "Accepted", "Started", "Offer rate (%)", "Acceptance rate (%)", "Start rate (%)", "Completion rule")
	line := func(r store.ReportRow, programme string) error {
		n := strconv.Itoa
		rule := ""
		if r.CohortID != 0 {
			rule = r.Rule.Short()
		}
		return cw.Write(r.Name, programme, r.StartsOn, r.EndsOn, n(r.Enrolled), n(r.Withdrawn), n(r.Completed), n(r.Certified), n(r.CompletionRate()),
			n(r.Offered), n(r.Accepted), n(r.Started), n(r.OfferRate()), n(r.AcceptRate()), n(r.StartRate()), rule)
	}
	for _, row := range rows {
		if err := line(row, row.ProgrammeName); err != nil {
			return err
		}
	}
	if err := line(total, fmt.Sprintf("%d cohorts", total.Cohorts)); err != nil {
		return err
	}
	return cw.Flush()
}

type myCoursesView struct {
	Courses []store.MyCourse
	Today   string
}

func (s *Server) myCourses(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.store.MyCourses(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	return s.render(w, r, "my_courses.html", myCoursesView{Courses: cs, Today: cohort.Today(s.clock.Now())})
}
