package i18n_test

import (
	"strings"
	"testing"

	"peerpath/internal/i18n"
)

// TestEveryKeyInEveryLanguage fails when a key is in one language's file but
// not in another's, when a message does not render (in English, a key of
// errors.en.toml renders as itself by design), and when a plural message
// lacks a form the language's CLDR rule needs (Spanish and Portuguese: one,
// many, other).
func TestEveryKeyInEveryLanguage(t *testing.T) {
	en, err := i18n.Keys("en")
	if err != nil {
		t.Fatal(err)
	}
	if len(en) == 0 {
		t.Fatal("the English catalogue is empty")
	}
	want := map[string]bool{}
	for _, k := range en {
		want[k] = true
	}
	for _, lang := range i18n.Languages[1:] {
		keys, err := i18n.Keys(lang)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, k := range keys {
			have[k] = true
			if !want[k] {
				t.Errorf("%s has %q, which English does not (a stale key?)", lang, k)
			}
		}
		for _, k := range en {
			if !have[k] {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
	// The store's messages (errors.*.toml) are catalogued under their own
	// English text, so in English, and only there, they render as their key.
	selfNamed := catalogue(t, "en")
	for _, lang := range i18n.Languages {
		l := i18n.In(lang)
		for _, k := range en {
			if !strings.HasPrefix(k, "n.") {
				if got := l.T(k); got == k && !(lang == "en" && selfNamed[k] == k) || got == "" {
					t.Errorf("%s: %q does not render", lang, k)
				}
				continue
			}
			for _, n := range []int{0, 1, 2, 5, 1000000} {
				if got := l.N(k, n); got == k || got == "" || strings.Contains(got, "<no value>") {
					t.Errorf("%s: plural %q with %d gives %q", lang, k, n, got)
				}
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{
		"Spanish": "es", "español": "es", "es-US": "es", "Português": "pt", "pt-BR": "pt",
		"Portuguese (Brazil)": "pt", "es-MX,es;q=0.9,en;q=0.8": "es", "fr-FR,pt;q=0.5": "pt",
		"": "en", "Haitian Creole": "en", "fr": "en", "en-US": "en",
	} {
		if got := i18n.Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
	// The stored language wins over the browser; an unknown one falls through.
	if got := i18n.Match("Spanish", "pt-BR"); got != "es" {
		t.Errorf("stored language should win: %q", got)
	}
	if got := i18n.Match("Haitian Creole", "pt-BR"); got != "pt" {
		t.Errorf("unknown stored language should fall through to the browser: %q", got)
	}
}

func TestMissingKeyShowsItself(t *testing.T) {
	if got := i18n.In("es").T("no.such.key"); got != "no.such.key" {
		t.Errorf("got %q", got)
	}
	if got := i18n.In("pt").T("lang.name"); got != "Português" {
		t.Errorf("got %q", got)
	}
}
