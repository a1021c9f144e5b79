// Package printout makes the PDFs peerpath prints: a certificate for a person
// who completed a course, a person's safety plan on one page, and the same plan
// as a pocket card.
//
// # Fonts and languages
//
// Names and plan text may be in any language, so the package embeds its own
// fonts instead of relying on the 14 standard PDF fonts (which cover little
// beyond Western European Latin):
//
//   - DejaVu Sans and DejaVu Sans Bold: Latin with all its accents (Spanish,
//     Portuguese, Vietnamese, Haitian Creole …), Greek, Cyrillic, Armenian,
//     Georgian and more.
//   - Droid Sans Fallback: Chinese (Han, simplified and traditional, about
//     21,000 ideographs), Japanese kana, Bopomofo and CJK punctuation.
//
// Each string is split into runs of runes by the first font that has a glyph
// for the rune (DejaVu first, then the fallback). Bold text whose runes exist
// only in the fallback is printed in the fallback's regular weight, because
// the fallback has no bold. Text is normalised to NFC first, so decomposed
// accents (e + combining circumflex + combining tilde) become the precomposed
// letters the fonts draw well. Runes that no embedded font covers (and runes
// outside the Basic Multilingual Plane, such as emoji, which the PDF library
// cannot embed) print as U+FFFD "�"; invisible formatting characters (zero
// width joiners, bidi controls, variation selectors) are dropped. Nothing
// panics on unusual input: the renderers also turn any panic from the PDF
// library into an error.
//
// Every font used is embedded as a subset with a ToUnicode map, so copying
// or extracting text (pdftotext, screen readers, search) gives back the
// original text.
//
// What does not work:
//
//   - Right-to-left scripts (Arabic, Hebrew, Persian, Urdu): DejaVu has the
//     letters, but the text is neither reordered nor shaped. It prints left
//     to right in the order it was typed, Arabic letters in their unjoined
//     forms, so a reader of those scripts sees each word backwards; the
//     extracted text is reversed too. Such plans need another tool for now.
//   - Scripts the fonts lack (Thai, Khmer, Burmese, Devanagari, Bengali,
//     Tamil and the other Indic scripts, Ethiopic/Amharic …) print as "�",
//     one per character. Emoji print as "�". Lao is in DejaVu but unshaped:
//     stacked vowel and tone marks may collide.
//   - Korean: Droid Sans Fallback has almost no Hangul syllables (3 of
//     11,172), so Korean text prints as "�". Supporting it needs another
//     embedded font (Noto Sans CJK KR or Nanum Gothic, several MB).
//   - Line breaking is by spaces, after hyphens and slashes, and between any
//     two Han or kana characters; there are no language-specific rules
//     (Japanese kinsoku, hyphenation).
//   - There is no bold for Han or kana, and no italic anywhere.
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
// All documents are deterministic: the same input gives the same bytes (the
// PDF creation and modification dates are fixed, not the time of printing,
// and the PDF's internal catalogues are sorted).
package printout
