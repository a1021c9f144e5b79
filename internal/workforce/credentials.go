package workforce

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// CredentialKind is the type of a credential someone holds. The values of
// the first two are the chart's credential keys, so a credential held meets
// the chart's "holds the credential" rules directly.
type CredentialKind string

// The kinds.
const (
	CredentialCPS           CredentialKind = "cps"
	CredentialRecoveryCoach CredentialKind = "recovery-coach"
	CredentialOther         CredentialKind = "other"
)

// CredentialKinds lists the kinds in the order forms show them.
var CredentialKinds = []CredentialKind{CredentialCPS, CredentialRecoveryCoach, CredentialOther}

// Valid reports whether k is a known kind.
func (k CredentialKind) Valid() bool {
	return k == CredentialCPS || k == CredentialRecoveryCoach || k == CredentialOther
}

// Label is the kind's name in plain words.
func (k CredentialKind) Label() string {
	switch k {
	case CredentialCPS:
		return "Certified Peer Specialist (CPS)"
	case CredentialRecoveryCoach:
		return "Recovery Coach (CARC)"
	case CredentialOther:
		return "Other credential"
	}
	return string(k)
}

// Peer reports whether the kind is a peer credential: what a supervisor
// ideally holds.
func (k CredentialKind) Peer() bool { return k == CredentialCPS || k == CredentialRecoveryCoach }

// Hours are continuing-education or training hours, kept in hundredths so
// sums are exact.
type Hours int64

// HoursFromFloat rounds a decimal number of hours to hundredths.
func HoursFromFloat(f float64) Hours { return Hours(math.Round(f * 100)) }

// Float is the hours as a decimal number.
func (h Hours) Float() float64 { return float64(h) / 100 }

// String writes the hours without needless decimals: "6", "1.5", "0.25".
func (h Hours) String() string {
	s := strconv.FormatFloat(h.Float(), 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// ParseHours reads a decimal number of hours typed in a form ("1.5",
// "1,5", " 6 "). It refuses anything that is not a number from 0 to max.
func ParseHours(s string, max float64) (Hours, string) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return 0, fmt.Sprintf("Enter the number of hours, from 0 to %g.", max)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Sprintf("Enter the hours as a number, such as 6 or 1.5 (from 0 to %g).", max)
	}
	if f < 0 || f > max {
		return 0, fmt.Sprintf("Enter a number of hours from 0 to %g.", max)
	}
	return HoursFromFloat(f), ""
}

// RenewalRule is what renewing a credential type asks for: Hours of
// continuing education every PeriodMonths months, EthicsHours of them on
// ethics. A zero PeriodMonths means the organisation has set no rule.
type RenewalRule struct {
	Hours        Hours
	EthicsHours  Hours
	PeriodMonths int
}

// IsZero reports whether no rule is set.
func (r RenewalRule) IsZero() bool { return r.PeriodMonths == 0 }

// Describe says the rule in plain words as the organisation's own: peerpath
// ships no renewal rule, so every rule there is was set by an administrator.
// It is "Renewal rule not set" when there is none.
func (r RenewalRule) Describe() string {
	if r.IsZero() {
		return RenewalRuleNotSet
	}
	months := fmt.Sprintf("%d months", r.PeriodMonths)
	if r.PeriodMonths == 1 {
		months = "month"
	}
	s := fmt.Sprintf("Your organisation's rule: %s hours of continuing education every %s", r.Hours, months)
	if r.EthicsHours > 0 {
		s += fmt.Sprintf(", %s of them on ethics", r.EthicsHours)
	}
	return s
}

// RenewalRuleNotSet is what a credential says when its organisation has set
// no renewal rule for its kind: no expiry is worked out for it.
const RenewalRuleNotSet = "Renewal rule not set"

// ExpiryFor works out the expiry date of a credential issued on issuedOn
// under the rule: PeriodMonths after the issue date. It is "" without a
// rule (peerpath ships none, so nothing expires by a rule it invented) or
// with an unreadable date.
func ExpiryFor(rule RenewalRule, issuedOn string) string {
	if rule.PeriodMonths <= 0 {
		return ""
	}
	if _, ok := ParseDate(issuedOn); !ok {
		return ""
	}
	return AddMonths(issuedOn, rule.PeriodMonths)
}

// RenewalPeriod is the stretch of dates whose continuing education counts
// for a credential's next renewal, both ends included.
//
// With an expiry date, the period ends on it and starts PeriodMonths
// before (but not before the credential was issued). Without one, periods
// of PeriodMonths run back to back from the issue date, and the current one
// is the one today falls in. ok is false when there is no rule or the dates
// are unreadable.
func RenewalPeriod(rule RenewalRule, issuedOn, expiresOn, today string) (from, to string, ok bool) {
	if rule.PeriodMonths <= 0 {
		return "", "", false
	}
	if expiresOn != "" {
		if _, ok := ParseDate(expiresOn); !ok {
			return "", "", false
		}
		from = AddDays(AddMonths(expiresOn, -rule.PeriodMonths), 1)
		if issuedOn != "" && issuedOn > from {
			from = issuedOn
		}
		return from, expiresOn, true
	}
	if _, ok := ParseDate(issuedOn); !ok {
		return "", "", false
	}
	from = issuedOn
	for k := 1; k < 1200; k++ {
		next := AddMonths(issuedOn, k*rule.PeriodMonths)
		if next > today {
			return from, AddDays(next, -1), true
		}
		from = next
	}
	return "", "", false
}

// Reminder says how close an expiry date is.
type Reminder struct {
	DaysLeft  int    // negative once expired
	Threshold int    // 90, 60 or 30: the closest reminder point passed; 0 when expired or none
	Expired   bool   // the date has passed (on the expiry date itself it is still valid)
	Due       bool   // within 90 days, or expired: worth a reminder
	Level     string // "expired", "soon" (30 days or less), "upcoming" (90 or 60), "" when not due
}

// ReminderFor works out the reminder for a credential expiring on
// expiresOn, as of today. Reminders start 90 days before, step up at 60 and
// 30, and an expired credential is overdue. No expiry date, no reminder.
func ReminderFor(expiresOn, today string) Reminder {
	if expiresOn == "" {
		return Reminder{}
	}
	if _, ok := ParseDate(expiresOn); !ok {
		return Reminder{}
	}
	d := DaysBetween(today, expiresOn)
	r := Reminder{DaysLeft: d}
	switch {
	case d < 0:
		r.Expired, r.Due, r.Level = true, true, "expired"
	case d <= 30:
		r.Threshold, r.Due, r.Level = 30, true, "soon"
	case d <= 60:
		r.Threshold, r.Due, r.Level = 60, true, "upcoming"
	case d <= 90:
		r.Threshold, r.Due, r.Level = 90, true, "upcoming"
	}
	return r
}

// Current reports whether a credential is held on today: issued by then
// and not expired (the expiry day itself still counts).
func Current(issuedOn, expiresOn, today string) bool {
	if issuedOn != "" && issuedOn > today {
		return false
	}
	return expiresOn == "" || expiresOn >= today
}
