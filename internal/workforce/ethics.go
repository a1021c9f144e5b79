package workforce

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// DefaultEthicsTitle is the title of the summary peerpath ships.
const DefaultEthicsTitle = "Massachusetts CPS Code of Ethics: a plain-language summary"

// DefaultEthicsText is peerpath's own summary of the Massachusetts Certified
// Peer Specialist Code of Ethics (as revised in 2013): its five principles
// and, one line each, what its fourteen commitments cover. It is written in
// our own words and is not the official text; an organisation publishes the
// official wording as a new version when it has it.
const DefaultEthicsText = `This is peerpath's summary, in plain words, of the Massachusetts Certified Peer Specialist Code of Ethics. It is not the official wording. When your organisation publishes its official text, that is the version you sign.

Five principles

Autonomy: the people we support run their own lives, in keeping with their own culture and values.
Beneficence: we work for each person's well-being as that person understands it.
Fidelity: we are honest and open with the people we support.
Justice: we stand for fair treatment of everyone we support.
Non-maleficence: we do no harm.

Fourteen commitments

1. Self-determination: we help people pursue the goals, needs and wants they choose for themselves.
2. Our own conduct: we keep high standards and look after our own recovery and integrity.
3. Sharing recovery: we are open about our recovery stories and can name what supports them.
4. Rights and dignity: we respect the rights and dignity of everyone we work with, always.
5. No pressure or threats: no intimidation, harassment, force, undue influence, abusive words or promises we cannot keep.
6. No discrimination: we take part in no discrimination of any kind, because everyone has something to teach us.
7. Partnership: we stand beside people so that they make their own decisions when dealing with other professionals.
8. Privacy: we keep what people share with us private and confidential.
9. Community: we support people's full place in the communities they choose, in the least restrictive setting they want.
10. Dual relationships: we avoid relationships or commitments that work against the interests of the people we support.
11. Intimacy: no sexual or intimate relationship with anyone we support now, or supported in a professional role within the past year.
12. Keeping current: we keep learning what is new about recovery and share it with the people we work with.
13. Money and gifts: no business dealings, no loans either way, and no gifts of significant value with the people we support.
14. Fit to work: we never offer support while impaired by alcohol or any other substance, prescribed or not.

By signing, I confirm that I have read this code and commit to following it in my work as a peer worker.`

// NormaliseEthicsText is the form in which a code's text is stored and
// hashed: line endings made \n, spaces at line ends and at the start and end
// of the whole text removed. Two texts that differ only in those ways are
// the same version.
func NormaliseEthicsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// EthicsHash identifies a version of a code of ethics: the SHA-256 of its
// normalised text, in lower-case hex. An attestation records it, so it says
// exactly which words were signed.
func EthicsHash(text string) string {
	sum := sha256.Sum256([]byte(NormaliseEthicsText(text)))
	return hex.EncodeToString(sum[:])
}

// Paragraphs splits a code's text into paragraphs at blank lines, for
// display; the lines within a paragraph are kept.
func Paragraphs(text string) [][]string {
	var out [][]string
	for _, block := range strings.Split(NormaliseEthicsText(text), "\n\n") {
		var lines []string
		for _, l := range strings.Split(block, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			out = append(out, lines)
		}
	}
	return out
}
