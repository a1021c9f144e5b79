package language

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// got renders hints as "id:word" so a table can say exactly what it expects.
func got(hints []Hint) []string {
	out := make([]string, len(hints))
	for i, h := range hints {
		out[i] = h.ID + ":" + h.Word
	}
	return out
}

type checkCase struct {
	name string
	text string
	want []string // "id:word" in text order; nil means no hints
}

func runChecks(t *testing.T, l *List, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hints := l.Check(tc.text)
			if g := got(hints); !slices.Equal(g, tc.want) {
				t.Errorf("Check(%q)\n got  %q\n want %q", tc.text, g, tc.want)
			}
			for _, h := range hints {
				if tc.text[h.Start:h.End] != h.Word {
					t.Errorf("hint %s: text[%d:%d] = %q, Word = %q", h.ID, h.Start, h.End, tc.text[h.Start:h.End], h.Word)
				}
			}
		})
	}
}

func TestCheckEachCategory(t *testing.T) {
	runChecks(t, Default(), []checkCase{
		{"clinical", "She was decompensating over the weekend.", []string{"decompensating:decompensating"}},
		{"stigmatising", "He called himself a junkie once.", []string{"junkie:junkie"}},
		{"deficit", "Staff say he lacks insight.", []string{"lacks-insight:lacks insight"}},
		{"labelling", "Met with the client at the library.", []string{"client:client"}},
		{"power", "She is non-compliant with meds.", []string{"non-compliant:non-compliant"}},
		{"the brief's own example", "The client is non-compliant and manipulative.",
			[]string{"client:client", "non-compliant:non-compliant", "manipulative:manipulative"}},
		{"nothing to say", "We walked to the park and talked about her garden.", nil},
		{"empty", "", nil},
	})
}

func TestCheckWordsFromTheBrief(t *testing.T) {
	runChecks(t, Default(), []checkCase{
		{"patients", "Other patients joined.", []string{"patient:patients"}},
		{"consumer", "A consumer advisory board.", []string{"consumer:consumer"}},
		{"refused", "He refused the injection and is refusing lunch.", []string{"refused:refused", "refused:refusing"}},
		{"addicts", "Addicts deserve housing.", []string{"addict:Addicts"}},
		{"drug addict is one hint", "a drug addict", []string{"addict:drug addict"}},
		{"alcoholic", "Her father was an alcoholic.", []string{"alcoholic:alcoholic"}},
		{"substance abuse", "history of substance abuse", []string{"substance-abuse:substance abuse"}},
		{"drug abuse", "years of drug abuse", []string{"substance-abuse:drug abuse"}},
		{"substance abuser", "a substance abuser", []string{"abuser:substance abuser"}},
		{"relapsed", "She relapsed in March.", []string{"relapse:relapsed"}},
		{"schizophrenic", "He is a schizophrenic.", []string{"schizophrenic:a schizophrenic"}},
		{"a bipolar", "She's a bipolar, staff said.", []string{"bipolar-label:a bipolar"}},
		{"is bipolar", "He is bipolar.", []string{"bipolar-label:is bipolar"}},
		{"borderline label", "Staff said she is borderline.", []string{"borderline:is borderline"}},
		{"psychotic label", "He was psychotic when I saw him.", []string{"psychotic:was psychotic"}},
		{"suffers from", "She suffers from depression.", []string{"suffers-from:suffers from"}},
		{"victim", "He was a victim of the fire.", []string{"victim:victim"}},
		{"attention-seeking", "It looked attention-seeking to staff.", []string{"attention-seeking:attention-seeking"}},
		{"resistant", "He is resistant to groups.", []string{"resistant:resistant"}},
		{"in denial", "She is in denial.", []string{"in-denial:in denial"}},
		{"unmotivated", "Seemed unmotivated today.", []string{"unmotivated:unmotivated"}},
		{"frequent flyer", "A frequent flyer at the ER.", []string{"frequent-flyer:frequent flyer"}},
		{"high-functioning", "She is high-functioning.", []string{"functioning-labels:high-functioning"}},
		{"low functioning", "a low functioning man", []string{"functioning-labels:low functioning"}},
		{"crazy", "That was a crazy week.", []string{"crazy:crazy"}},
		{"lunatic", "Someone yelled lunatic at him.", []string{"lunatic:lunatic"}},
		{"psycho", "They called her a psycho.", []string{"psycho:psycho"}},
		{"committed suicide", "Her brother committed suicide in 2019.", []string{"committed-suicide:committed suicide"}},
		{"failed treatment", "He failed treatment twice.", []string{"failed:failed treatment"}},
		{"acting out", "He was acting out in group.", []string{"acting-out:acting out"}},
		{"treatment-resistant", "treatment-resistant depression", []string{"treatment-resistant:treatment-resistant"}},
		{"difficult", "She is being difficult.", []string{"difficult:being difficult"}},
		{"placement", "Waiting for a group home placement.", []string{"placement:placement"}},
		{"discharged", "He was discharged on Friday.", []string{"discharge:discharged"}},
		{"mentally ill", "people who are mentally ill", []string{"mentally-ill:mentally ill"}},
	})
}

func TestCheckFalsePositivesAvoided(t *testing.T) {
	runChecks(t, Default(), []checkCase{
		{"patient as an adjective", "She was patient with me and very patient with her son.", nil},
		{"patient listener", "He is a patient listener.", nil},
		{"alcoholic beverages", "No alcoholic beverages at the picnic.", nil},
		{"Alcoholics Anonymous", "She goes to Alcoholics Anonymous on Tuesdays.", nil},
		{"victim services", "Connected her with victim services and a victim advocate.", nil},
		{"relapse prevention training", "Finished the relapse prevention course.", nil},
		{"refuse collection", "The refuse collection is on Monday.", nil},
		{"her abuser", "She is safe from her abuser now.", nil},
		{"abuser near drugs", "Her abuser sold drugs.", []string{"abuser:abuser"}},
		{"bipolar diagnosis", "She has a bipolar diagnosis.", nil},
		{"a psychotic episode", "after a psychotic episode", []string{"psychotic:psychotic episode"}},
		{"borderline rude", "The comment was borderline rude; that is borderline high.", nil},
		{"act out a scene", "We act out a scene in drama group.", nil},
		{"job placement", "Job placement services helped.", nil},
		{"placement test", "She passed the placement test.", nil},
		{"honorable discharge", "He got an honorable discharge.", nil},
		{"water-resistant", "A water-resistant jacket.", nil},
		{"compliance far from treatment", "The office passed its HIPAA compliance review.", nil},
		{"compliance about meds", "Med compliance is good.", []string{"compliance:Med compliance"}},
		{"denial of benefits", "It ended in denial of her claim.", nil},
		{"homeless shelter", "Visited the homeless shelter.", nil},
		{"splitting the bill", "She is splitting the bill with her sister.", nil},
		{"splitting her time", "She is splitting her time between two homes.", nil},
		{"frequent flyer miles", "Used frequent flyer miles for the trip.", nil},
		{"resistance from a landlord", "Met resistance from the landlord.", nil},
		{"resistance to", "He has some resistance to the plan.", []string{"resistant:resistance to"}},
	})
}

func TestWholeWords(t *testing.T) {
	runChecks(t, Default(), []checkCase{
		{"clientele is a different word", "The shop has a loyal clientele.", nil},
		{"clientèle with an accent", "Une clientèle fidèle.", nil},
		{"plural listed", "Three clients came.", []string{"client:clients"}},
		{"possessive", "The client's mother called.", []string{"client:client"}},
		{"curly possessive", "The client’s mother called.", []string{"client:client"}},
		{"upper case", "CLIENT REVIEW", []string{"client:CLIENT"}},
		{"digits attached", "client2 and 3clients", nil},
		{"underscore separates", "client_list", []string{"client:client"}},
		{"inside a longer word", "Reclean the sink. Patiently waited. Addiction recovery.", nil},
		{"hyphen variant", "Non compliant, noncompliant, NON-COMPLIANT.",
			[]string{"non-compliant:Non compliant", "non-compliant:noncompliant", "non-compliant:NON-COMPLIANT"}},
		{"non-breaking hyphen", "non\u2011compliant", []string{"non-compliant:non\u2011compliant"}},
		{"line break inside phrase", "she is non-\ncompliant", []string{"non-compliant:non-\ncompliant"}},
		{"punctuation breaks a phrase", "Non. Compliant? Mentally, ill.", nil},
		{"extra spaces", "mentally   ill", []string{"mentally-ill:mentally   ill"}},
	})
}

// The judgement on "case": a person called a case, or cases counted as a
// load, is a hint; every ordinary use of the word is not.
func TestCase(t *testing.T) {
	runChecks(t, Default(), []checkCase{
		{"in case", "Bring a coat in case it rains.", nil},
		{"just in case", "I left my number just in case.", nil},
		{"in any case", "In any case, she is doing well.", nil},
		{"in my case", "In my case, walking helps.", nil},
		{"in a case like this", "In a case like this we ask first.", nil},
		{"case of water", "Dropped off a case of water.", nil},
		{"court case", "Her court case is next week.", nil},
		{"case manager", "Met her DMH case manager. My case manager agreed.", nil},
		{"a case manager", "She has a case manager now.", nil},
		{"make a case", "She made a case for more hours.", nil},
		{"upper case", "Write it in upper case.", nil},
		{"briefcase", "Her briefcase was stolen.", nil},
		{"a person as a case", "He is a case.", []string{"case:a case"}},
		{"a tough case", "She is a tough case.", []string{"case:tough case"}},
		{"my cases", "I saw two of my cases today.", []string{"case:my cases"}},
		{"caseload", "My caseload is heavy this month.", []string{"caseload:caseload"}},
		{"case load", "a case load of 30", []string{"caseload:case load"}},
		{"caseloads", "Caseloads are too big.", []string{"caseload:Caseloads"}},
		{"mental case", "They called him a mental case.", []string{"mental-patient:mental case"}},
	})
}

func TestCleanAndDirtyNeedDrugTestContext(t *testing.T) {
	runChecks(t, Default(), []checkCase{
		{"kitchen", "She keeps the kitchen clean.", nil},
		{"dirty dishes", "Dirty dishes in the sink.", nil},
		{"clean-up", "Helped with the clean-up of the kitchen.", nil},
		{"urine test", "Her urine test came back clean.", []string{"clean:clean"}},
		{"UA", "UA was dirty.", []string{"dirty:dirty"}},
		{"tox screen before", "Tox screen: dirty for opiates.", []string{"dirty:dirty"}},
		{"clean screen", "Clean screen on Monday.", []string{"clean:Clean"}},
		{"drug word after", "Said she has been clean from drugs for a year.", []string{"clean:clean"}},
		{"five words away counts", "The test came back and was clean.", []string{"clean:clean"}},
		{"six words away does not", "The test came back today and it was clean.", nil},
		{"other sentence does not", "The drug screen is Friday. Her room was clean.", nil},
		{"line break ends the sentence", "drug screen Friday\nroom clean", nil},
		{"a full stop inside a word keeps the sentence", "Drug test no.2 came back clean", []string{"clean:clean"}},
		{"cleaned is a different word", "She cleaned before her drug test.", nil},
	})
}

func TestOverlapPrefersLongest(t *testing.T) {
	runChecks(t, Default(), []checkCase{
		{"the mentally ill", "Services for the mentally ill.", []string{"the-mentally-ill:the mentally ill"}},
		{"difficult client", "A difficult client today.", []string{"difficult:difficult client"}},
		{"treatment resistant beats resistant", "She is treatment resistant.", []string{"treatment-resistant:treatment resistant"}},
		{"mental patient beats patient", "a former mental patient", []string{"mental-patient:mental patient"}},
		{"failed placement beats placement", "another failed placement", []string{"failed:failed placement"}},
		{"both kept when apart", "The client is mentally ill.", []string{"client:client", "mentally-ill:mentally ill"}},
	})
}

// Overlap resolution does not depend on the shipped list: two entries whose
// phrases overlap part-way keep the longer, and on a tie the earlier.
func TestOverlapCustomList(t *testing.T) {
	l, err := NewList([]Entry{
		{ID: "ab", Match: []string{"alpha beta"}, Why: "w", Suggestions: []string{"s"}, Category: CategoryDeficit},
		{ID: "bcd", Match: []string{"beta gamma delta"}, Why: "w", Suggestions: []string{"s"}, Category: CategoryDeficit},
		{ID: "bg", Match: []string{"beta gamma"}, Why: "w", Suggestions: []string{"s"}, Category: CategoryDeficit},
		{ID: "de", Match: []string{"delta epsilon"}, Why: "w", Suggestions: []string{"s"}, Category: CategoryDeficit},
		{ID: "xyz", Match: []string{"x y z"}, Why: "w", Suggestions: []string{"s"}, Category: CategoryDeficit},
		{ID: "zlong", Match: []string{"z longlonglong"}, Why: "w", Suggestions: []string{"s"}, Category: CategoryDeficit},
	})
	if err != nil {
		t.Fatal(err)
	}
	runChecks(t, l, []checkCase{
		{"middle longest", "alpha beta gamma delta epsilon", []string{"bcd:beta gamma delta"}},
		{"tie goes to the earlier", "alpha beta gamma", []string{"ab:alpha beta"}},
		{"no overlap keeps both", "alpha beta delta epsilon", []string{"ab:alpha beta", "de:delta epsilon"}},
		{"more words beat more bytes", "x y z longlonglong", []string{"xyz:x y z"}},
	})
}

func TestQuoted(t *testing.T) {
	cases := []struct {
		name   string
		text   string
		quoted []bool // one per hint, in order
	}{
		{"straight double", `She said "I'm an addict and proud of my recovery" and smiled.`, []bool{true}},
		{"curly double", "She said “I’m an addict” today.", []bool{true}},
		{"straight single", "He calls it 'crazy time' at home.", []bool{true}},
		{"curly single", "He calls it ‘crazy time’ at home.", []bool{true}},
		{"outside after a quote", `"I feel fine," said the client.`, []bool{false}},
		{"both", `The client said "I'm crazy".`, []bool{false, true}},
		{"apostrophes are not quotes", "She's an addict, isn't she's.", []bool{false}},
		{"unclosed quote is not quoted", `She said "I'm an addict`, []bool{false}},
		{"quote does not cross a line", "She said \"crazy\nthen addict\"", []bool{false, false}},
		{"guillemets", "Elle a dit «crazy».", []bool{true}},
		{"single inside double", `He said "they call me 'crazy' at work".`, []bool{true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hints := Default().Check(tc.text)
			var q []bool
			for _, h := range hints {
				q = append(q, h.Quoted)
			}
			if !slices.Equal(q, tc.quoted) {
				t.Errorf("Check(%q) quoted = %v, want %v (hints %q)", tc.text, q, tc.quoted, got(hints))
			}
		})
	}
}

func TestOffsetsWithMultiByteText(t *testing.T) {
	text := "José said the clients – “Zoë’s too” – were non‑compliant. 日本語 addict"
	hints := Default().Check(text)
	want := []string{"clients", "non‑compliant", "addict"}
	if len(hints) != len(want) {
		t.Fatalf("got %q, want words %q", got(hints), want)
	}
	for i, h := range hints {
		if h.Word != want[i] {
			t.Errorf("hint %d word = %q, want %q", i, h.Word, want[i])
		}
		if wantStart := strings.Index(text, want[i]); h.Start != wantStart || h.End != wantStart+len(want[i]) {
			t.Errorf("hint %d at [%d,%d), want [%d,%d)", i, h.Start, h.End, wantStart, wantStart+len(want[i]))
		}
	}
	// The first hint's byte offset differs from its rune offset because of "é".
	if hints[0].Start != len("José said the ") {
		t.Errorf("clients starts at byte %d, want %d", hints[0].Start, len("José said the "))
	}
}

func TestHintJSON(t *testing.T) {
	hints := Default().Check(`"client"`)
	b, err := json.Marshal(hints)
	if err != nil {
		t.Fatal(err)
	}
	var m []map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"end", "id", "quoted", "start", "suggestions", "why", "word"}; !slices.Equal(keys, want) {
		t.Errorf("JSON keys = %v, want %v", keys, want)
	}
	if m[0]["quoted"] != true || m[0]["start"] != float64(1) {
		t.Errorf("JSON = %s", b)
	}
}

func TestHintSuggestionsAreCopies(t *testing.T) {
	h := Default().Check("client")
	h[0].Suggestions[0] = "changed"
	if Default().Check("client")[0].Suggestions[0] == "changed" {
		t.Error("editing a hint's suggestions changed the list")
	}
}

func TestNilList(t *testing.T) {
	var l *List
	if h := l.Check("client"); h != nil {
		t.Errorf("nil list gave %v", h)
	}
	if l.Len() != 0 || l.Entries() != nil {
		t.Error("nil list has entries")
	}
}

func TestEmbeddedListValidates(t *testing.T) {
	entries, err := ParseEntries(wordlistJSON)
	if err != nil {
		t.Fatalf("embedded list: %v", err)
	}
	if _, err := NewList(entries); err != nil {
		t.Fatalf("embedded list: %v", err)
	}
	if n := Default().Len(); n < 40 || n > 70 {
		t.Errorf("embedded list has %d entries; expected about 40-60", n)
	}
	used := make(map[string]bool)
	for _, e := range entries {
		used[e.Category] = true
		if e.Disabled {
			t.Errorf("shipped entry %s is disabled", e.ID)
		}
	}
	for _, c := range Categories {
		if !used[c] {
			t.Errorf("no shipped entry in category %s", c)
		}
	}
}

// Every phrase an entry matches must, written on its own, produce a hint from
// that entry; otherwise an entry's unless_* lists have swallowed its own
// words, or another entry's longer phrase always wins.
func TestEveryMatchPhraseIsFound(t *testing.T) {
	for _, e := range Default().Entries() {
		for _, m := range e.Match {
			text := m
			if len(e.Context) > 0 {
				text = m + " " + e.Context[0]
			}
			hints := Default().Check(text)
			if len(hints) == 0 || hints[0].ID != e.ID || hints[0].Start != 0 {
				t.Errorf("entry %s: Check(%q) = %q, want a hint from %s at 0", e.ID, text, got(hints), e.ID)
			}
		}
	}
}

// The alternatives we offer must not themselves be hints.
func TestSuggestionsProduceNoHints(t *testing.T) {
	for _, e := range Default().Entries() {
		for _, s := range e.Suggestions {
			if h := Default().Check(s); len(h) > 0 {
				t.Errorf("entry %s: suggestion %q gives hints %q", e.ID, s, got(h))
			}
		}
	}
}
