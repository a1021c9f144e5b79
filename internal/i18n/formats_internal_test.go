package i18n

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// sample gives each verb of an English format a value of its kind, so the
// format can be filled as the code fills it.
func sample(key string) []any {
	var args []any
	for i, v := range Verbs(key) {
		switch v[len(v)-1] {
		case 'd':
			args = append(args, 7+i)
		case 'f', 'g':
			args = append(args, 2.5)
		case 'q':
			args = append(args, fmt.Sprintf("quoted value %d", i))
		default:
			args = append(args, fmt.Sprintf("Value number %d", i))
		}
	}
	return args
}

// TestEveryFormatIsFoundFromItsMessage fills every catalogued format and
// checks that Message finds that same format again (no other format, more
// or less specific, takes its messages) and gets its values back.
func TestEveryFormatIsFoundFromItsMessage(t *testing.T) {
	if len(formats) < 50 {
		t.Fatalf("only %d formats in errors.en.toml", len(formats))
	}
	for _, f := range formats {
		args := sample(f.key)
		msg := fmt.Sprintf(f.key, args...)
		got, vals := findFormat(msg)
		if got == nil {
			t.Errorf("%q: the message %q is not found", f.key, msg)
			continue
		}
		if got.key != f.key {
			// Two formats that make the same message must say the same.
			if fmt.Sprintf(got.key, anys(vals)...) != msg {
				t.Errorf("%q: the message %q is taken by %q", f.key, msg, got.key)
			}
			continue
		}
		if want := fmt.Sprintf(asStrings(f.key), anys(vals)...); want != msg {
			t.Errorf("%q: values %q give back %q, not %q", f.key, vals, want, msg)
		}
	}
}

func anys(vals []string) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

// TestTranslatedFormatsShowTheSameValues fails when a translation drops a
// value, shows one twice or shows it another way (%d for %q).
func TestTranslatedFormatsShowTheSameValues(t *testing.T) {
	for _, lang := range Languages[1:] {
		l := In(lang)
		for _, f := range formats {
			tr := l.T(f.key)
			if tr == f.key && lang != "en" {
				t.Errorf("%s: %q is not translated", lang, f.key)
				continue
			}
			want, got := Verbs(f.key), Verbs(tr)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(want, got) {
				t.Errorf("%s: %q shows %v, but the English %q shows %v (use %%[n]d to reorder values)", lang, tr, got, f.key, want)
			}
		}
	}
}

func TestMessageTranslatesAFormatAndItsWords(t *testing.T) {
	es := In("es")
	msg := "There is no safety plan to review yet: write it with the person first."
	got := es.Message(msg)
	if got == msg || strings.Contains(got, "safety plan") {
		t.Errorf("Spanish %q: got %q", msg, got)
	}
	if want := es.T(wordPrefix + "safety plan"); !strings.Contains(got, want) {
		t.Errorf("Spanish %q: got %q, want it to hold %q", msg, got, want)
	}
	if got := In("en").Message(msg); got != msg {
		t.Errorf("English: got %q", got)
	}
	if got := es.Message("Use at most 80 characters."); !strings.Contains(got, "80") || got == "Use at most 80 characters." {
		t.Errorf("Spanish: got %q", got)
	}
	// A message inside another is translated too.
	inner := "This consent was already revoked."
	if got := es.Message(inner + " Still missing: a signature."); !strings.HasPrefix(got, es.T(inner)) || got == inner+" Still missing: a signature." {
		t.Errorf("a message inside another: %q", got)
	}
	// A catalogued piece (store.gap) inside a format, with a value of its own.
	refusal := "This disclosure is not covered by an active Part 2 consent. Missing: consent to disclose to “Boston Housing Authority”."
	if got := es.Message(refusal); !strings.Contains(got, "«Boston Housing Authority»") || strings.Contains(got, "consent to disclose") {
		t.Errorf("the refusal in Spanish: %q", got)
	}
	if got := es.Message("Something no format makes, 12."); got != "Something no format makes, 12." {
		t.Errorf("an unknown message changed: %q", got)
	}
}
