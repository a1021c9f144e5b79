package web

import (
	"reflect"
	"strings"
	"testing"

	"peerpath/internal/store"
)

// TestPlanAPIDocumentsEveryKind keeps the OpenAPI document of each kind of
// plan (typed structs) in step with the kind's sections (store.PlanKind),
// which is what the handlers actually read and write.
func TestPlanAPIDocumentsEveryKind(t *testing.T) {
	for _, k := range store.PlanKinds {
		doc, ok := planDocs[k]
		if !ok {
			t.Fatalf("%s has no documented shape", k.Key)
		}
		sections, ok := reflect.TypeOf(doc).FieldByName("Sections")
		if !ok {
			t.Fatalf("%s: no Sections field", k.Key)
		}
		put, ok := planPutDocs[k]
		if !ok {
			t.Fatalf("%s has no documented PUT body", k.Key)
		}
		if ps, ok := reflect.TypeOf(put).FieldByName("Sections"); !ok || ps.Type != sections.Type {
			t.Errorf("%s: the PUT body's sections are not the document's", k.Key)
		}
		st := sections.Type
		if st.NumField() != len(k.Sections) {
			t.Errorf("%s: %d documented sections, %d in the kind", k.Key, st.NumField(), len(k.Sections))
		}
		want := map[store.SectionType]reflect.Type{
			store.SectionList:     reflect.TypeOf([]string{}),
			store.SectionContacts: reflect.TypeOf([]planContactJSON{}),
			store.SectionText:     reflect.TypeOf(""),
		}
		for i := range st.NumField() {
			f := st.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			spec, ok := k.Spec(key)
			if !ok {
				t.Errorf("%s: the document has %q, the kind has not", k.Key, key)
				continue
			}
			if spec.Key != k.Sections[i].Key {
				t.Errorf("%s: section %d is %q in the document, %q in the kind", k.Key, i, key, k.Sections[i].Key)
			}
			if f.Type != want[spec.Type] {
				t.Errorf("%s.%s: documented as %v, holds %s", k.Key, key, f.Type, spec.Type)
			}
		}
	}
}

func TestTelURL(t *testing.T) {
	for in, want := range map[string]string{
		"988": "tel:988", "617-555-0142 ext. 12": "tel:6175550142", "+44 20 7946 0958": "tel:+442079460958", "(617) 555-0142 x3": "tel:6175550142",
	} {
		if got := string(telURL(in)); got != want {
			t.Errorf("telURL(%q) = %q, want %q", in, got, want)
		}
	}
}
