// Package framework holds peer-workforce development charts and the rules
// for reading them: which competencies, prerequisites and trainings apply to
// a peer worker at a given stage on a given track, and how a person's evidence
// measures up against every stage at once.
//
// A chart is data, not code. The Massachusetts 2014 guidelines ship embedded
// (see MA2014); an organisation or another state can load its own chart with
// Parse. The file format is described in docs/framework-chart.md.
//
// # Stages, tracks and kinds
//
// Stages are ordered as the chart lists them (the Massachusetts chart:
// volunteer, 1, 2, 3, 4, 5). Every item belongs to one stage and one track:
// both (the guidelines' "Mental Health & Addiction"), mental-health or
// addiction. Items are of five kinds. Mastery gained through experience and
// example roles describe a stage; they are shown as context and never
// measured. Competencies, prerequisites and trainings are what a person's
// evidence is measured against.
//
// # The rules
//
// Carry forward. An item with carries_forward (the guidelines' asterisk)
// applies at its own stage and at every later one. Items without it apply
// only at their own stage.
//
// Track. For a worker on the mental-health track the items in effect are the
// mental-health items and the shared (both) items; likewise for addiction. A
// mental-health item never appears on the addiction track and the reverse.
// A worker whose track is "both" works in both fields, so the items of both
// fields apply: shared, mental-health and addiction items together. The
// literal reading of "the items for T and for both" with T = both would give
// only the shared items, which would let a worker who does both kinds of work
// appear ready while lacking, say, the CPS code of ethics that the
// mental-health side of their work demands. Showing more than strictly needed
// is the safer error: a supervisor can waive, but cannot see a gap that is
// hidden.
//
// Supersedes. An item may name an item of an earlier stage that it replaces
// (Stage I "experience preferred" becomes Stage II "experience expected").
// The replaced item drops out wherever the replacing item is itself in
// effect; where the replacing item is not in effect (an earlier stage, or the
// other track) the replaced item still applies. Supersession is by key, so
// evidence recorded for the replaced item does not count for its replacement:
// a stronger requirement needs its own evidence, or a met_by rule that both
// items share.
//
// Strength. Prerequisites are required, expected or preferred. Required and
// expected prerequisites, and all competencies, block readiness until they
// are met or waived. Preferred prerequisites never block; when met they are
// shown as an advantage. Trainings are what is available, not demands, so
// they never block either.
//
// Not linear. Readiness measures a person against every stage of the chart,
// not only the next one: a volunteer with a great deal of evidence may be
// ready for a later stage, and NextSteps reports the first stage that is not
// yet ready wherever that is.
//
// Waivers. A supervisor's waiver (who, when, why) turns an unmet item into
// "waived" and travels with the item wherever readiness is shown. When there
// is evidence as well, the item shows as met and still carries the waiver, so
// the history is not lost.
//
// The package is pure: no database, no network, no clock. It imports only the
// standard library and peerpath/internal/core.
package framework
