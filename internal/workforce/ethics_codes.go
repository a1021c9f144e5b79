package workforce

// A code of ethics per track (issue 12): Massachusetts peer workers on the
// mental-health track sign the CPS Code of Ethics; those on the addiction
// track keep to their Recovery Support Center's code of ethics or conduct.
// peerpath ships a placeholder for the RSC code, which each organisation
// replaces with its own text, and one for any other code a chart names.

// DefaultRSCTitle is the title of the RSC placeholder peerpath ships.
const DefaultRSCTitle = "Recovery Support Center code of ethics/conduct (placeholder)"

// DefaultRSCText is the placeholder peerpath ships for the RSC code. It is
// not any centre's code: it says so, and says what the organisation should
// do. A worker may sign it, but the organisation is expected to publish its
// own text first, and everyone is then asked to sign that.
const DefaultRSCText = `This is a placeholder shipped with peerpath, not your Recovery Support Center's code of ethics or conduct. Each centre writes its own code. An administrator replaces this text with your centre's code, and everyone on the addiction track is then asked to sign that version.

Until then, these are the commitments most centres' codes share, in peerpath's words:

1. I keep to my centre's code of ethics or conduct and its policies, and I ask my supervisor when I am unsure.
2. I respect every path to recovery, and each person's right to choose their own.
3. I keep what people tell me private, within the law and my centre's policies, and I say plainly where those limits are.
4. I keep clear, honest boundaries: no romantic or business relationships, loans or gifts of significant value with people I support.
5. I share my own recovery experience only when it helps the person in front of me.
6. I do not offer clinical advice, diagnosis or treatment; I link people with those who do.
7. I take care of my own recovery and wellbeing, and I ask for support when I need it.`

// PlaceholderTitle and PlaceholderText are shipped for a code a chart names
// that peerpath has no text for.
func PlaceholderTitle(title string) string { return title + " (placeholder)" }

// PlaceholderText is the text shipped for such a code.
func PlaceholderText(title string) string {
	return "This is a placeholder shipped with peerpath for " + title + ". Your organisation has not published the code's text yet. An administrator publishes it, and everyone it applies to is then asked to sign that version."
}
