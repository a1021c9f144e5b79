package web

import (
	"regexp"
	"strings"
	"testing"
)

// TestEveryPostingFormGetsItsOwnToken: the tokens are added to the rendered
// page, so every form that posts has one (each its own) and forms that get
// do not.
func TestEveryPostingFormGetsItsOwnToken(t *testing.T) {
	page := `<form class="stack" method="post" action="/people/new" novalidate><input name="a"></form>
<form method="POST" enctype="multipart/form-data" action="/people/1/consent"></form>
<form method="get" action="/people"></form>
<form data-confirm="Sure?" method="post" action="/x/delete"><button>Delete</button></form>`
	out := string(addFormTokens([]byte(page)))
	tokens := regexp.MustCompile(`<input type="hidden" name="form_token" value="([A-Za-z0-9_-]{22})">`).FindAllStringSubmatch(out, -1)
	if len(tokens) != 3 {
		t.Fatalf("%d tokens in %s", len(tokens), out)
	}
	seen := map[string]bool{}
	for _, m := range tokens {
		if seen[m[1]] {
			t.Fatal("two forms share a token")
		}
		seen[m[1]] = true
	}
	if i := strings.Index(out, `method="get"`); strings.Contains(out[i:i+60], "form_token") {
		t.Fatal("a GET form got a token")
	}
}
