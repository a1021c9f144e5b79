package store_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// BenchmarkAuditedPersonRead times reading one person's record, audit entry
// included: alone, and with 8 readers at once in each of two organisations
// (the case the single audit lock made queue), 8 per CPU.
//
//	go test ./internal/store -run '^$' -bench AuditedPersonRead -benchtime 2s
//
// (On PostgreSQL when PEERPATH_TEST_POSTGRES is set.)
func BenchmarkAuditedPersonRead(b *testing.B) {
	db := testkit.NewStore(b)
	type reader struct {
		a  store.Actor
		id int64
	}
	var readers []reader
	for _, name := range []string{"Bench A", "Bench B"} {
		tm := db.NewTeam(b, name)
		p, err := db.CreatePerson(ctx, testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Jo " + name})
		if err != nil {
			b.Fatal(err)
		}
		readers = append(readers, reader{testkit.Actor(tm.Peer), p.ID})
	}
	b.Run("one reader", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Person(ctx, readers[0].a, readers[0].id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("8 readers per CPU in 2 organisations", func(b *testing.B) {
		b.SetParallelism(8)
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			r := readers[n.Add(1)%2]
			for pb.Next() {
				if _, err := db.Person(ctx, r.a, r.id); err != nil {
					panic(fmt.Sprint(err))
				}
			}
		})
	})
}
