package printout

import (
	"math"
	"strings"

	"peerpath/internal/core"
)

// Certificate is what a completion certificate says.
type Certificate struct {
	Recipient      string // the person who completed the programme
	Programme      string // e.g. "Certified Peer Specialist course"
	Issuer         string // the organisation awarding it
	IssuedOn       string // display date, e.g. "23 November 2026"
	Code           string // verification code
	VerifyURL      string // where anyone can check the certificate
	Signatory      string // who signs for the issuer
	SignatoryTitle string
	Demo           bool // print a "DEMO — not a real certificate" mark
}

// CertificatePDF prints a certificate on one landscape US Letter page.
// Recipient and Programme are required; everything else may be empty and is
// then left out.
func CertificatePDF(c Certificate) ([]byte, error) {
	fields := map[string]string{}
	if strings.TrimSpace(c.Recipient) == "" {
		fields["recipient"] = "Enter the name of the person the certificate is for."
	}
	if strings.TrimSpace(c.Programme) == "" {
		fields["programme"] = "Enter the programme the person completed."
	}
	if err := core.Invalid(fields); err != nil {
		return nil, err
	}
	return render("certificate", "L", func(d *doc) { drawCertificate(d, c) })
}

func drawCertificate(d *doc, c Certificate) {
	const (
		w, h  = letterH, letterW // landscape
		cx    = w / 2
		textW = w - 2*100 // the width the text may use, inside the borders
	)
	recipient := cleanLine(c.Recipient)
	programme := cleanLine(c.Programme)
	issuer := cleanLine(c.Issuer)
	issuedOn := cleanLine(c.IssuedOn)
	code := cleanLine(c.Code)
	url := cleanLine(c.VerifyURL)
	signatory := cleanLine(c.Signatory)
	sigTitle := cleanLine(c.SignatoryTitle)

	title := "Certificate of Completion"
	if c.Demo {
		title = "DEMO — " + title
	}
	d.meta(title+": "+recipient+", "+programme, issuer, programme)
	d.addPage()

	if c.Demo {
		// Drawn first so that it lies behind the text.
		d.watermark(cx, h/2, 150, "DEMO")
	}

	// A double border: a firm outer frame and a fine gold inner line.
	d.drawColor(colBlue)
	d.setLineWidth(3)
	d.strokeRect(24, 24, w-48, h-48)
	d.drawColor(colGold)
	d.setLineWidth(0.8)
	d.strokeRect(33, 33, w-66, h-66)
	// Small gold diamonds at the inner corners.
	d.fillColor(colGold)
	for _, p := range [][2]float64{{33, 33}, {w - 33, 33}, {33, h - 33}, {w - 33, h - 33}} {
		d.diamond(p[0], p[1], 5)
	}

	y := 62.0
	if c.Demo {
		d.centred(cx, y, 11, true, colDemo, "DEMO — not a real certificate")
	}

	y = 100
	if issuer != "" {
		d.fitCentred(cx, y, 14, 8, textW, false, colBlue, issuer)
	}

	y = 160
	d.centred(cx, y, 33, true, colBlue, "Certificate of Completion")
	y += 20
	d.rule(cx-60, cx+60, y, 1, colGold)

	y += 38
	d.centred(cx, y, 13, false, colGrey, "This certificate is awarded to")

	// The name: one line, as large as will fit, down to 12 pt; then two
	// or three lines.
	y += 58
	lines, size := fitLines(recipient, false, 38, 12, 10, textW)
	lead := size * 1.2
	y -= float64(len(lines)-1) * lead / 2 // centred on where one line would be
	for i, l := range lines {
		if i > 0 {
			y += lead
		}
		d.centred(cx, y, size, false, colInk, l)
	}
	y += 16
	d.rule(cx-230, cx+230, y, 0.6, colGold)

	y += 32
	d.centred(cx, y, 13, false, colGrey, "for completing")

	// The programme: one line if it fits at 16 pt or more, else up to
	// three lines.
	y += 36
	lines, size = fitLines(programme, true, 24, 16, 10, textW)
	for i, l := range lines {
		if i > 0 {
			y += size * 1.25
		}
		d.centred(cx, y, size, true, colBlue, l)
	}

	// Signature on the left, date on the right, a seal between them.
	const (
		blockY = 472.0 // the signature and date lines
		blockW = 200.0
		leftX  = 220.0
		rightX = w - 220.0
	)
	d.rule(leftX-blockW/2, leftX+blockW/2, blockY, 0.6, colInk)
	below := blockY + 15
	if signatory != "" {
		d.fitCentred(leftX, below, 11, 7, blockW+40, false, colInk, signatory)
		below += 13
		if sigTitle != "" {
			d.fitCentred(leftX, below, 9, 6, blockW+40, false, colGrey, sigTitle)
		}
	} else if issuer != "" {
		d.fitCentred(leftX, below, 11, 7, blockW+40, false, colInk, issuer)
	}

	d.rule(rightX-blockW/2, rightX+blockW/2, blockY, 0.6, colInk)
	if issuedOn != "" {
		d.fitCentred(rightX, blockY-7, 13, 8, blockW, false, colInk, issuedOn)
	}
	d.centred(rightX, blockY+15, 9, false, colGrey, "Date")

	d.seal(cx, blockY-4)

	// Verification, small, at the foot.
	var verify []string
	if url != "" {
		verify = append(verify, "Check this certificate at "+url)
	}
	if code != "" {
		verify = append(verify, "Verification code: "+code)
	}
	fy := h - 56.0
	for i := len(verify) - 1; i >= 0; i-- {
		printed, size := d.fitCentred(cx, fy, 8.5, 5, w-120, false, colGrey, verify[i])
		if strings.HasPrefix(verify[i], "Check") && printed == verify[i] && looksLikeURL(url) {
			// The URL ends the line: make it a link for those who
			// receive the certificate as a PDF.
			tw := textWidth(printed, false, size)
			uw := textWidth(url, false, size)
			d.link(cx+tw/2-uw, fy-size, uw, size*1.2, url)
		}
		fy -= 12
	}
}

// fitLines sets text on one line at the largest size from max down to
// oneLineMin; failing that, on two lines and then three, from oneLineMin
// down to min. Text that needs more than three lines even at min (hundreds
// of characters: not a name or a programme title) is cut with "…" so that
// it cannot run into the rest of the certificate.
func fitLines(s string, bold bool, max, oneLineMin, min, w float64) ([]string, float64) {
	if size, ok := fitSize(s, bold, max, oneLineMin, w); ok {
		return []string{s}, size
	}
	for n := 2; n <= 3; n++ {
		for size := oneLineMin; size >= min; size-- {
			if lines := wrap(s, bold, size, w); len(lines) <= n {
				return lines, size
			}
		}
	}
	lines := wrap(s, bold, min, w)[:3]
	lines[2] = withEllipsis(lines[2], bold, min, w)
	return lines, min
}

// fitCentred prints s centred on cx on one line, at the largest size from
// max down to min that fits w; if it does not fit even at min, it is cut with
// "…" rather than run over the border. It returns what it printed.
func (d *doc) fitCentred(cx, y, max, min, w float64, bold bool, c rgb, s string) (string, float64) {
	size, ok := fitSize(s, bold, max, min, w)
	if !ok {
		s, _ = ellipsize(s, bold, size, w)
	}
	d.centred(cx, y, size, bold, c, s)
	return s, size
}

// looksLikeURL reports whether u can be made a link without surprising
// anyone.
func looksLikeURL(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

// diamond draws a small filled diamond centred on (x, y).
func (d *doc) diamond(x, y, r float64) {
	d.fillPath(d.polygon([2]float64{x, y - r}, [2]float64{x + r, y}, [2]float64{x, y + r}, [2]float64{x - r, y}))
}

// seal draws a plain double ring with a star: an ornament, not an official
// seal, so it carries no words.
func (d *doc) seal(x, y float64) {
	d.drawColor(colGold)
	d.setLineWidth(1.6)
	d.circle(x, y, 30)
	d.setLineWidth(0.6)
	d.circle(x, y, 25)
	d.fillColor(colGold)
	d.star(x, y, 13, 5.5)
}

// star draws a filled five-pointed star centred on (x, y).
func (d *doc) star(x, y, outer, inner float64) {
	pts := make([][2]float64, 0, 10)
	for i := range 10 {
		r := outer
		if i%2 == 1 {
			r = inner
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts = append(pts, [2]float64{x + r*math.Cos(a), y + r*math.Sin(a)})
	}
	d.fillPath(d.polygon(pts...))
}
