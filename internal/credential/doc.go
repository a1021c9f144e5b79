// Package credential makes peerpath's certificates portable: each one
// becomes an Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable
// Credential 2.0), secured either by an embedded Data Integrity proof with
// the eddsa-rdfc-2022 cryptosuite or as a JWT (vc+jwt, EdDSA). It also
// encodes and reads Bitstring Status Lists (revocation), publishes an
// organisation's Ed25519 key as a Multikey, and verifies all of it.
//
// Canonicalisation (RDFC-1.0) is done by json-gold; the JSON-LD contexts it
// needs are bundled in the binary and the document loader never fetches
// anything, so signing and verifying work offline and cannot be steered by
// a context served elsewhere.
package credential
