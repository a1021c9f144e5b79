package printout

import (
	"bytes"
	"fmt"
	"image/color"
	"sync"

	"github.com/tdewolff/canvas"
	canvaspdf "github.com/tdewolff/canvas/renderers/pdf"

	"peerpath/internal/core"
)

// Page sizes, in points (the unit used throughout).
const (
	letterW = 612.0
	letterH = 792.0
)

// mmPerPt converts our points into the millimetres the PDF library works in.
const mmPerPt = 25.4 / 72

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

func (c rgb) color(alpha float64) color.Color {
	return color.NRGBA{uint8(c.r), uint8(c.g), uint8(c.b), uint8(alpha*255 + 0.5)}
}

// doc is one PDF being drawn. The layout code works in points from the top
// left corner of the page, y growing downwards, as a printed page is read;
// doc turns that into the PDF library's millimetres from the bottom left.
type doc struct {
	out       bytes.Buffer
	pdf       *canvaspdf.PDF
	ctx       *canvas.Context
	w, h      float64 // page size in points
	pages     int
	fill      rgb
	stroke    rgb
	lineWidth float64
	dashes    []float64
}

func newDoc(orientation string) *doc {
	d := &doc{w: letterW, h: letterH, lineWidth: 1}
	if orientation == "L" {
		d.w, d.h = letterH, letterW
	}
	d.pdf = canvaspdf.New(&d.out, d.w*mmPerPt, d.h*mmPerPt, &canvaspdf.Options{Compress: true, SubsetFonts: true})
	d.ctx = canvas.NewContext(d.pdf)
	return d
}

// addPage starts a page. The PDF library opens the first one itself.
func (d *doc) addPage() {
	if d.pages > 0 {
		d.pdf.NewPage(d.w*mmPerPt, d.h*mmPerPt)
	}
	d.pages++
}

// px and py turn our coordinates into the library's.
func (d *doc) px(x float64) float64 { return x * mmPerPt }
func (d *doc) py(y float64) float64 { return (d.h - y) * mmPerPt }

// meta sets the document information the PDF reader shows.
func (d *doc) meta(title, author, subject string) {
	d.pdf.SetInfo(title, subject, "", author, "peerpath")
}

func (d *doc) fillColor(c rgb) { d.fill = c }
func (d *doc) drawColor(c rgb) { d.stroke = c }
func (d *doc) setLineWidth(w float64) {
	d.lineWidth = w
}

// setDashes sets the dash pattern of lines drawn next (nil: solid).
func (d *doc) setDashes(dashes ...float64) { d.dashes = dashes }

// strokePath draws the outline of p (in our coordinates) in the draw colour.
func (d *doc) strokePath(p *canvas.Path) {
	d.ctx.SetFillColor(canvas.Transparent)
	d.ctx.SetStrokeColor(d.stroke.color(1))
	d.ctx.SetStrokeWidth(d.lineWidth * mmPerPt)
	dashes := make([]float64, len(d.dashes))
	for i, v := range d.dashes {
		dashes[i] = v * mmPerPt
	}
	d.ctx.SetDashes(0, dashes...)
	d.ctx.DrawPath(0, 0, p)
}

// fillPath fills p (in our coordinates) with the fill colour.
func (d *doc) fillPath(p *canvas.Path) {
	d.ctx.SetFillColor(d.fill.color(1))
	d.ctx.SetStrokeColor(canvas.Transparent)
	d.ctx.DrawPath(0, 0, p)
}

// polygon is the closed path through pts, given as x, y pairs.
func (d *doc) polygon(pts ...[2]float64) *canvas.Path {
	p := &canvas.Path{}
	for i, pt := range pts {
		if i == 0 {
			p.MoveTo(d.px(pt[0]), d.py(pt[1]))
		} else {
			p.LineTo(d.px(pt[0]), d.py(pt[1]))
		}
	}
	p.Close()
	return p
}

func (d *doc) rectPath(x, y, w, h float64) *canvas.Path {
	return d.polygon([2]float64{x, y}, [2]float64{x + w, y}, [2]float64{x + w, y + h}, [2]float64{x, y + h})
}

// strokeRect and fillRect draw a rectangle whose top left corner is (x, y).
func (d *doc) strokeRect(x, y, w, h float64) { d.strokePath(d.rectPath(x, y, w, h)) }
func (d *doc) fillRect(x, y, w, h float64)   { d.fillPath(d.rectPath(x, y, w, h)) }

// line draws a straight line in the draw colour.
func (d *doc) line(x1, y1, x2, y2 float64) {
	p := &canvas.Path{}
	p.MoveTo(d.px(x1), d.py(y1))
	p.LineTo(d.px(x2), d.py(y2))
	d.strokePath(p)
}

// circle draws the outline of a circle centred on (x, y).
func (d *doc) circle(x, y, r float64) {
	d.strokePath(canvas.Circle(r*mmPerPt).Translate(d.px(x), d.py(y)))
}

// link makes the rectangle with top left corner (x, y) a link to url.
func (d *doc) link(x, y, w, h float64, url string) {
	d.pdf.AddLink(url, canvas.Rect{X0: d.px(x), Y0: d.py(y + h), X1: d.px(x + w), Y1: d.py(y)})
}

// text prints clean text s with its baseline at y, starting at x: shaped,
// each script in a font that has it, right-to-left runs reordered. It
// returns the width printed.
func (d *doc) text(x, y, size float64, bold bool, c rgb, s string) float64 {
	return d.textAlpha(x, y, size, bold, c, 1, s)
}

func (d *doc) textAlpha(x, y, size float64, bold bool, c rgb, alpha float64, s string) float64 {
	line := shapeLine(s, bold, size, c.color(alpha))
	px := x
	for _, p := range line.pieces {
		d.ctx.DrawText(d.px(px), d.py(y), p.text)
		px += p.width
	}
	return line.width
}

// centred prints s centred on cx.
func (d *doc) centred(cx, y, size float64, bold bool, c rgb, s string) {
	d.text(cx-textWidth(s, bold, size)/2, y, size, bold, c, s)
}

// rule draws a horizontal line.
func (d *doc) rule(x1, x2, y, width float64, c rgb) {
	d.drawColor(c)
	d.setLineWidth(width)
	d.line(x1, y, x2, y)
}

// watermark prints a large, faint, rotated word across the page, behind
// whatever is drawn after it.
func (d *doc) watermark(cx, cy, size float64, s string) {
	d.ctx.Push()
	// Our y grows downwards, the library's upwards: 28° anticlockwise
	// on the page, as before.
	d.ctx.RotateAbout(28, d.px(cx), d.py(cy))
	d.textAlpha(cx-textWidth(s, true, size)/2, cy+size*0.35, size, true, colDemo, 0.09, s)
	d.ctx.Pop()
}

// renderMu serialises rendering: the parsed fonts, and the shaper inside
// them, are shared by every document and are not safe for concurrent use.
var renderMu sync.Mutex

// render runs draw on a new document and returns the PDF. A panic inside the
// PDF library becomes an error: printing must never take the server down.
func render(what, orientation string, draw func(d *doc)) (out []byte, err error) {
	if err := loadFonts(); err != nil {
		return nil, internalError(what, err)
	}
	renderMu.Lock()
	defer renderMu.Unlock()
	clear(widths)
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, internalError(what, fmt.Errorf("panic: %v", r))
		}
	}()
	d := newDoc(orientation)
	draw(d)
	if d.pages == 0 {
		d.addPage()
	}
	if err := d.pdf.Close(); err != nil {
		return nil, internalError(what, err)
	}
	return d.out.Bytes(), nil
}

// internalError keeps the cause for the log while giving the web layer a
// core.Error (found with errors.As) with a message fit for the person.
func internalError(what string, cause error) error {
	return fmt.Errorf("printout: %s: %v: %w", what, cause,
		core.Errorf(core.KindInternal, "The %s could not be made. Please try again, or ask for help if it keeps happening.", what))
}
