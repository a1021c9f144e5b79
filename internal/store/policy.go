package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"peerpath/internal/auth"
	"peerpath/internal/core"
)

// Who may do what, in one place.
//
// Every decision that depends on a role is a named question on the actor,
// defined in this file and nowhere else: the store asks them before it
// acts, and the web asks the same ones to decide what a page offers. Code
// elsewhere does not test roles (a.Has(auth.RoleAdmin)) itself; a new rule
// is a new question here, with its row in the table of TestPolicy
// (policy_test.go). The visibility rules, which turn the same questions
// into SQL, are here too: visibleTo for people, visibleWorker for
// development records, rosterAccess for group rosters and cohortScope for
// cohorts.
//
// Route permissions (auth.Perm* in web/routes.go) decide which pages a role
// reaches at all; the questions here decide what it may do there.

// Actor is who is acting: the signed-in user, their organisation and roles,
// and the address they came from. Every operation on records about people
// takes one, scopes its queries by it and writes it into the audit log.
type Actor struct {
	UserID int64
	OrgID  int64
	Roles  []auth.Role
	IP     string
	// PersonID is set when the actor is a person supported using their own
	// portal: they hold no role and see only their own records (visibleTo).
	PersonID int64
}

// IsPerson reports whether the actor is a person supported acting in their
// own portal, not a member of staff.
func (a Actor) IsPerson() bool { return a.PersonID != 0 }

// MayInviteToPortal reports whether the actor may invite a person they can
// see to their portal: anyone who works with people.
func (a Actor) MayInviteToPortal() bool { return a.WorksWithPeople() }

// MayAnswerCorrections reports whether the actor may answer a person's
// request to correct their record: anyone who works with people and can see
// the person (the store checks that).
func (a Actor) MayAnswerCorrections() bool { return a.WorksWithPeople() }

// Has reports whether the actor holds role r. Ask a named question below
// instead: it says why the role matters.
func (a Actor) Has(r auth.Role) bool { return slices.Contains(a.Roles, r) }

// Has reports whether the user holds role r. As for an actor, ask a named
// question instead (u.Actor(ip).MayManageUsers()).
func (u User) Has(r auth.Role) bool { return slices.Contains(u.Roles, r) }

// administers reports whether roles include the administrator's: for
// rules about a user's roles rather than the actor's (keeping an
// administrator, a second factor).
func administers(roles []auth.Role) bool { return slices.Contains(roles, auth.RoleAdmin) }

// mayBeSupervisor reports whether roles allow supervising peer workers (the
// rule checkSupervisor applies).
func mayBeSupervisor(roles []auth.Role) bool {
	return slices.Contains(roles, auth.RoleSupervisor) || slices.Contains(roles, auth.RoleAdmin)
}

// The same rules about other users' roles, as SQL lists for "role IN …"
// on user_roles (TestPolicySQLRoleLists keeps them equal to the Go rules).
const (
	rolesWorkingWithPeople = "('peer', 'supervisor', 'admin')" // WorksWithPeople: may be assigned a person, facilitate, take a hand-over
	rolesSupervising       = "('supervisor', 'admin')"         // mayBeSupervisor
	rolesRunningCohorts    = "('trainer', 'admin')"            // MayRunCohorts: may train a cohort
)

// ---- People supported ----

// WorksWithPeople reports whether the actor holds a role that works with
// people supported at all: peer workers, supervisors and administrators (a
// trainer alone does not).
func (a Actor) WorksWithPeople() bool {
	return a.Has(auth.RolePeer) || a.Has(auth.RoleSupervisor) || a.Has(auth.RoleAdmin)
}

// worksWithPeople is WorksWithPeople, under the name the store has used.
func (a Actor) worksWithPeople() bool { return a.WorksWithPeople() }

// HasOwnPeople reports whether the actor is a peer worker, who supports
// people themselves: they are assigned to the people they add, facilitate
// the groups they start, and their home page lists the people they support.
func (a Actor) HasOwnPeople() bool { return a.Has(auth.RolePeer) }

// SeesEveryPerson reports whether the actor sees every person of the
// organisation and every group's roster (administrators), rather than only
// those they or their supervisees support.
func (a Actor) SeesEveryPerson() bool { return a.Has(auth.RoleAdmin) }

// CanAssign reports whether the actor may choose who supports a person:
// supervisors and administrators may; a peer worker is assigned to the
// people they add and cannot change assignments.
func (a Actor) CanAssign() bool { return a.Has(auth.RoleSupervisor) || a.Has(auth.RoleAdmin) }

// oversees reports whether the actor oversees others' work: sees the
// people their supervisees support, oversees groups (start them, choose
// facilitators, archive), corrects anyone's contact: supervisors and
// administrators.
func (a Actor) oversees() bool { return a.Has(auth.RoleSupervisor) || a.Has(auth.RoleAdmin) }

// MayChangeContact reports whether the actor may correct contact c of a
// person they can see: the worker who recorded it, a supervisor or an
// administrator. (A contact from a group session changes only with the
// session: see mayChangeContact.)
func (a Actor) MayChangeContact(c Contact) bool { return c.RecordedBy == a.UserID || a.oversees() }

// MayResolveDuplicates reports whether the actor may see possible
// duplicates at all, dismiss them and merge records: supervisors and
// administrators.
func (a Actor) MayResolveDuplicates() bool { return a.CanAssign() }

// mayResolveDuplicates is MayResolveDuplicates, under the name the store
// has used.
func (a Actor) mayResolveDuplicates() bool { return a.MayResolveDuplicates() }

// MayHandOver reports whether the actor may move every person of one worker
// to another: administrators, for anyone; supervisors, for a worker of
// theirs who has left (HandOver narrows it, see HandsOverAnyone).
func (a Actor) MayHandOver() bool { return a.Has(auth.RoleAdmin) || a.Has(auth.RoleSupervisor) }

// HandsOverAnyone reports whether the actor may hand over any worker's
// people to any worker of the organisation: administrators.
func (a Actor) HandsOverAnyone() bool { return a.Has(auth.RoleAdmin) }

// ---- Workers and their development ----

// SupervisesWorkers reports whether the actor holds the supervisor's role:
// they see their supervisees' team and development, and choose them as
// facilitators.
func (a Actor) SupervisesWorkers() bool { return a.Has(auth.RoleSupervisor) }

// SeesEveryWorker reports whether the actor sees every worker of the
// organisation: the whole team, every development record (and may vouch
// for anyone but themselves), any facilitator: administrators.
func (a Actor) SeesEveryWorker() bool { return a.Has(auth.RoleAdmin) }

// MaySignOff reports whether the actor may vouch for worker w (sign off
// competencies, grant waivers, confirm a stage): w's supervisor or an
// administrator, never w themselves.
func (a Actor) MaySignOff(w Worker) bool { return relationOf(a, w).CanVouch() }

// ---- Courses and learning ----

// MayRunCohorts reports whether the actor runs course cohorts (and keeps
// the host companies of internships): trainers and administrators.
func (a Actor) MayRunCohorts() bool { return a.Has(auth.RoleAdmin) || a.Has(auth.RoleTrainer) }

// canRunCohorts is MayRunCohorts, under the name the store has used.
func canRunCohorts(a Actor) bool { return a.MayRunCohorts() }

// TrainsCohorts reports whether the actor holds the trainer's role: they
// see the cohorts they train and are a trainer of the cohorts they start.
func (a Actor) TrainsCohorts() bool { return a.Has(auth.RoleTrainer) }

// SeesEveryCohort reports whether the actor sees and changes every cohort
// of the organisation, not only those they train: administrators.
func (a Actor) SeesEveryCohort() bool { return a.Has(auth.RoleAdmin) }

// MayConfirmCohortRule reports whether the actor may confirm a completion
// rule as the organisation's: administrators.
func (a Actor) MayConfirmCohortRule() bool { return a.Has(auth.RoleAdmin) }

// MayDefineProgrammes reports whether the actor may define and change
// programmes: administrators.
func (a Actor) MayDefineProgrammes() bool { return a.Has(auth.RoleAdmin) }

// MayRevokeCertificates reports whether the actor may revoke a certificate
// and read why one was revoked: administrators.
func (a Actor) MayRevokeCertificates() bool { return a.Has(auth.RoleAdmin) }

// MayTeach reports whether the actor may change the organisation's
// learning material: trainers and administrators.
func (a Actor) MayTeach() bool { return a.Has(auth.RoleTrainer) || a.Has(auth.RoleAdmin) }

// canTeach is MayTeach, under the name the store has used.
func canTeach(a Actor) bool { return a.MayTeach() }

// ---- The organisation ----

// MayChangeOrgSettings reports whether the actor may change the
// organisation's settings and its own material: plan and recovery
// settings, instruments, the word list, how it reads the chart, renewal
// rules, its codes of ethics: administrators.
func (a Actor) MayChangeOrgSettings() bool { return a.Has(auth.RoleAdmin) }

// MaySeeSignatures reports whether the actor sees who has and has not
// signed the organisation's codes of ethics: administrators.
func (a Actor) MaySeeSignatures() bool { return a.Has(auth.RoleAdmin) }

// MayManageUsers reports whether the actor manages the organisation's
// users, their roles and anyone's API tokens: administrators.
func (a Actor) MayManageUsers() bool { return a.Has(auth.RoleAdmin) }

// MayRecordConsent reports whether the actor may record a consent on the
// record of a person they see (a Part 2 consent, or a new version of one).
func (a Actor) MayRecordConsent() bool { return a.WorksWithPeople() }

// MayRevokeConsent reports whether the actor may record the revocation of
// a consent on the record of a person they see.
func (a Actor) MayRevokeConsent() bool { return a.WorksWithPeople() }

// MayRecordDisclosure reports whether the actor may record a disclosure of
// a person's records outside the organisation (and print its notice).
func (a Actor) MayRecordDisclosure() bool { return a.WorksWithPeople() }

// MaySetFollowUpSchedules reports whether the actor may set a service
// programme's follow-up schedule (follow_ups.go): administrators.
func (a Actor) MaySetFollowUpSchedules() bool { return a.Has(auth.RoleAdmin) }

// MaySeeFollowUpCompletion reports whether the actor may see the follow-up
// completion figures of a scope (follow_ups.go): the organisation's or a
// programme's for administrators; a team's (scopeID: its supervisor) for
// that supervisor and administrators; a worker's (scopeID: the worker,
// whose supervisor is supervisorID) for the worker, their supervisor and
// administrators.
func (a Actor) MaySeeFollowUpCompletion(kind string, scopeID, supervisorID int64) bool {
	switch {
	case a.OrgID == 0:
		return false
	case a.Has(auth.RoleAdmin):
		return kind == "org" || kind == "programme" || kind == "team" || kind == "worker"
	case kind == "team":
		return a.SupervisesWorkers() && scopeID == a.UserID
	case kind == "worker":
		return (a.HasOwnPeople() && scopeID == a.UserID) || (a.SupervisesWorkers() && supervisorID == a.UserID)
	}
	return false
}

// MayLoadGeneratedData reports whether the actor may load generated people
// into their organisation: an administrator of one.
func (a Actor) MayLoadGeneratedData() bool { return a.Has(auth.RoleAdmin) && a.OrgID != 0 }

// MayImportRecords reports whether the actor may import people, contacts,
// goals and resources from a spreadsheet into their organisation: an
// administrator of one.
func (a Actor) MayImportRecords() bool { return a.Has(auth.RoleAdmin) && a.OrgID != 0 }

// ---- Reports (reports.go): counts only, never names ----

// MaySeeOrgReports reports whether the actor sees the organisation's
// reports, and those of any programme, team or worker: administrators.
func (a Actor) MaySeeOrgReports() bool { return a.Has(auth.RoleAdmin) }

// MaySeeTeamReport reports whether the actor sees the report of the team
// of supervisor supervisorID: administrators, and that supervisor.
func (a Actor) MaySeeTeamReport(supervisorID int64) bool {
	return a.MaySeeOrgReports() || (a.Has(auth.RoleSupervisor) && supervisorID == a.UserID)
}

// MaySeeWorkerReport reports whether the actor sees worker w's report:
// administrators, the worker themselves (when they work with people) and
// their supervisor.
func (a Actor) MaySeeWorkerReport(w Worker) bool {
	return a.MaySeeOrgReports() || (w.ID == a.UserID && a.WorksWithPeople()) ||
		(a.Has(auth.RoleSupervisor) && w.SupervisorID == a.UserID)
}

// ---- The visibility rules, as SQL ----

// visibleTo returns the SQL condition that limits person rows (aliased
// alias) to those the actor may see, with its arguments appended to args
// and numbered after them. The rule, once for the whole application:
//
//   - the person belongs to the actor's organisation, and
//   - the actor is an administrator, or a worker assigned to the person, or
//     the supervisor of a worker assigned to the person;
//   - the record has not been merged into another (a merge moves every
//     assignment to the kept record, so only administrators need the test).
//
// Whether the actor is an administrator is decided here from their roles,
// not in SQL. For everyone else the condition is "id IN (the people assigned
// to me or to my supervisees)", and the organisation test is written
// "+p.org_id": the unary plus (harmless on both databases) stops SQLite from
// walking the organisation's index in due-date order and testing every
// person against the set, so both databases start from the worker's small
// set (indexes on person_workers.user_id and users.supervisor_id) and sort a
// few hundred rows. BenchmarkCaseload measures it.
func visibleTo(a Actor, alias string, args []any) (string, []any) {
	args = append(args, a.OrgID)
	org := fmt.Sprintf("%s.org_id = $%d", alias, len(args))
	switch {
	case a.OrgID != 0 && a.IsPerson():
		// A person in their own portal sees their own record and nothing
		// else, whatever id they try.
		args = append(args, a.PersonID)
		return fmt.Sprintf("%s AND %s.id = $%d AND %s.merged_into_id IS NULL", org, alias, len(args), alias), args
	case a.OrgID == 0 || !a.worksWithPeople():
		return "1 = 0", args[:len(args)-1]
	case a.SeesEveryPerson():
		// A record merged into another is seen by nobody (duplicates.go);
		// everyone else sees it through no assignment anyway.
		return org + " AND " + alias + ".merged_into_id IS NULL", args
	}
	args = append(args, a.UserID)
	me := len(args)
	org = "+" + org
	if !a.oversees() {
		// Only a supervisor sees their supervisees' people: a supervisor_id
		// left behind by a role change gives nothing.
		return fmt.Sprintf(`%s AND %s.id IN (SELECT pw.person_id FROM person_workers pw WHERE pw.user_id = $%d)`, org, alias, me), args
	}
	return fmt.Sprintf(`%s AND %s.id IN (
		SELECT pw.person_id FROM person_workers pw WHERE pw.user_id = $%d
		UNION
		SELECT pw.person_id FROM person_workers pw JOIN users w ON w.id = pw.user_id WHERE w.supervisor_id = $%d)`,
		org, alias, me, me), args
}

// visiblePerson checks, inside a transaction (or on the read pool), that the
// actor may see person id, returning core.NotFound("The person") when not:
// a worker must not learn that a record exists when they have no
// relationship with the person. Operations on a person's records call it
// before touching them.
func (s *Store) visiblePerson(ctx context.Context, q querier, a Actor, id int64) error {
	rc := requestCacheFrom(ctx)
	read := q == querier(s.rdb) // a write transaction always asks again
	if read && rc.sawVisible(a, id) {
		return nil
	}
	cond, args := visibleTo(a, "p", []any{id})
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM people p WHERE p.id = $1 AND "+cond, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return core.NotFound("The person")
	}
	if err == nil && read {
		rc.rememberVisible(a, id)
	}
	return err
}

// A request cache remembers, for one request, which people its actor was
// found allowed to see, so a page that reads a person's record in parts
// (the record, their groups, their recovery picture, their portal account,
// their correction requests) asks the database once instead of once per
// part: on PostgreSQL each ask is a round trip (issue 14). Only reads use
// it, and only what was allowed is remembered; a request is a fraction of a
// second, and a change to who sees whom shows from the next request on.
type requestCache struct {
	mu      sync.Mutex
	visible map[[3]int64]bool // {org, user, person}
}

type requestCacheKey struct{}

// WithRequestCache returns a context whose reads share one request cache.
// Every web request has one (WithPageView makes it); the benchmark's bare
// handlers make their own, so both sides of the comparison ask alike.
func WithRequestCache(ctx context.Context) context.Context {
	if requestCacheFrom(ctx) != nil {
		return ctx
	}
	return context.WithValue(ctx, requestCacheKey{}, &requestCache{})
}

func requestCacheFrom(ctx context.Context) *requestCache {
	rc, _ := ctx.Value(requestCacheKey{}).(*requestCache)
	return rc
}

func (rc *requestCache) sawVisible(a Actor, person int64) bool {
	if rc == nil {
		return false
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.visible[[3]int64{a.OrgID, a.UserID, person}]
}

func (rc *requestCache) rememberVisible(a Actor, person int64) {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.visible == nil {
		rc.visible = map[[3]int64]bool{}
	}
	rc.visible[[3]int64{a.OrgID, a.UserID, person}] = true
}

// CheckPersonVisible reports core.NotFound unless the actor may see person
// id. It is not audited: use it before an operation that audits itself.
func (s *Store) CheckPersonVisible(ctx context.Context, a Actor, id int64) error {
	return s.visiblePerson(ctx, s.rdb, a, id)
}

// rosterAccess returns the SQL condition that the actor may see the roster
// and attendance of group rows aliased alias (see the rule at the top of
// groups.go), with its arguments appended to args.
func rosterAccess(a Actor, alias string, args []any) (string, []any) {
	switch {
	case a.OrgID == 0 || !a.worksWithPeople():
		return "1 = 0", args
	case a.SeesEveryPerson():
		return "1 = 1", args
	}
	args = append(args, a.UserID)
	n := len(args)
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM group_facilitators gf JOIN users fu ON fu.id = gf.user_id
		WHERE gf.group_id = %s.id AND (gf.user_id = $%d OR fu.supervisor_id = $%d))`, alias, n, n), args
}

// visibleWorker is the access rule for development records, in one place:
// the record of user u is visible to an actor of the same organisation who
// is u, u's supervisor, or an administrator. Everyone else, inside the
// organisation or outside it, is told the record does not exist. Its
// placeholders are $1 (the actor's organisation), $2 (the actor) and $3
// (whether the actor is an administrator); see visibleArgs.
const visibleWorker = ` u.org_id = $1 AND (u.id = $2 OR u.supervisor_id = $2 OR $3) `

func visibleArgs(a Actor) []any { return []any{a.OrgID, a.UserID, a.SeesEveryWorker()} }

// relationOf says how the actor stands to a worker already known to be
// visible. Being the worker comes first: an administrator is still "self"
// on their own record, so cannot sign off their own competencies.
func relationOf(a Actor, w Worker) Relation {
	switch {
	case a.UserID == w.ID:
		return RelSelf
	case w.SupervisorID != 0 && w.SupervisorID == a.UserID && a.oversees():
		return RelSupervisor
	case a.SeesEveryWorker():
		return RelAdmin
	}
	return RelNone
}

// cohortScope is the visibility rule as SQL about the cohort aliased c: the
// actor's organisation, and unless they administer it, a cohort they train.
// It appends its arguments to args.
func cohortScope(a Actor, args *[]any) string {
	*args = append(*args, a.OrgID)
	cond := fmt.Sprintf("c.org_id = $%d", len(*args))
	if a.SeesEveryCohort() {
		return cond
	}
	if !a.TrainsCohorts() {
		return cond + " AND 1 = 0"
	}
	*args = append(*args, a.UserID)
	return cond + fmt.Sprintf(" AND EXISTS (SELECT 1 FROM cohort_trainers ct WHERE ct.org_id = c.org_id AND ct.cohort_id = c.id AND ct.user_id = $%d)", len(*args))
}
