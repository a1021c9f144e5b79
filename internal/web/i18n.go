package web

import (
	"context"
	"net/http"

	"peerpath/internal/i18n"
)

type langKey struct{}

// withLanguage records, for the rest of the request, the language a page
// about a person is read in: the portal sets the person's own, a printout
// made for a person sets theirs.
func withLanguage(r *http.Request, l *i18n.Localizer) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), langKey{}, l))
}

// localizer is the language of the page being rendered. In order: one set on
// the request (withLanguage), the language the reader picked with the
// switcher (the "lang" cookie), then the browser's Accept-Language. Staff
// pages are in English until their strings are in the catalogue, so a
// signed-in staff member reads English whatever the browser says.
func localizer(r *http.Request) *i18n.Localizer {
	if l, ok := r.Context().Value(langKey{}).(*i18n.Localizer); ok && l != nil {
		return l
	}
	if p := principal(r); p != nil && !p.User.IsPortal() {
		return i18n.In("en")
	}
	return i18n.For(langCookie(r), r.Header.Get("Accept-Language"))
}

// LocalizerFor is the localizer for a printout or email made for a person:
// their stored language first, then the reader's browser.
func LocalizerFor(r *http.Request, personLanguage string) *i18n.Localizer {
	if r == nil {
		return i18n.For(personLanguage)
	}
	return i18n.For(personLanguage, langCookie(r), r.Header.Get("Accept-Language"))
}

func langCookie(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		return c.Value
	}
	return ""
}
