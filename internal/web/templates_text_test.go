package web

import (
	"bufio"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template/parse"
)

// TestTemplatesHoldNoWords fails when a page template holds words of its own
// instead of taking them from the message catalogue ({{t .L "key"}}), so
// every string a reader sees can be translated. It reads each template's
// text, between the actions, and the attributes people read (placeholder,
// title, alt, aria-label, and the value of a button). Templates listed in
// testdata/untranslated.txt are not checked yet; remove a template's line
// once its words are in the catalogue, and never add one.
func TestTemplatesHoldNoWords(t *testing.T) {
	pending := map[string]bool{}
	f, err := os.Open("testdata/untranslated.txt")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			pending[line] = true
		}
	}
	f.Close()
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string]any{}
	for _, builtin := range strings.Fields("and or not len index slice print printf println eq ne lt le gt ge call html js urlquery") {
		funcs[builtin] = true
	}
	for name, f := range (&Server{}).funcs() {
		funcs[name] = f
	}
	for _, file := range files {
		name := path.Base(file)
		if pending[name] {
			delete(pending, name)
			continue
		}
		src, err := fs.ReadFile(templateFS, file)
		if err != nil {
			t.Fatal(err)
		}
		trees, err := parse.Parse(name, string(src), "{{", "}}", funcs)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var words []string
		for _, tree := range trees {
			var text strings.Builder
			collectText(tree.Root, &text)
			words = append(words, wordsIn(text.String())...)
			words = append(words, phrasesIn(tree.Root)...)
		}
		if len(words) > 0 {
			sort.Strings(words)
			t.Errorf("%s holds words outside the catalogue: %q", name, words)
		}
	}
	for name := range pending {
		t.Errorf("testdata/untranslated.txt lists %s, which is not a template", name)
	}
}

// phrasesIn returns the string constants inside actions that read as words
// for people: a field's label or hint ({{field .F "name" "Your name"
// "hint=…"}}), or the forms given to plural. A constant that starts with a
// capital and goes on in lower case, or holds two words, counts; map keys
// given to dict ("Name", "Form"), and the key and value names given to t and
// tn, do not.
func phrasesIn(root parse.Node) []string {
	var out []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			fn := ""
			if len(n.Args) > 0 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok {
					fn = id.Ident
				}
			}
			for i, a := range n.Args {
				// dict's keys; t's key and value names; tn's key and names.
				// asset's file name too.
				if fn == "dict" && i%2 == 1 || fn == "t" && (i == 2 || i >= 3 && i%2 == 1) || fn == "tn" && (i == 2 || i >= 4 && i%2 == 0) || fn == "asset" {
					continue
				}
				if str, ok := a.(*parse.StringNode); ok {
					if phrase.MatchString(strings.TrimPrefix(str.Text, "hint=")) {
						out = append(out, str.Text)
					}
					continue
				}
				walk(a)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	walk(root)
	return out
}

// collectText joins a template's text nodes, with a marker where an action
// was, so text on either side of an action is not read as one word.
func collectText(n parse.Node, out *strings.Builder) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			collectText(c, out)
		}
	case *parse.TextNode:
		out.Write(n.Text)
	case *parse.IfNode:
		out.WriteString("\x00")
		collectText(n.List, out)
		collectText(n.ElseList, out)
	case *parse.RangeNode:
		out.WriteString("\x00")
		collectText(n.List, out)
		collectText(n.ElseList, out)
	case *parse.WithNode:
		out.WriteString("\x00")
		collectText(n.List, out)
		collectText(n.ElseList, out)
	default:
		out.WriteString("\x00")
	}
}

var (
	scriptOrStyle = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>`)
	comment       = regexp.MustCompile(`(?s)<!--.*?-->`)
	tag           = regexp.MustCompile(`(?s)<[^>]*>`)
	readAttr      = regexp.MustCompile(`(?i)\b(placeholder|title|alt|aria-label|aria-description)="([^"]*)"`)
	buttonValue   = regexp.MustCompile(`(?is)<input[^>]*type="(?:submit|button|reset)"[^>]*>`)
	valueAttr     = regexp.MustCompile(`(?i)\bvalue="([^"]*)"`)
	entity        = regexp.MustCompile(`&[a-zA-Z]+;|&#[0-9]+;|&#x[0-9a-fA-F]+;`)
	word          = regexp.MustCompile(`\p{L}{2,}`)
	phrase        = regexp.MustCompile(`^\p{Lu}\p{Ll}|\p{L}{2,}(?:[ ,]+|\. +)\p{L}{2,}`)
	tagStart      = regexp.MustCompile(`(?s)<[^>\x00]*`)      // a tag an action cuts: its start
	tagEnd        = regexp.MustCompile(`(?s)\x00[^<\x00]*?>`) // and its end
)

// notWords are the words that stay as they are in every language.
var notWords = map[string]bool{"peerpath": true}

// wordsIn returns the words a reader would see in a piece of template text.
func wordsIn(s string) []string {
	s = scriptOrStyle.ReplaceAllString(s, "\x00")
	s = comment.ReplaceAllString(s, "\x00")
	var seen []string
	for _, m := range readAttr.FindAllStringSubmatch(s, -1) {
		seen = append(seen, m[2])
	}
	for _, b := range buttonValue.FindAllString(s, -1) {
		if m := valueAttr.FindStringSubmatch(b); m != nil {
			seen = append(seen, m[1])
		}
	}
	// Text in a tag cut in two by an action ("<a href=\"{{.}}\" class=x>")
	// is a tag's inside, not words: drop anything from a "<" to the next ">"
	// or action marker, and from an action marker to a ">".
	s = tag.ReplaceAllString(s, "\x00")
	s = tagStart.ReplaceAllString(s, "\x00")
	s = tagEnd.ReplaceAllString(s, "\x00")
	seen = append(seen, s)
	var out []string
	for _, piece := range seen {
		piece = entity.ReplaceAllString(piece, " ")
		for _, w := range word.FindAllString(piece, -1) {
			if !notWords[strings.ToLower(w)] {
				out = append(out, w)
			}
		}
	}
	return out
}
