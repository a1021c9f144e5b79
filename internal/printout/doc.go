// Package printout makes the PDFs peerpath prints: a certificate for a person
// who completed a course, a person's safety plan on one page, and the same plan
// as a pocket card.
//
// # Fonts and languages
//
// Names and plan text may be in any language, so the package embeds its own
// fonts and shapes text itself (docs/printing.md has the whole story):
//
//   - DejaVu Sans and DejaVu Sans Bold: Latin with all its accents (Spanish,
//     Portuguese, Vietnamese, Haitian Creole …), Greek, Cyrillic, Armenian,
//     Georgian, Arabic and Hebrew.
//   - Droid Sans Fallback: Chinese (Han, simplified and traditional, about
//     21,000 ideographs), Japanese kana, Bopomofo and CJK punctuation.
//   - NanumSquare and NanumSquare Bold: Korean, every Hangul syllable.
//
// Text is normalised to NFC, broken into lines (ours: spaces, hyphens
// between letters, between CJK characters), and each line is laid out by
// shapeLine: the Unicode bidirectional algorithm orders it, it is cut into
// pieces by font (Hangul to Nanum, the rest to DejaVu, then the fallback)
// and direction, and HarfBuzz (github.com/go-text/typesetting, through
// github.com/tdewolff/canvas, the PDF library) shapes each piece: Arabic
// joined and right to left, Hebrew right to left, marks placed. Runes that
// no embedded font covers (Thai, Indic scripts, Ethiopic, emoji and anything
// above U+FFFF) print as U+FFFD "�"; invisible formatting characters (zero
// width joiners, bidi controls, variation selectors) are dropped. Nothing
// panics on unusual input: the renderers also turn any panic from the PDF
// library into an error.
//
// Every font used is embedded as a subset with a ToUnicode map, so copying
// or extracting text (pdftotext, screen readers, search) gives back the
// text in logical order; Arabic comes back as Unicode presentation forms,
// which NFKC folds into the letters typed. Optional Latin ligatures are off
// so that every glyph maps back to one letter.
//
// Plan and card items and headings that start in a right-to-left script
// are set from the right edge of their column, bullet on the right.
//
// What does not work: line breaking has no language-specific rules
// (Japanese kinsoku, hyphenation); there is no bold for Han or kana and no
// italic anywhere.
//
// # Documents
//
// CertificatePDF prints a landscape US Letter certificate. PlanPDF prints a
// safety plan on one portrait Letter page, shrinking the type (down to 7 pt)
// to fit, and continuing on further pages rather than ever dropping text.
// PocketCardPDF prints a 3.5 × 2 inch fold-over card: one portrait Letter
// page carrying the front and the back side by side (7 × 2 inches), with a
// solid cutting line around both and a dashed folding line between them, so
// a person can print it at home, cut it out and fold it into a double-sided
// card. The card is a summary: its type shrinks down to 6 pt, and below that
// items are cut short with "…" and "(see full plan)" is added.
//
// The same input gives the same pages: the same text in the same places, in
// the same fonts. The bytes differ between two printings, because the PDF
// library stamps the time of printing into the document information and
// into each embedded font subset. Documents are made one at a time per
// process, as the parsed fonts are shared.
package printout
