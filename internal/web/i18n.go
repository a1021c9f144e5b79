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
// the request (withLanguage; for the portal, LocalizerFor: the language the
// person chose, their record's, then the browser's). A signed-in member of
// staff reads the language they chose in their settings (users.language),
// English without a choice: staff pages do not follow the browser, so what
// a worker sees does not change with the computer they use. Anyone else
// (the portal, the sign-in page) reads the language they chose, then the
// one picked with the switcher (the "lang" cookie), then the browser's
// Accept-Language.
func localizer(r *http.Request) *i18n.Localizer {
	if l, ok := r.Context().Value(langKey{}).(*i18n.Localizer); ok && l != nil {
		return l
	}
	p := principal(r)
	if p != nil && !p.User.IsPortal() {
		return i18n.For(p.User.Language)
	}
	own := ""
	if p != nil {
		own = p.User.Language
	}
	return i18n.For(own, langCookie(r), r.Header.Get("Accept-Language"))
}

// LocalizerFor is the localizer for a printout or email made for a person:
// their stored language first, then the reader's browser.
func LocalizerFor(r *http.Request, personLanguage string) *i18n.Localizer {
	if r == nil {
		return i18n.For(personLanguage)
	}
	own := ""
	if p := principal(r); p != nil && p.User.IsPortal() {
		// The person's own choice in their portal comes first.
		own = p.User.Language
		if own == "" {
			own = langCookie(r)
		}
	}
	return i18n.For(own, personLanguage, langCookie(r), r.Header.Get("Accept-Language"))
}

func langCookie(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		return c.Value
	}
	return ""
}
