package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// MaxUpload is the largest file peerpath accepts (a scanned, signed form or
// a certificate). Routes that take uploads set MaxBody a little above it.
const MaxUpload = 5 << 20

// uploadTypes are the kinds of file accepted, by what their content is.
var uploadTypes = map[string]string{
	"application/pdf": "PDF",
	"image/png":       "PNG image",
	"image/jpeg":      "JPEG image",
}

// uploadExtensions give a stored file the extension of its checked content.
var uploadExtensions = map[string]string{
	"application/pdf": ".pdf",
	"image/png":       ".png",
	"image/jpeg":      ".jpg",
}

// storedName is the name a file is kept (and later downloaded) under:
// generated, never the sender's, with the extension its content calls for.
// A name chosen by the sender could carry a misleading extension
// ("scan.pdf.exe"), control characters or a path.
func storedName(field, contentType string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return field + "-" + hex.EncodeToString(b) + uploadExtensions[contentType]
}

// readUpload reads an optional file from a multipart form field. The file's
// type is decided by its first bytes, never by its name or the browser's
// claim. It returns nil when no file was chosen.
func readUpload(r *http.Request, field string) (*store.Upload, error) {
	f, _, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &core.Error{Kind: core.KindTooLarge, Message: "The file is too large.", Fields: map[string]string{field: fmt.Sprintf("Choose a file of at most %d MB.", MaxUpload>>20)}}
		}
		return nil, core.Invalid(map[string]string{field: "The file could not be read. Try choosing it again."})
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxUpload+1))
	if err != nil {
		return nil, core.Invalid(map[string]string{field: "The file could not be read. Try choosing it again."})
	}
	if len(data) > MaxUpload {
		return nil, core.Invalid(map[string]string{field: fmt.Sprintf("Choose a file of at most %d MB.", MaxUpload>>20)})
	}
	if len(data) == 0 {
		return nil, core.Invalid(map[string]string{field: "The file is empty."})
	}
	ct := http.DetectContentType(data)
	if i := strings.Index(ct, ";"); i >= 0 {
		ct = ct[:i]
	}
	if _, ok := uploadTypes[ct]; !ok {
		return nil, core.Invalid(map[string]string{field: "Choose a PDF, PNG or JPEG file. This file's content is not one of those, whatever its name says."})
	}
	return &store.Upload{Filename: storedName(field, ct), ContentType: ct, Data: data}, nil
}

// parseMultipart reads a multipart form within the route's body limit.
func parseMultipart(r *http.Request) (*form, error) {
	if err := r.ParseMultipartForm(MaxUpload + (1 << 20)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &core.Error{Kind: core.KindTooLarge, Message: fmt.Sprintf("What you sent is larger than %d MB.", MaxUpload>>20)}
		}
		if errors.Is(err, http.ErrNotMultipart) {
			return postForm(r)
		}
		return nil, core.Malformed("form", "The form could not be read.")
	}
	if err := validUTF8(r); err != nil {
		return nil, err
	}
	return newForm(r.PostForm), nil
}

// serveDocument sends a stored document as a download. Its type was checked
// on the way in; nosniff (on every response) keeps browsers from guessing.
func serveDocument(w http.ResponseWriter, d store.Document, data []byte) {
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", d.Filename))
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.Write(data)
}
