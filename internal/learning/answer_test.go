package learning

import "testing"

func TestMatchAnswer(t *testing.T) {
	g := DefaultGlossary()
	entry := func(slug string) Entry {
		e, ok := g.Lookup(slug)
		if !ok {
			t.Fatalf("no entry %s", slug)
		}
		return e
	}
	tests := []struct {
		slug, given string
		want        bool
	}{
		// Accepted forms.
		{"rlc", "RLC", true},
		{"rlc", "rlc", true},
		{"rlc", "What is an RLC?", true},
		{"rlc", "what is a rlc", true},
		{"rlc", "What is an RLC or Recovery Learning Community?", true},
		{"rlc", "RLC or a Recovery Learning Community", true},
		{"rlc", "Recovery Learning Community", true},
		{"rlc", "  recovery   learning-community!! ", true},
		{"rlc", "what are rlcs", true}, // plural accepted, documented on MatchAnswer
		{"rlc", "What are Recovery Learning Communities?", true},
		{"rlc", "What's an RLC?", true},
		{"rlc", "What’s an RLC?", true},
		{"rlc", "Recovery Lerning Community", true}, // one letter missing in a long name
		{"mutuality", "Mutuality", true},
		{"mutuality", "Mutaulity", true}, // neighbouring letters swapped
		{"mutuality", "the mutualty", true},
		{"mutuality", "Mutualty?", true},
		{"mutuality", "Mtuaulity", true}, // two edits, 9 letters
		{"trauma", "Traumma", true},      // 6 letters: one edit
		{"snippet", "snipet", true},
		{"self-determination", "self determination", true},
		{"self-determination", "Selfdetermination", true},
		{"intersectionality", "Intersectonality", true},
		{"e-cpr", "ECPR", true},
		{"e-cpr", "e cpr", true},
		{"e-cpr", "Emotional CPR", true},
		{"qa-qi", "QA/QI", true},
		{"qa-qi", "qa qi", true},
		{"intersectionality", "Intersectionalité", true}, // accent folded
		{"atrium", "Addiction and Trauma Recovery Integration Model", true},
		{"recovery-coach", "Who is a Recovery Coach?", true},
		{"certified-older-adult-peer-specialist", "COAPS", true},
		{"wrap", "What is WRAP or Wellness Recovery Action Planning?", true},
		{"hvn", "hearing voices", true},
		{"cps", "Certified Peer Specialists", true},

		// Rejected forms.
		{"rlc", "", false},
		{"rlc", "   ", false},
		{"rlc", "What is?", false},
		{"rlc", "?", false},
		{"rlc", "the", false},
		{"rlc", "RSC", false}, // another organisation, one letter away
		{"rlc", "What is an RSC?", false},
		{"rlc", "RSC or RLC", false}, // hedging: every part must be right
		{"rlc", "RLC or RSC", false},
		{"rlc", "RLC or", false},
		{"rlc", "RLCX", false},
		{"rlc", "Recovery Support Center", false},
		{"rsc", "RLC", false},
		{"dmh", "DPH", false},
		{"wham", "WRAP", false},
		{"wrap", "WHAM", false},
		{"mamh", "MBHP", false},
		{"ips", "IPX", false}, // exact for 4 letters or fewer
		{"ips", "IPSs", true}, // plural
		{"trauma", "Trauma-informed", false},
		{"trauma-informed", "Trauma", false},
		{"recovery-coach", "Recovery Coach Academy", false},
		{"recovery-coach-academy", "Recovery Coach", false},
		{"mutuality", "Mxtxxlity", false}, // three edits
		{"snippet", "snappit", false},     // two edits on 7 letters
		{"cps", "CPS Training", false},
		{"cps-training", "CPS", false},
		{"young-adult-peer-mentor", "Forensic Peer Specialist", false},
	}
	for _, tc := range tests {
		if got := MatchAnswer(tc.given, entry(tc.slug)); got != tc.want {
			t.Errorf("MatchAnswer(%q, %s) = %v, want %v", tc.given, tc.slug, got, tc.want)
		}
	}
}

// No name of one entry may be accepted as the answer for another, or the
// game would mark a wrong answer right (and the quiz could offer the answer
// twice).
func TestMatchAnswerNeverConfusesEntries(t *testing.T) {
	es := shipped(t)
	for _, a := range es {
		for _, n := range a.Names() {
			if !MatchAnswer(n, a) {
				t.Errorf("%s: own name %q rejected", a.Slug, n)
			}
			for _, b := range es {
				if a.Slug != b.Slug && MatchAnswer(n, b) {
					t.Errorf("%q (a name of %s) is accepted for %s", n, a.Slug, b.Slug)
				}
			}
		}
	}
}

func TestDamerau(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"mutuality", "mutuality", 0},
		{"mutuality", "mutaulity", 1}, // swap
		{"rlc", "rsc", 1},
		{"snippet", "snipet", 1},
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // optimal string alignment, not full Damerau
		{"étude", "etude", 1},
	}
	for _, tc := range tests {
		if got := damerau(tc.a, tc.b); got != tc.want {
			t.Errorf("damerau(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestTypoTolerance(t *testing.T) {
	for n, want := range map[int]int{1: 0, 4: 0, 5: 1, 8: 1, 9: 2, 30: 2} {
		if got := typoTolerance(n); got != want {
			t.Errorf("typoTolerance(%d) = %d, want %d", n, got, want)
		}
	}
}
