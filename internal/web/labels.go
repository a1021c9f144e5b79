package web

import (
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/recovery"
	"peerpath/internal/store"
)

// Plain words for the values of people's records. The stored values (and
// the API's) are the keys; people only ever see these.
var labels = map[string]map[string]string{
	"status":  {store.StatusActive: "Active", store.StatusOnHold: "On hold", store.StatusClosed: "Closed"},
	"channel": {"phone_call": "Phone call", "voicemail": "Voicemail", "text": "Text message", "email": "Email", "mail": "Mail"},
	"format":  {"individual": "One-to-one", "group": "Group"},
	"mode":    {"in_person": "In person", "phone": "Phone", "text": "Text", "video": "Video or online"},
	"kind": {
		"check_in": "Check-in", "one_to_one": "One-to-one session", "advocacy": "Advocacy", "crisis": "Crisis support",
		"resource_linkage": "Connecting to resources", "outreach": "Outreach", "accompaniment": "Going along with them",
		store.KindGroupSession: "Group session",
	},
	// Groups (issue 7).
	"group_kind": {
		"wellness_planning": "Wellness planning class", "hearing_voices": "Hearing Voices", "alternatives_to_suicide": "Alternatives to Suicide",
		"dual_recovery": "Dual recovery", "twelve_step": "12-step", "young_adult": "Young adult", "other": "Other",
	},
	"group_status": {store.GroupActive: "Active", store.GroupArchived: "Archived"},
	"meets":        {"in_person": "In person", "video": "By video"},
	"attendance":   {"present": "Present", "late": "Late", "excused": "Excused", "absent": "Absent"},
	"life_area":    {"health": "Health", "home": "Home", "purpose": "Purpose", "community": "Community"},
	"goal_status":  {"active": "Working on it", "achieved": "Achieved", "changed": "Changed", "set_aside": "Set aside"},
	"correction":   {"open": "Waiting for an answer", "made": "Corrected", "declined": "Not corrected"},
	"referral":     {store.ReferralMade: "Made", store.ReferralContacted: "In touch", store.ReferralConnected: "Connected", store.ReferralNotConnected: "Not connected"},
	"resource": {
		"rlc": "Recovery Learning Community", "rsc": "Recovery Support Center", "crisis": "Crisis line", "housing": "Housing",
		"benefits": "Benefits", "legal": "Legal help", "health": "Health care", "peer_group": "Peer support group", "food": "Food", "other": "Other",
	},
	"category": {"clinical": "Clinical", "stigmatising": "Stigmatising", "deficit": "Deficit-based", "labelling": "Labelling", "power": "Power and control"},

	// A person's recovery picture (issue 13).
	"rights_kind": {
		"privacy": "Privacy", "informed_choice": "Informed choice about treatment", "restraint_or_seclusion": "Restraint or seclusion",
		"discrimination": "Discrimination", "access_to_services": "Access to services", "housing": "Housing", "benefits": "Benefits",
		"work": "Work", "communication_and_visitors": "Phone, mail and visitors", "dignity_and_respect": "Dignity and respect", "other": "Other",
	},
	"medication_kind": {"side_effect": "A side effect", "question_for_prescriber": "A question for the prescriber", "to_remember": "Something to remember"},
	"stage":           recovery.StageNames,
}

// hintsFor explains some choices in a few words, under the option.
var optionHints = map[string]map[string]string{
	"life_area": {
		"health":    "Body and mind, sleep, food, substance use, feeling well.",
		"home":      "A safe, steady place to live.",
		"purpose":   "Work, school, volunteering, caring for others, creative work.",
		"community": "Friends, family, groups, faith, belonging.",
	},
}

// label is the template function: label "mode" "in_person" is "In person".
func label(kind, value string) string {
	if l, ok := labels[kind][value]; ok {
		return l
	}
	return value
}

// option is one choice of a radio or checkbox group.
type option struct {
	Value, Label, Hint string
}

func options(kind string, values []string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: label(kind, v), Hint: optionHints[kind][v]}
	}
	return out
}

func workerOptions(ws []store.WorkerRef) []option {
	out := make([]option, len(ws))
	for i, w := range ws {
		out[i] = option{Value: id(w.ID), Label: w.Name}
	}
	return out
}

// formInt reads a whole number from a form; empty gives def. A value that is
// not a number is reported on the field.
func formInt(f *form, name string, def int) int {
	v := f.Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Errors[name] = "Enter a whole number."
		return def
	}
	return n
}

// formIDs reads a list of ids (checkboxes).
func formIDs(f *form, name string) []int64 {
	var out []int64
	for _, v := range f.Values[name] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// splitComma reads a comma-separated list ("Peer bridger, Young adult").
func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// localInputLayout is what an <input type="datetime-local"> sends.
const localInputLayout = core.LocalInputLayout

// parseLocal reads a datetime-local value as Massachusetts time.
func parseLocal(v string) (time.Time, bool) {
	for _, layout := range []string{localInputLayout, localInputLayout + ":05"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), local); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func localInput(t time.Time) string { return t.In(local).Format(localInputLayout) }

// fmtDay shows a stored YYYY-MM-DD date the way other dates are shown.
func fmtDay(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.Format("2 Jan 2006")
}
