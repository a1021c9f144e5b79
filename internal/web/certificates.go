package web

import (
	"fmt"
	"net/http"

	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/printout"
	"peerpath/internal/store"
)

// This file prints certificates and serves their public verification.
//
// Verification (/verify/{code} and GET /api/v1/certificates/{code}) needs
// no sign-in and shows only the name, programme, date, issuer and whether
// the certificate is valid or revoked (with the date): nothing else about
// the person or the cohort. It is rate-limited per address, so codes cannot
// be tried in bulk (96 random bits make guessing hopeless anyway).

func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	cert, err := s.store.CertificateToPrint(r.Context(), s.actor(r), cid, pid)
	if err != nil {
		return err
	}
	return s.sendCertificate(w, r, cert)
}

func (s *Server) myCertificatePDF(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cert, err := s.store.MyCertificate(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	return s.sendCertificate(w, r, cert)
}

// verifyURL is where a certificate's code can be checked, as printed on it.
func (s *Server) verifyURL(r *http.Request, cert store.Certificate) string {
	return s.baseURL(r) + "/verify/" + cert.GroupedCode()
}

func (s *Server) sendCertificate(w http.ResponseWriter, r *http.Request, cert store.Certificate) error {
	pdf, err := printout.CertificatePDF(printout.Certificate{Recipient: cert.Recipient, Programme: cert.Programme, Issuer: cert.Issuer,
		IssuedOn: cohort.FormatDayLong(cert.IssuedOn), Code: cert.GroupedCode(), VerifyURL: s.verifyURL(r, cert), Demo: cert.Demo})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	// The file is named by its code, not the person: downloads folders and
	// shared drives list file names.
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "certificate-"+cert.GroupedCode()+".pdf"))
	w.Header().Set("Content-Length", fmt.Sprint(len(pdf)))
	_, err = w.Write(pdf)
	return err
}

type verifyView struct {
	Form     *form
	Cert     *store.PublicCertificate
	NotFound bool
}

// verifyForm is where someone holding a printed certificate types its code.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r.URL.Query())
	if raw := f.Get("code"); raw != "" {
		if code, ok := cohort.NormalizeCode(raw); ok {
			http.Redirect(w, r, "/verify/"+cohort.GroupCode(code), http.StatusSeeOther)
			return nil
		}
		f.Errors["code"] = "A code has 20 letters and digits, such as ABCD-EFGH-JKLM-NPQR-STUV. Check it against the certificate."
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "verify.html", verifyView{Form: f})
	}
	return s.render(w, r, "verify.html", verifyView{Form: f})
}

func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) error {
	if !s.limits.public.allow(s.clientIP(r)) {
		return rateLimited()
	}
	c, err := s.store.VerifyCertificate(r.Context(), r.PathValue("code"), s.clientIP(r))
	if core.KindOf(err) == core.KindNotFound {
		return s.renderStatus(w, r, http.StatusNotFound, "verify.html", verifyView{Form: newForm(nil), NotFound: true})
	}
	if err != nil {
		return err
	}
	return s.render(w, r, "verify.html", verifyView{Form: newForm(nil), Cert: &c})
}

// publicCertificateJSON is all the API tells anyone about a certificate.
type publicCertificateJSON struct {
	Code      string `json:"code" doc:"the verification code, grouped for reading"`
	Name      string `json:"name" doc:"the name printed on the certificate"`
	Programme string `json:"programme"`
	IssuedOn  string `json:"issued_on" doc:"YYYY-MM-DD"`
	Issuer    string `json:"issuer" doc:"the organisation that issued it"`
	Status    string `json:"status" enum:"valid,revoked"`
	RevokedOn string `json:"revoked_on,omitempty" doc:"YYYY-MM-DD, when revoked; the reason is not public"`
	Demo      bool   `json:"demo,omitempty" doc:"true for a demo organisation's certificate, which is not real"`
}

func toPublicCertificateJSON(c store.PublicCertificate) publicCertificateJSON {
	out := publicCertificateJSON{Code: c.Code, Name: c.Recipient, Programme: c.Programme, IssuedOn: c.IssuedOn, Issuer: c.Issuer, Status: "valid", Demo: c.Demo}
	if c.Revoked {
		out.Status, out.RevokedOn = "revoked", c.RevokedOn
	}
	return out
}

func (s *Server) apiVerifyCertificate(w http.ResponseWriter, r *http.Request) error {
	if !s.limits.public.allow(s.clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		return rateLimited()
	}
	c, err := s.store.VerifyCertificate(r.Context(), r.PathValue("code"), s.clientIP(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPublicCertificateJSON(c))
	return nil
}
