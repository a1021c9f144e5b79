package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/credential"
	"peerpath/internal/store"
)

// This file serves certificates as Open Badges 3.0 credentials (issue 20):
// the signed credential (JSON-LD with an embedded proof, or a JWT), each
// organisation's issuer profile and revocation list at stable public URLs,
// and a public page that checks a credential file.
//
// All of it is public, like verification, and rate-limited the same way:
// a credential says what the printed certificate says and nothing more.
// The check page verifies credentials issued by this peerpath only, from its
// own database: it fetches nothing from addresses a visitor supplies.

// publicLimit refuses an address that has made too many public lookups.
func (s *Server) publicLimit(w http.ResponseWriter, r *http.Request) error {
	if !s.limits.public.allow(s.clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		return rateLimited()
	}
	return nil
}

// writeLD answers a JSON-LD document.
func writeLD(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/ld+json")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v) //nolint:errcheck // the client went away; nothing to do
}

// credentialFile names a download by its code, never the person.
func credentialFile(w http.ResponseWriter, code, ext string) {
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "certificate-"+code+ext))
}

func (s *Server) issuedCredential(w http.ResponseWriter, r *http.Request) (store.IssuedCredential, error) {
	if err := s.publicLimit(w, r); err != nil {
		return store.IssuedCredential{}, err
	}
	return s.store.CertificateCredential(r.Context(), r.PathValue("code"), s.baseURL(r), s.clientIP(r))
}

func (s *Server) apiCertificateCredential(w http.ResponseWriter, r *http.Request) error {
	c, err := s.issuedCredential(w, r)
	if err != nil {
		return err
	}
	doc, err := c.JSONLD()
	if err != nil {
		return err
	}
	credentialFile(w, c.Badge.Code, ".json")
	writeLD(w, doc)
	return nil
}

func (s *Server) apiCertificateCredentialJWT(w http.ResponseWriter, r *http.Request) error {
	c, err := s.issuedCredential(w, r)
	if err != nil {
		return err
	}
	tok, err := c.JWT()
	if err != nil {
		return err
	}
	credentialFile(w, c.Badge.Code, ".jwt")
	w.Header().Set("Content-Type", "application/vc+jwt")
	_, err = io.WriteString(w, tok)
	return err
}

// orgPath reads the organisation id of a credential URL.
func orgPath(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("org"), 10, 64)
	if err != nil || id <= 0 {
		return 0, core.NotFound("The issuer")
	}
	return id, nil
}

func (s *Server) issuerProfile(w http.ResponseWriter, r *http.Request) error {
	if err := s.publicLimit(w, r); err != nil {
		return err
	}
	org, err := orgPath(r)
	if err != nil {
		return err
	}
	p, err := s.store.IssuerProfile(r.Context(), org, s.baseURL(r))
	if err != nil {
		return err
	}
	writeLD(w, p)
	return nil
}

func (s *Server) statusList(w http.ResponseWriter, r *http.Request) error {
	if err := s.publicLimit(w, r); err != nil {
		return err
	}
	org, err := orgPath(r)
	if err != nil {
		return err
	}
	l, err := s.store.StatusList(r.Context(), org, s.baseURL(r))
	if err != nil {
		return err
	}
	writeLD(w, l)
	return nil
}

// maxCredentialFile is the largest credential file the check page reads.
const maxCredentialFile = 256 << 10

type credentialCheckView struct {
	Form   *form
	Report *credential.Report
	Base   string
}

func (s *Server) credentialCheckPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "credential_check.html", credentialCheckView{Form: newForm(nil), Base: s.baseURL(r)})
}

// checkCredential verifies an uploaded (or pasted) credential against this
// peerpath's own keys and status lists, and shows every check.
func (s *Server) checkCredential(w http.ResponseWriter, r *http.Request) error {
	if err := s.publicLimit(w, r); err != nil {
		return err
	}
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	var raw []byte
	file, _, ferr := r.FormFile("file")
	switch {
	case ferr == nil:
		defer file.Close()
		if raw, err = io.ReadAll(io.LimitReader(file, maxCredentialFile+1)); err != nil {
			return err
		}
	case errors.Is(ferr, http.ErrMissingFile) || errors.Is(ferr, http.ErrNotMultipart):
		raw = []byte(strings.TrimSpace(f.Raw("text")))
	default:
		f.Errors["file"] = "The file could not be read. Try choosing it again."
	}
	switch {
	case len(f.Errors) > 0:
	case len(raw) == 0:
		f.Errors["file"] = "Choose a credential file (.json or .jwt), or paste the credential below."
	case len(raw) > maxCredentialFile:
		f.Errors["file"] = fmt.Sprintf("This file is larger than a credential can be (%d KB at most).", maxCredentialFile>>10)
	}
	if len(f.Errors) > 0 {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "credential_check.html", credentialCheckView{Form: f, Base: s.baseURL(r)})
	}
	rep := credential.Verify(r.Context(), raw, s.store.LocalResolver(s.baseURL(r)), s.clock.Now())
	return s.render(w, r, "credential_check.html", credentialCheckView{Form: newForm(nil), Report: &rep, Base: s.baseURL(r)})
}
