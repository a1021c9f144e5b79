package printout

import (
	"bytes"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"peerpath/internal/core"
)

// Page sizes, in points (the unit used throughout).
const (
	letterW = 612.0
	letterH = 792.0
)

// fixedDate is written as the PDF's creation and modification date. Using the
// time of printing would make every PDF different and untestable; the date
// that matters to the reader (issued on, plan updated on) is in the text.
var fixedDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// rgb is a colour.
type rgb struct{ r, g, b int }

// The palette: dark ink for text, a deep blue for structure, a muted gold for
// ornament, a soft tint for boxes, and red only for the demo mark.
var (
	colInk  = rgb{33, 37, 41}
	colBlue = rgb{27, 54, 93}
	colGold = rgb{170, 136, 80}
	colGrey = rgb{95, 101, 110}
	colRule = rgb{200, 205, 212}
	colTint = rgb{239, 243, 248}
	colDemo = rgb{185, 28, 45}
)

// doc wraps one fpdf document, adding our fonts only when a face is first
// used: the CJK fallback is 4 MB and parsing it is most of the cost of a
// document, so documents without Han or kana never pay for it.
type doc struct {
	pdf     *fpdf.Fpdf
	added   [numFaces]bool
	cur     face
	curSize float64
	fontSet bool
}

func newDoc(orientation string) *doc {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orientation, UnitStr: "pt", SizeStr: "Letter"})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0) // we lay out every page ourselves
	pdf.SetCreationDate(fixedDate)
	pdf.SetModificationDate(fixedDate)
	pdf.SetCatalogSort(true)
	pdf.SetCreator("peerpath", false)
	return &doc{pdf: pdf}
}

// meta sets the document information the PDF reader shows.
func (d *doc) meta(title, author, subject string) {
	d.pdf.SetTitle(title, true)
	if author != "" {
		d.pdf.SetAuthor(author, true)
	}
	if subject != "" {
		d.pdf.SetSubject(subject, true)
	}
}

func (d *doc) setFont(fc face, size float64) {
	info := faceInfo[fc]
	if !d.added[fc] {
		d.pdf.AddUTF8FontFromBytes(info.family, info.style, info.data)
		d.added[fc] = true
	}
	if !d.fontSet || d.cur != fc || d.curSize != size {
		d.pdf.SetFont(info.family, info.style, size)
		d.cur, d.curSize, d.fontSet = fc, size, true
	}
}

func (d *doc) textColor(c rgb) { d.pdf.SetTextColor(c.r, c.g, c.b) }
func (d *doc) drawColor(c rgb) { d.pdf.SetDrawColor(c.r, c.g, c.b) }
func (d *doc) fillColor(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }

// text prints clean text s with its baseline at y, starting at x, switching
// fonts by run. It returns the width printed.
func (d *doc) text(x, y, size float64, bold bool, c rgb, s string) float64 {
	d.textColor(c)
	x0 := x
	for _, r := range splitRuns(s, bold) {
		d.setFont(r.face, size)
		d.pdf.Text(x, y, r.text)
		x += r.width(size)
	}
	return x - x0
}

// centred prints s centred on cx.
func (d *doc) centred(cx, y, size float64, bold bool, c rgb, s string) {
	d.text(cx-textWidth(s, bold, size)/2, y, size, bold, c, s)
}

// rule draws a horizontal line.
func (d *doc) rule(x1, x2, y, width float64, c rgb) {
	d.drawColor(c)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(x1, y, x2, y)
}

// watermark prints a large, faint, rotated word across the page, behind
// whatever is drawn after it.
func (d *doc) watermark(cx, cy, size float64, s string) {
	// Select the font outside the transformation: the PDF graphics state
	// (font included) is restored at TransformEnd, but fpdf does not know
	// that and would not select the font again afterwards.
	d.setFont(faceBold, size)
	d.pdf.SetAlpha(0.09, "Normal")
	d.pdf.TransformBegin()
	d.pdf.TransformRotate(28, cx, cy)
	d.centred(cx, cy+size*0.35, size, true, colDemo, s)
	d.pdf.TransformEnd()
	d.pdf.SetAlpha(1, "Normal")
}

// render runs draw on a new document and returns the PDF. A panic inside the
// PDF library (it has a few on input it does not expect) becomes an error:
// printing must never take the server down.
func render(what, orientation string, draw func(d *doc)) (out []byte, err error) {
	if err := loadCoverage(); err != nil {
		return nil, internalError(what, err)
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, internalError(what, fmt.Errorf("panic: %v", r))
		}
	}()
	d := newDoc(orientation)
	draw(d)
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return nil, internalError(what, err)
	}
	return buf.Bytes(), nil
}

// internalError keeps the cause for the log while giving the web layer a
// core.Error (found with errors.As) with a message fit for the person.
func internalError(what string, cause error) error {
	return fmt.Errorf("printout: %s: %v: %w", what, cause,
		core.Errorf(core.KindInternal, "The %s could not be made. Please try again, or ask for help if it keeps happening.", what))
}
