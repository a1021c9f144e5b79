package store

import (
	"strings"
	"testing"

	"peerpath/internal/auth"
)

// TestPolicy is the table of who may do what: every named question of
// policy.go, asked of an actor holding each combination of roles, with the
// answer written out. A change to a rule changes a row here, on purpose.
//
// The actor is user 1 of organisation 1. "own contact" was recorded by
// them, "another's contact" by user 2; "supervisee" is worker 2 whose
// supervisor is user 1, "another's supervisee" worker 2 supervised by user
// 3, "own record" worker 1.
func TestPolicy(t *testing.T) {
	const (
		P = auth.RolePeer
		S = auth.RoleSupervisor
		T = auth.RoleTrainer
		A = auth.RoleAdmin
	)
	// The columns of every row below, in this order.
	combos := []struct {
		name  string
		roles []auth.Role
	}{
		{"none", nil},
		{"peer", []auth.Role{P}},
		{"supervisor", []auth.Role{S}},
		{"trainer", []auth.Role{T}},
		{"admin", []auth.Role{A}},
		{"peer+supervisor", []auth.Role{P, S}},
		{"peer+trainer", []auth.Role{P, T}},
		{"supervisor+admin", []auth.Role{S, A}},
		{"trainer+admin", []auth.Role{T, A}},
		{"all four", []auth.Role{P, S, T, A}},
	}
	ownContact, othersContact := Contact{RecordedBy: 1}, Contact{RecordedBy: 2}
	self, supervisee, othersSupervisee := Worker{ID: 1}, Worker{ID: 2, SupervisorID: 1}, Worker{ID: 2, SupervisorID: 3}
	nothing := func(cond string) bool { return cond == "1 = 0" || strings.HasSuffix(cond, "AND 1 = 0") }
	type question struct {
		want string // y or -, one per combination above
		name string
		ask  func(Actor) bool
	}
	table := []question{
		//none peer sup  trn  adm  p+s  p+t  s+a  t+a  all
		{"-    y    y    -    y    y    y    y    y    y", "WorksWithPeople", Actor.WorksWithPeople},
		{"-    y    y    -    y    y    y    y    y    y", "worksWithPeople", Actor.worksWithPeople},
		{"-    y    -    -    -    y    y    -    -    y", "HasOwnPeople", Actor.HasOwnPeople},
		{"-    y    y    -    y    y    y    y    y    y", "MayInviteToPortal", Actor.MayInviteToPortal},
		{"-    y    y    -    y    y    y    y    y    y", "MayAnswerCorrections", Actor.MayAnswerCorrections},
		{"-    -    -    -    -    -    -    -    -    -", "IsPerson", Actor.IsPerson},
		{"-    -    -    -    y    -    -    y    y    y", "SeesEveryPerson", Actor.SeesEveryPerson},
		{"-    -    y    -    y    y    -    y    y    y", "CanAssign", Actor.CanAssign},
		{"-    -    y    -    y    y    -    y    y    y", "oversees", Actor.oversees},
		{"y    y    y    y    y    y    y    y    y    y", "MayChangeContact(own contact)", func(a Actor) bool { return a.MayChangeContact(ownContact) }},
		{"-    -    y    -    y    y    -    y    y    y", "MayChangeContact(another's contact)", func(a Actor) bool { return a.MayChangeContact(othersContact) }},
		{"-    -    y    -    y    y    -    y    y    y", "MayResolveDuplicates", Actor.MayResolveDuplicates},
		{"-    -    -    -    y    -    -    y    y    y", "MaySeeOrgReports", Actor.MaySeeOrgReports},
		{"-    -    y    -    y    y    -    y    y    y", "MaySeeTeamReport(own team)", func(a Actor) bool { return a.MaySeeTeamReport(1) }},
		{"-    -    -    -    y    -    -    y    y    y", "MaySeeTeamReport(another's team)", func(a Actor) bool { return a.MaySeeTeamReport(3) }},
		{"-    y    y    -    y    y    y    y    y    y", "MaySeeWorkerReport(self)", func(a Actor) bool { return a.MaySeeWorkerReport(self) }},
		{"-    -    y    -    y    y    -    y    y    y", "MaySeeWorkerReport(supervisee)", func(a Actor) bool { return a.MaySeeWorkerReport(supervisee) }},
		{"-    -    -    -    y    -    -    y    y    y", "MaySeeWorkerReport(another's supervisee)", func(a Actor) bool { return a.MaySeeWorkerReport(othersSupervisee) }},
		{"-    -    y    -    y    y    -    y    y    y", "mayResolveDuplicates", Actor.mayResolveDuplicates},
		{"-    -    y    -    y    y    -    y    y    y", "MayHandOver", Actor.MayHandOver},
		{"-    -    -    -    y    -    -    y    y    y", "HandsOverAnyone", Actor.HandsOverAnyone},
		{"-    -    y    -    -    y    -    y    -    y", "SupervisesWorkers", Actor.SupervisesWorkers},
		{"-    -    -    -    y    -    -    y    y    y", "SeesEveryWorker", Actor.SeesEveryWorker},
		{"-    -    -    -    -    -    -    -    -    -", "MaySignOff(own record)", func(a Actor) bool { return a.MaySignOff(self) }},
		{"-    -    y    -    y    y    -    y    y    y", "MaySignOff(supervisee)", func(a Actor) bool { return a.MaySignOff(supervisee) }},
		{"-    -    -    -    y    -    -    y    y    y", "MaySignOff(another's supervisee)", func(a Actor) bool { return a.MaySignOff(othersSupervisee) }},
		{"-    -    -    y    y    -    y    y    y    y", "MayRunCohorts", Actor.MayRunCohorts},
		{"-    -    -    y    y    -    y    y    y    y", "canRunCohorts", canRunCohorts},
		{"-    -    -    y    -    -    y    -    y    y", "TrainsCohorts", Actor.TrainsCohorts},
		{"-    -    -    -    y    -    -    y    y    y", "SeesEveryCohort", Actor.SeesEveryCohort},
		{"-    -    -    -    y    -    -    y    y    y", "MayConfirmCohortRule", Actor.MayConfirmCohortRule},
		{"-    -    -    -    y    -    -    y    y    y", "MayDefineProgrammes", Actor.MayDefineProgrammes},
		{"-    -    -    -    y    -    -    y    y    y", "MayRevokeCertificates", Actor.MayRevokeCertificates},
		{"-    -    -    y    y    -    y    y    y    y", "MayTeach", Actor.MayTeach},
		{"-    -    -    y    y    -    y    y    y    y", "canTeach", canTeach},
		{"-    -    -    -    y    -    -    y    y    y", "MayChangeOrgSettings", Actor.MayChangeOrgSettings},
		{"-    -    -    -    y    -    -    y    y    y", "MaySeeSignatures", Actor.MaySeeSignatures},
		{"-    -    -    -    y    -    -    y    y    y", "MayManageUsers", Actor.MayManageUsers},
		{"-    -    -    -    y    -    -    y    y    y", "MayLoadGeneratedData", Actor.MayLoadGeneratedData},
		{"-    y    y    -    y    y    y    y    y    y", "MayRecordConsent", Actor.MayRecordConsent},
		{"-    y    y    -    y    y    y    y    y    y", "MayRevokeConsent", Actor.MayRevokeConsent},
		{"-    y    y    -    y    y    y    y    y    y", "MayRecordDisclosure", Actor.MayRecordDisclosure},
		{"-    -    -    -    y    -    -    y    y    y", "MayImportRecords", Actor.MayImportRecords},
		{"-    -    -    -    y    -    -    y    y    y", "MaySetFollowUpSchedules", Actor.MaySetFollowUpSchedules},
		{"-    -    -    -    y    -    -    y    y    y", "MaySeeFollowUpCompletion(org)", func(a Actor) bool { return a.MaySeeFollowUpCompletion("org", 0, 0) }},
		{"-    -    -    -    y    -    -    y    y    y", "MaySeeFollowUpCompletion(programme)", func(a Actor) bool { return a.MaySeeFollowUpCompletion("programme", 5, 0) }},
		{"-    -    y    -    y    y    -    y    y    y", "MaySeeFollowUpCompletion(own team)", func(a Actor) bool { return a.MaySeeFollowUpCompletion("team", 1, 0) }},
		{"-    -    -    -    y    -    -    y    y    y", "MaySeeFollowUpCompletion(another's team)", func(a Actor) bool { return a.MaySeeFollowUpCompletion("team", 3, 0) }},
		{"-    y    -    -    y    y    y    y    y    y", "MaySeeFollowUpCompletion(own record)", func(a Actor) bool { return a.MaySeeFollowUpCompletion("worker", 1, 3) }},
		{"-    -    y    -    y    y    -    y    y    y", "MaySeeFollowUpCompletion(supervisee)", func(a Actor) bool { return a.MaySeeFollowUpCompletion("worker", 2, 1) }},
		{"-    -    -    -    y    -    -    y    y    y", "MaySeeFollowUpCompletion(another's supervisee)", func(a Actor) bool { return a.MaySeeFollowUpCompletion("worker", 2, 3) }},
		{"-    -    -    -    -    -    -    -    -    -", "MaySeeFollowUpCompletion(unknown scope)", func(a Actor) bool { return a.MaySeeFollowUpCompletion("galaxy", 1, 1) }},
		// Rules about a user's roles rather than the actor's.
		{"-    -    -    -    y    -    -    y    y    y", "administers(roles)", func(a Actor) bool { return administers(a.Roles) }},
		{"-    -    y    -    y    y    -    y    y    y", "mayBeSupervisor(roles)", func(a Actor) bool { return mayBeSupervisor(a.Roles) }},
		// The visibility rules, as the SQL they give.
		{"y    -    -    y    -    -    -    -    -    -", "visibleTo: no person at all", func(a Actor) bool { c, _ := visibleTo(a, "p", nil); return nothing(c) }},
		{"-    -    y    -    -    y    -    -    -    -", "visibleTo: supervisees' people too", func(a Actor) bool { c, _ := visibleTo(a, "p", nil); return strings.Contains(c, "supervisor_id") }},
		{"y    -    -    y    -    -    -    -    -    -", "rosterAccess: no roster at all", func(a Actor) bool { c, _ := rosterAccess(a, "g", nil); return nothing(c) }},
		{"-    -    -    -    y    -    -    y    y    y", "rosterAccess: every roster", func(a Actor) bool { c, _ := rosterAccess(a, "g", nil); return c == "1 = 1" }},
		{"-    -    -    -    y    -    -    y    y    y", "visibleArgs: every worker", func(a Actor) bool { return visibleArgs(a)[2] == true }},
		{"y    y    y    -    -    y    -    -    -    -", "cohortScope: no cohort at all", func(a Actor) bool { var args []any; return nothing(cohortScope(a, &args)) }},
		{"-    -    -    -    y    -    -    y    y    y", "cohortScope: every cohort", func(a Actor) bool { var args []any; return !strings.Contains(cohortScope(a, &args), " AND ") }},
	}
	for _, q := range table {
		want := strings.Fields(q.want)
		if len(want) != len(combos) {
			t.Fatalf("%s: %d answers for %d combinations of roles", q.name, len(want), len(combos))
		}
		for i, c := range combos {
			got := q.ask(Actor{UserID: 1, OrgID: 1, Roles: c.roles})
			if got != (want[i] == "y") {
				t.Errorf("%s, asked of %s: got %v, want %s", q.name, c.name, got, want[i])
			}
		}
	}
}

// TestPolicyOutsideAnOrganisation: the command line's actor (no
// organisation) sees no person and loads nothing, whatever roles it holds.
func TestPolicyOutsideAnOrganisation(t *testing.T) {
	a := System()
	a.Roles = auth.AllRoles
	if a.MayLoadGeneratedData() {
		t.Error("an actor of no organisation may load generated data")
	}
	if c, _ := visibleTo(a, "p", nil); c != "1 = 0" {
		t.Errorf("an actor of no organisation sees people: %s", c)
	}
	if c, _ := rosterAccess(a, "g", nil); c != "1 = 0" {
		t.Errorf("an actor of no organisation sees rosters: %s", c)
	}
}

// TestPolicySQLRoleLists: the SQL lists of roles name exactly the roles
// for which the Go rule they stand for holds alone.
func TestPolicySQLRoleLists(t *testing.T) {
	for _, c := range []struct {
		name string
		list string
		rule func(Actor) bool
	}{
		{"rolesWorkingWithPeople", rolesWorkingWithPeople, Actor.WorksWithPeople},
		{"rolesSupervising", rolesSupervising, func(a Actor) bool { return mayBeSupervisor(a.Roles) }},
		{"rolesRunningCohorts", rolesRunningCohorts, Actor.MayRunCohorts},
	} {
		for _, r := range auth.AllRoles {
			inList := strings.Contains(c.list, "'"+string(r)+"'")
			if rule := c.rule(Actor{UserID: 1, OrgID: 1, Roles: []auth.Role{r}}); inList != rule {
				t.Errorf("%s %s: the SQL list says %v, the rule says %v", c.name, r, inList, rule)
			}
		}
	}
}
