package web

import (
	"peerpath/internal/i18n"
	"peerpath/internal/reporting"
)

// EnglishReport names a report's stored-value rows in English, as every
// format has them (Server.report).
func EnglishReport(rep *reporting.Report) { labelReport(rep, i18n.In("en")) }

// TranslateReport puts a report into a language as its page and PDF do
// (translateReport), and gives the period and the hidden-count text.
func TranslateReport(rep *reporting.Report, lang string) (period, hidden string) {
	w := translateReport(rep, i18n.In(lang))
	return w.Period, w.Hidden
}

// ReportRowIsStored reports whether a table's row is named by a stored
// value's words (labels.*, reportLabels) rather than reports.row.*.
func ReportRowIsStored(table, row string) bool {
	_, ok := reportLabels(i18n.In("en"))[table][row]
	return ok
}
