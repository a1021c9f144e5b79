package credential

import (
	"bytes"
	"embed"
	"fmt"

	"github.com/piprate/json-gold/ld"
)

// The contexts every credential peerpath issues names.
const (
	ContextV2 = "https://www.w3.org/ns/credentials/v2"
	ContextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

//go:embed contexts/*
var contextFiles embed.FS

// bundled maps a context URL to its copy in contexts/ (sources in
// contexts/README.md).
var bundled = map[string]string{
	ContextV2: "contexts/credentials-v2.jsonld",
	ContextOB: "contexts/ob-context-3.0.3.json",
}

// Loader is a JSON-LD document loader that answers only from the contexts
// it holds and never goes to the network: a credential naming any other
// context cannot be canonicalised, so it fails verification rather than
// being read under a context fetched from somewhere.
type Loader struct {
	docs map[string][]byte
}

// NewLoader holds the bundled contexts and extra ones (URL → JSON), the
// latter for tests that read other specifications' examples.
func NewLoader(extra map[string][]byte) *Loader {
	l := &Loader{docs: map[string][]byte{}}
	for u, name := range bundled {
		b, err := contextFiles.ReadFile(name)
		if err != nil {
			panic(err) // embedded at build time
		}
		l.docs[u] = b
	}
	for u, b := range extra {
		l.docs[u] = b
	}
	return l
}

// LoadDocument answers a context from the bundle, freshly parsed so that
// nothing json-gold does to it is seen by the next caller.
func (l *Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	b, ok := l.docs[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, fmt.Sprintf("the context %s is not one peerpath knows; it fetches none from the network", u))
	}
	doc, err := ld.DocumentFromReader(bytes.NewReader(b))
	if err != nil {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

var defaultLoader = NewLoader(nil)
