package audit

import (
	"strings"
	"testing"
	"time"
)

func chain(key []byte, n int) []Entry {
	var out []Entry
	prev := ""
	for i := 1; i <= n; i++ {
		e := Entry{Seq: int64(i), At: time.UnixMilli(int64(1700000000000 + i)), OrgID: 1, UserID: 2, IP: "127.0.0.1", Action: ActionRead, RecordType: "person", RecordID: "7"}
		Seal(key, &e, prev)
		prev = e.MAC
		out = append(out, e)
	}
	return out
}

func verify(key []byte, es []Entry, headSeq int64, headMAC string) error {
	v := NewVerifier(key)
	for _, e := range es {
		if err := v.Add(e); err != nil {
			return err
		}
	}
	return v.Finish(headSeq, headMAC, HeadSum(key, headSeq, headMAC))
}

func TestVerify(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	good := chain(key, 5)
	head := good[4]
	if err := verify(key, good, head.Seq, head.MAC); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	cases := map[string]struct {
		mutate func([]Entry) []Entry
		want   string
	}{
		"changed": {func(es []Entry) []Entry { es[2].RecordID = "8"; return es }, "entry 3"},
		"removed": {func(es []Entry) []Entry { return append(es[:1:1], es[2:]...) }, "entry 3"},
		"inserted": {func(es []Entry) []Entry {
			extra := es[1]
			extra.Seq = 3
			return append(append(es[:2:2], extra), es[2:]...)
		}, "entry 3"},
		"truncated": {func(es []Entry) []Entry { return es[:4] }, "entry 5"},
		"wrong key": {func(es []Entry) []Entry { return chain([]byte("another key another key another k"), 5) }, "entry 1"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			es := c.mutate(append([]Entry(nil), good...))
			err := verify(key, es, head.Seq, head.MAC)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v, want an error naming %q", err, c.want)
			}
		})
	}
	t.Run("head changed", func(t *testing.T) {
		v := NewVerifier(key)
		for _, e := range good {
			v.Add(e)
		}
		if err := v.Finish(head.Seq, head.MAC, "00"); err == nil {
			t.Fatal("a forged head passed")
		}
	})
}
