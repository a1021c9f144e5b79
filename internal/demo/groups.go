package demo

import (
	"context"
	"fmt"
	"time"

	"peerpath/internal/store"
)

// The demo's groups (issue 7): a Hearing Voices group and a wellness
// planning class in person, a dual recovery group by video, facilitated by
// the demo peer workers, with members among the demo people and their last
// few sessions' attendance, drop-in guests and notes about the group as a
// whole (which never name members). The attendance is chosen so that the
// people the demo shows as overdue for a check-in stay overdue.

type demoSession struct {
	marks  map[string]string // member name → status
	guests int
	note   string
}

type demoGroup struct {
	in           store.GroupInput
	facilitators []string // keys in Demo.Users
	members      []string // demo people's names
	sessions     []demoSession
}

var demoGroups = []demoGroup{
	{
		in: store.GroupInput{Name: "Thursday Hearing Voices", Kind: "hearing_voices", Meets: "in_person", Place: "Riverbend RLC, 8 Canal Street, community room",
			Schedule: "Thursdays, 6 to 7:30 pm. Drop in.", Weekday: 4, StartTime: "18:00", DurationMinutes: 90,
			Description: "A peer support group for anyone who hears voices, sees visions or has other unusual experiences. Every explanation is welcome."},
		facilitators: []string{"peer", "peer2"},
		members:      []string{"Maria Santos", "Tomás Rivera", "Frank O'Neill", "Joe Medeiros", "Sam Nguyen"},
		sessions: []demoSession{
			{map[string]string{"Maria Santos": "present", "Tomás Rivera": "present", "Frank O'Neill": "late", "Joe Medeiros": "absent", "Sam Nguyen": "present"}, 3,
				"We shared what helps when the voices get loud at night."},
			{map[string]string{"Maria Santos": "present", "Tomás Rivera": "late", "Frank O'Neill": "excused", "Joe Medeiros": "present", "Sam Nguyen": "absent"}, 1,
				"We talked about telling friends and family about our experiences, and how much to share."},
			{map[string]string{"Maria Santos": "present", "Tomás Rivera": "present", "Frank O'Neill": "absent", "Joe Medeiros": "present", "Sam Nguyen": "excused"}, 2,
				"Grounding exercises, and a long conversation about sleep."},
			{map[string]string{"Maria Santos": "late", "Tomás Rivera": "present", "Frank O'Neill": "absent", "Joe Medeiros": "present", "Sam Nguyen": "present"}, 0,
				"A quieter evening. We made a list of places in town that feel calm."},
		},
	},
	{
		in: store.GroupInput{Name: "Wellness planning class", Kind: "wellness_planning", Meets: "in_person", Place: "Riverbend RLC, 8 Canal Street, room 2",
			Schedule: "Eight Mondays, 10 am to noon", Weekday: 1, StartTime: "10:00", DurationMinutes: 120,
			Description: "Each person writes their own wellness plan, one part a week, with others doing the same."},
		facilitators: []string{"peer"},
		members:      []string{"Aisha Mohammed", "Lin Chen", "Keisha Brown", "Dev Patel"},
		sessions: []demoSession{
			{map[string]string{"Aisha Mohammed": "present", "Lin Chen": "present", "Keisha Brown": "excused", "Dev Patel": "present"}, 0,
				"What a wellness toolbox is; everyone started their own list."},
			{map[string]string{"Aisha Mohammed": "present", "Lin Chen": "late", "Keisha Brown": "absent", "Dev Patel": "excused"}, 1,
				"Daily maintenance: what a good day looks like, and the small things that help."},
			{map[string]string{"Aisha Mohammed": "present", "Lin Chen": "present", "Keisha Brown": "absent", "Dev Patel": "present"}, 0,
				"Triggers, and what each of us can do when one comes up."},
		},
	},
	{
		in: store.GroupInput{Name: "Dual recovery group", Kind: "dual_recovery", Meets: "video", VideoLink: "https://meet.example.org/riverbend-dual-recovery",
			Schedule: "Tuesdays, 7 to 8 pm, online", Weekday: 2, StartTime: "19:00", DurationMinutes: 60,
			Description: "For people in recovery from both substance use and mental-health struggles."},
		facilitators: []string{"peer2"},
		members:      []string{"Joe Medeiros", "Marcus Hill", "Rosa Pérez"},
		sessions: []demoSession{
			{map[string]string{"Joe Medeiros": "present", "Marcus Hill": "present", "Rosa Pérez": "absent"}, 2,
				"What recovery from both looks like day to day."},
			{map[string]string{"Joe Medeiros": "present", "Marcus Hill": "absent", "Rosa Pérez": "late"}, 0,
				"Cravings and low moods: what we each notice first."},
			{map[string]string{"Joe Medeiros": "present", "Marcus Hill": "excused", "Rosa Pérez": "present"}, 1,
				"Planning for the holidays, and who we can call."},
		},
	},
}

// pastSlots returns the last n days before today (oldest first) that fall
// on the ISO weekday, as YYYY-MM-DD.
func pastSlots(now time.Time, weekday, n int) []string {
	var out []string
	day := now.In(store.Zone)
	for len(out) < n {
		day = day.AddDate(0, 0, -1)
		if int(day.Weekday()+6)%7+1 == weekday {
			out = append([]string{day.Format("2006-01-02")}, out...)
		}
	}
	return out
}

// loadGroups loads the groups once: it does nothing when the organisation
// already has a group.
func loadGroups(ctx context.Context, s *store.Store, d *Demo) error {
	sup := d.Users["supervisor"].Actor("demo")
	existing, err := s.ListGroups(ctx, sup, store.GroupFilter{Status: store.ShowAll}, store.Page{Limit: 1})
	if err != nil || len(existing.Items) > 0 {
		return err
	}
	people, err := s.ListPeople(ctx, d.Users["admin"].Actor("demo"), store.PeopleFilter{Status: store.ShowAll}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, p := range people.Items {
		ids[p.PreferredName] = p.ID
	}
	now := s.Clock().Now()
	for _, dg := range demoGroups {
		in := dg.in
		for _, k := range dg.facilitators {
			in.FacilitatorIDs = append(in.FacilitatorIDs, d.Users[k].ID)
		}
		g, err := s.CreateGroup(ctx, sup, in)
		if err != nil {
			return fmt.Errorf("demo group %s: %w", in.Name, err)
		}
		days := pastSlots(now, in.Weekday, len(dg.sessions))
		var members []int64
		for _, n := range dg.members {
			id, ok := ids[n]
			if !ok {
				return fmt.Errorf("demo group %s: no demo person %s", in.Name, n)
			}
			members = append(members, id)
		}
		if err := s.AddGroupMembers(ctx, sup, g.ID, members, days[0]); err != nil {
			return fmt.Errorf("demo group %s members: %w", in.Name, err)
		}
		facilitator := d.Users[dg.facilitators[0]].Actor("demo")
		for i, ds := range dg.sessions {
			marks := map[int64]string{}
			for n, st := range ds.marks {
				marks[ids[n]] = st
			}
			if _, err := s.RecordGroupSession(ctx, facilitator, g.ID, store.GroupSessionInput{HeldOn: days[i], Guests: ds.guests, Note: ds.note, Attendance: marks}); err != nil {
				return fmt.Errorf("demo group %s session %s: %w", in.Name, days[i], err)
			}
		}
	}
	return nil
}
