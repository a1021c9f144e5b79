package store

import "context"

// Bare runs the queries behind the pages a peer worker uses all day, and a
// contact save, without their audit entries: the yardstick of `peerpath
// bench` (internal/bench), which serves them from a bare net/http handler
// to show what peerpath's own machinery (sessions, audit, rendering) costs
// on top of the same SQL. Because a read through Bare leaves no audit
// entry, nothing but the benchmark may use it; TestOnlyTheBenchmarkUsesBare
// (internal/bench) fails if another package does.
type Bare struct{ s *Store }

// Bare returns the store's unaudited queries, for the benchmark only.
func (s *Store) Bare() Bare { return Bare{s} }

// Caseload is ListPeople's queries for the first page of active people.
func (b Bare) Caseload(ctx context.Context, a Actor, p Page) (List[CaseloadRow], error) {
	return b.s.listPeople(ctx, a, PeopleFilter{}, p)
}

// FollowUpsDue is FollowUpsDue's query.
func (b Bare) FollowUpsDue(ctx context.Context, a Actor, limit int) ([]Referral, error) {
	return b.s.followUpsDue(ctx, a, 0, limit)
}

// Person is Person's queries.
func (b Bare) Person(ctx context.Context, a Actor, id int64) (Person, error) {
	return b.s.person(ctx, b.s.rdb, a, id)
}

// PersonRecord is PersonRecord's queries.
func (b Bare) PersonRecord(ctx context.Context, a Actor, id int64) (PersonRecord, error) {
	return b.s.personRecord(ctx, a, id)
}

// PersonGroups is PersonGroups' queries.
func (b Bare) PersonGroups(ctx context.Context, a Actor, id int64) ([]PersonGroup, error) {
	return b.s.personGroups(ctx, a, id)
}

// Contacts is ListContacts' queries.
func (b Bare) Contacts(ctx context.Context, a Actor, personID int64, p Page) (List[Contact], error) {
	return b.s.listContacts(ctx, a, personID, p)
}

// AddContact is AddContact's transaction without its audit entry.
func (b Bare) AddContact(ctx context.Context, a Actor, personID int64, in ContactInput) (Contact, error) {
	return b.s.addContact(ctx, a, personID, in, false)
}

// RecoveryPicture is RecoveryPicture's queries.
func (b Bare) RecoveryPicture(ctx context.Context, a Actor, id int64) (RecoveryPicture, error) {
	return b.s.recoveryPicture(ctx, a, id)
}

// PortalAccount is PortalAccountOf (which is not audited).
func (b Bare) PortalAccount(ctx context.Context, a Actor, id int64) (PortalAccount, error) {
	return b.s.PortalAccountOf(ctx, a, id)
}

// Corrections is Corrections' queries.
func (b Bare) Corrections(ctx context.Context, a Actor, id int64) ([]CorrectionRequest, error) {
	return b.s.corrections(ctx, a, id)
}
