// Package workforce holds the pure rules of a peer worker's development
// record that are not the chart's own: how months of peer experience are
// counted from roles held, how a typed name is compared with the name on
// record when someone signs the Code of Ethics, the text peerpath ships as
// its summary of that code, how far a credential's continuing education has
// come in the current renewal period, and when an expiry date deserves a
// reminder.
//
// The chart's rules (stages, tracks, carry-forward, readiness) live in
// package framework; the records themselves live in the store. This package
// imports neither: no database, no clock (callers pass "today"), nothing but
// the standard library and golang.org/x/text for accent folding.
//
// Dates are civil dates written YYYY-MM-DD, as the store keeps them. "Today"
// is the date in Massachusetts (see Today), where peerpath's users work, so a
// credential does not expire five hours early because the server runs on UTC.
package workforce
