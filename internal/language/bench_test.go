package language

import (
	"strings"
	"testing"
)

// benchNote is a realistic contact note of about 2,000 characters: mostly
// ordinary words, a handful of hints, some quoted speech and a few
// non-ASCII characters, as a peer worker might type it.
var benchNote = strings.TrimSpace(`
Met with José at the Lowell RLC drop-in this morning for our weekly check-in. He arrived a little
late because the bus was delayed, and said he had not slept well since Thursday. We sat in the
quiet room and talked about his week. He said "the new meds make me feel like a zombie" and that he
has been thinking about stopping them. Staff at the clinic wrote that he is non-compliant, but he
told me he is worried about the weight gain and wants to talk with his prescriber about other
options. We practised what he might say at the appointment on the 14th and wrote it on a card.

He talked about his sister, who he has not seen in two years. He would like to call her before
her birthday. We looked at his WRAP together and he added "calling Ana" to his wellness toolbox. He
also said the group on Tuesdays has helped; he likes that nobody treats him like a patient there.
He mentioned that his case manager at DMH is helping with the housing application and that the
placement at the group home fell through. He was frustrated and said he felt like a failure. I
shared a little of my own experience of waiting for housing and how long it took. He laughed and
said "so I'm not crazy for being angry". We agreed that being angry about waiting is reasonable.

We spent the last twenty minutes on his goal of getting back to work. He used to work in a bakery
and would like to do that again, maybe part time at first. We looked at two job listings and he
wants to ask the Clubhouse employment specialist about a transitional job. He said he is in
recovery from alcohol use and has been sober for eight months; his last UA at the program was
clean and he was proud of that. He is going to the Saturday meeting in Lowell.

Safety plan reviewed: no changes. He knows to call the warm line if the nights get hard. Next
check-in Thursday at 10:30 at the café near the library. Follow up: ask about the prescriber
appointment and the call to Ana. Résumé draft to bring next week.
`)

func BenchmarkCheck(b *testing.B) {
	l := Default()
	b.SetBytes(int64(len(benchNote)))
	b.ReportAllocs()
	for b.Loop() {
		l.Check(benchNote)
	}
}

func TestBenchNoteIsRealistic(t *testing.T) {
	if n := len([]rune(benchNote)); n < 1900 || n > 2300 {
		t.Errorf("benchmark note is %d characters, want about 2,000", n)
	}
	if n := len(Default().Check(benchNote)); n < 4 {
		t.Errorf("benchmark note gives %d hints; want a handful so the benchmark measures hint building too", n)
	}
}
