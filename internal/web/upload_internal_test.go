package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/core"
)

func multipartRequest(t *testing.T, filename string, content []byte) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("note", "kept")
	if filename != "" {
		fw, _ := mw.CreateFormFile("document", filename)
		fw.Write(content)
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/x", &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

func TestReadUploadChecksContent(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	cases := []struct {
		name, file string
		data       []byte
		wantType   string
		wantErr    bool
	}{
		{"pdf", "consent.pdf", pdf, "application/pdf", false},
		{"png named pdf", "scan.pdf", png, "image/png", false},
		{"script named pdf", "consent.pdf", []byte("#!/bin/sh\nrm -rf /\n"), "", true},
		{"html named png", "photo.png", []byte("<html><script>alert(1)</script>"), "", true},
		{"empty", "empty.pdf", nil, "", true},
		{"too large", "big.pdf", append(pdf, bytes.Repeat([]byte("x"), MaxUpload)...), "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := multipartRequest(t, c.file, c.data)
			f, err := parseMultipart(r)
			if err != nil {
				t.Fatal(err)
			}
			if f.Get("note") != "kept" {
				t.Fatal("the other fields were lost")
			}
			u, err := readUpload(r, "document")
			if c.wantErr {
				if e, ok := core.As(err); !ok || e.Fields["document"] == "" {
					t.Fatalf("want a message on the field, got %v", err)
				}
				return
			}
			// Stored under a generated name whose extension is the checked
			// content's, never the sender's name ("scan.pdf" holding a PNG
			// is kept as document-….png).
			if err != nil || u.ContentType != c.wantType || !regexp.MustCompile(`^document-[0-9a-f]{12}\`+uploadExtensions[c.wantType]+`$`).MatchString(u.Filename) {
				t.Fatalf("got %+v %v", u, err)
			}
		})
	}
	r := multipartRequest(t, "", nil)
	parseMultipart(r)
	if u, err := readUpload(r, "document"); u != nil || err != nil {
		t.Fatalf("no file chosen: %v %v", u, err)
	}
	r = multipartRequest(t, `..\..\windows\evil.pdf`, pdf)
	parseMultipart(r)
	if u, _ := readUpload(r, "document"); u == nil || strings.ContainsAny(u.Filename, `\/`) {
		t.Fatalf("path in file name kept: %+v", u)
	}
}
