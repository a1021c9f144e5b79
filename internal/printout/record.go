package printout

// RecordPDF prints a record about a person that is not a plan (a consent,
// the notice that travels with a disclosure, an accounting of disclosures)
// in the plan's layout: title, name, subtitle, sections, and the footer on
// every page. what names the document in error messages.
func RecordPDF(what string, p Plan) ([]byte, error) {
	return render(what, "P", func(d *doc) { drawPlan(d, p) })
}
