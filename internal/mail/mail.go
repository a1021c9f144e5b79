// Package mail writes the messages peerpath sends (invitations, password
// resets, credential reminders, sign-off answers) and sends them through the
// organisation's SMTP server. Messages are plain text with an HTML
// alternative, and never hold details about people supported: only the
// recipient's own name, their organisation and a link into peerpath.
package mail

import (
	"bytes"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	"peerpath/internal/core"
)

// Message is one email, ready to send.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// body is what the templates below fill: a greeting, paragraphs, an
// optional link with its label, and a closing line.
type body struct {
	Name      string
	Org       string
	Paras     []string
	Link      string
	LinkLabel string
	After     string
	Words
}

// Words are a message's own words around its content, in the reader's
// language (for the emails a person supported receives). The zero value is
// English.
type Words struct {
	Lang     string // "en", "es", "pt"
	Hello    string // "Hello {{name}},": Hello is what comes before the name
	CopyLink string // "If the link does not open, copy this address into your browser:"
	From     string // "peerpath, for": what comes before the organisation's name
}

func (w Words) or() Words {
	if w.Lang == "" {
		w.Lang = "en"
	}
	if w.Hello == "" {
		w.Hello = "Hello"
	}
	if w.CopyLink == "" {
		w.CopyLink = "If the link does not open, copy this address into your browser:"
	}
	if w.From == "" {
		w.From = "peerpath, for"
	}
	return w
}

var textBody = texttemplate.Must(texttemplate.New("text").Parse(`{{.Hello}} {{.Name}},
{{range .Paras}}
{{.}}
{{end}}{{if .Link}}
{{.LinkLabel}}:
{{.Link}}
{{end}}{{if .After}}
{{.After}}
{{end}}
{{.From}} {{.Org}}
`))

var htmlBody = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Org}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1b1b1b;">
<p>{{.Hello}} {{.Name}},</p>
{{range .Paras}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}">{{.LinkLabel}}</a></p>
<p style="font-size: 0.9em;">{{.CopyLink}}<br>{{.Link}}</p>
{{end}}{{if .After}}<p>{{.After}}</p>
{{end}}<p>{{.From}} {{.Org}}</p>
</body></html>
`))

func compose(to, subject string, b body) Message {
	b.Words = b.Words.or()
	var t, h bytes.Buffer
	// The templates are fixed and their data are strings: they cannot fail.
	_ = textBody.Execute(&t, b)
	_ = htmlBody.Execute(&h, b)
	return Message{To: to, Subject: subject, Text: t.String(), HTML: h.String()}
}

// Invitation asks a new user to set their password.
func Invitation(to, name, org, link string, expires time.Time) Message {
	return compose(to, "Your invitation to peerpath for "+org, body{
		Name: name, Org: org,
		Paras:     []string{"An administrator of " + org + " has invited you to peerpath. Open the link below to choose your password and sign in."},
		Link:      link,
		LinkLabel: "Choose your password",
		After:     "The link works once, until " + core.DateTime(expires) + " (Massachusetts time). If you did not expect this message, you can ignore it.",
	})
}

// PortalInvitation invites a person supported to their own portal, in
// their language: w and the texts are already translated. It holds the
// person's first name and a link, nothing about their support.
func PortalInvitation(to, name, org, subject, para, link, linkLabel, after string, w Words) Message {
	return compose(to, subject, body{Name: name, Org: org, Paras: []string{para}, Link: link, LinkLabel: linkLabel, After: after, Words: w})
}

// Reset lets a user choose a new password.
func Reset(to, name, org, link string, expires time.Time) Message {
	return compose(to, "Choose a new peerpath password", body{
		Name: name, Org: org,
		Paras:     []string{"An administrator of " + org + " has made a link for you to choose a new peerpath password."},
		Link:      link,
		LinkLabel: "Choose a new password",
		After:     "The link works once, until " + core.DateTime(expires) + " (Massachusetts time). Your old password keeps working until you choose a new one. If you did not ask for this, tell your administrator.",
	})
}

// CredentialExpiry reminds a worker that one of their credentials ends soon,
// in their language: w and the texts are already translated.
func CredentialExpiry(to, name, org, subject, para, link, linkLabel string, w Words) Message {
	return compose(to, subject, body{Name: name, Org: org, Paras: []string{para}, Link: link, LinkLabel: linkLabel, Words: w})
}

// SignOffAnswer tells a worker their supervisor answered a sign-off
// request (signed it off, or said what to work on first), in their
// language: w and the texts are already translated. It names no
// competency; the page behind the link does.
func SignOffAnswer(to, name, org, subject, para, link, linkLabel string, w Words) Message {
	return compose(to, subject, body{Name: name, Org: org, Paras: []string{para}, Link: link, LinkLabel: linkLabel, Words: w})
}

// SignInCode sends a person with a portal account a one-time sign-in code,
// in their language: w and the texts are already translated. It holds the
// person's first name and the code, nothing about their support.
func SignInCode(to, name, org, subject, para, code, after string, w Words) Message {
	return compose(to, subject, body{Name: name, Org: org, Paras: []string{para, code}, After: after, Words: w})
}
