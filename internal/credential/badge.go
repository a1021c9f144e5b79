package credential

import (
	"crypto/ed25519"
	"strconv"
	"time"
)

// Where an organisation's credential documents live, under the server's
// base URL. These URLs are written into every credential, so they must
// never change.

// IssuerURL is the organisation's issuer profile, which publishes its key.
func IssuerURL(base string, orgID int64) string {
	return base + "/credentials/issuers/" + strconv.FormatInt(orgID, 10)
}

// KeyID is the verification method of the organisation's key.
func KeyID(base string, orgID int64) string { return IssuerURL(base, orgID) + "#key-1" }

// StatusListURL is the organisation's revocation list.
func StatusListURL(base string, orgID int64) string {
	return base + "/credentials/status/" + strconv.FormatInt(orgID, 10)
}

// CredentialURL is where a certificate's credential is served; it is also
// the credential's id.
func CredentialURL(base, groupedCode string) string {
	return base + "/api/v1/certificates/" + groupedCode + "/credential"
}

// Badge is what a credential says, taken from a certificate.
type Badge struct {
	Base        string // the server's base URL, https://…
	OrgID       int64
	OrgName     string
	Code        string // grouped
	Recipient   string
	Programme   string
	Criteria    string // the completion rule, in words
	CohortID    int64
	IssuedAt    time.Time
	ValidUntil  time.Time // zero: does not expire
	StatusIndex int64
	Demo        bool
}

// OpenBadgeCredential is an Open Badges 3.0 credential as peerpath issues
// it; Proof is set on the signed JSON-LD form.
type OpenBadgeCredential struct {
	Context           []string           `json:"@context"`
	ID                string             `json:"id"`
	Type              []string           `json:"type"`
	Name              string             `json:"name"`
	Description       string             `json:"description,omitempty"`
	Issuer            IssuerProfile      `json:"issuer"`
	ValidFrom         string             `json:"validFrom" doc:"RFC 3339"`
	ValidUntil        string             `json:"validUntil,omitempty" doc:"RFC 3339; absent, as peerpath certificates do not expire"`
	CredentialSubject AchievementSubject `json:"credentialSubject"`
	CredentialStatus  StatusEntry        `json:"credentialStatus"`
	Proof             *Proof             `json:"proof,omitempty"`
}

// IssuerProfile is the organisation as an Open Badges Profile. Served at
// its own URL it also lists the organisation's key.
type IssuerProfile struct {
	Context            []string   `json:"@context,omitempty"`
	ID                 string     `json:"id"`
	Type               []string   `json:"type"`
	Name               string     `json:"name"`
	URL                string     `json:"url,omitempty"`
	VerificationMethod []Multikey `json:"verificationMethod,omitempty"`
	AssertionMethod    []string   `json:"assertionMethod,omitempty"`
}

// Multikey is a published public key.
type Multikey struct {
	ID                 string `json:"id"`
	Type               string `json:"type" enum:"Multikey"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase" doc:"Ed25519, base58btc, starting z6Mk"`
}

// AchievementSubject says who achieved what. peerpath knows the person by
// the name printed on the certificate only, given as a plain (unhashed)
// identifier.
type AchievementSubject struct {
	Type        []string         `json:"type"`
	Identifier  []IdentityObject `json:"identifier"`
	Achievement Achievement      `json:"achievement"`
}

// IdentityObject names the recipient.
type IdentityObject struct {
	Type         string `json:"type" enum:"IdentityObject"`
	IdentityHash string `json:"identityHash" doc:"the name on the certificate (not hashed)"`
	IdentityType string `json:"identityType" enum:"name"`
	Hashed       bool   `json:"hashed"`
}

// Achievement is the programme completed.
type Achievement struct {
	ID              string   `json:"id"`
	Type            []string `json:"type"`
	AchievementType string   `json:"achievementType" enum:"Certificate"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Criteria        Criteria `json:"criteria"`
}

// Criteria says how the achievement is earned.
type Criteria struct {
	Narrative string `json:"narrative"`
}

// StatusEntry points at the credential's bit in its issuer's revocation
// list.
type StatusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type" enum:"BitstringStatusListEntry"`
	StatusPurpose        string `json:"statusPurpose" enum:"revocation"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

func stamp(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// Credential builds the unsigned credential.
func (b Badge) Credential() OpenBadgeCredential {
	desc := b.OrgName + " certifies that " + b.Recipient + " completed " + b.Programme + "."
	if b.Demo {
		desc = "A demonstration credential from a fictional organisation; it certifies nothing. " + desc
	}
	list := StatusListURL(b.Base, b.OrgID)
	idx := strconv.FormatInt(b.StatusIndex, 10)
	c := OpenBadgeCredential{
		Context:     []string{ContextV2, ContextOB},
		ID:          CredentialURL(b.Base, b.Code),
		Type:        []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:        b.Programme,
		Description: desc,
		Issuer:      b.profile(),
		ValidFrom:   stamp(b.IssuedAt),
		CredentialSubject: AchievementSubject{
			Type:       []string{"AchievementSubject"},
			Identifier: []IdentityObject{{Type: "IdentityObject", IdentityHash: b.Recipient, IdentityType: "name", Hashed: false}},
			Achievement: Achievement{
				ID:              IssuerURL(b.Base, b.OrgID) + "/achievements/cohort-" + strconv.FormatInt(b.CohortID, 10),
				Type:            []string{"Achievement"},
				AchievementType: "Certificate",
				Name:            b.Programme,
				Description:     "Completion of " + b.Programme + ", a course run by " + b.OrgName + ".",
				Criteria:        Criteria{Narrative: b.Criteria},
			},
		},
		CredentialStatus: StatusEntry{ID: list + "#" + idx, Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
			StatusListIndex: idx, StatusListCredential: list},
	}
	if !b.ValidUntil.IsZero() {
		c.ValidUntil = stamp(b.ValidUntil)
	}
	return c
}

func (b Badge) profile() IssuerProfile {
	return IssuerProfile{ID: IssuerURL(b.Base, b.OrgID), Type: []string{"Profile"}, Name: b.OrgName, URL: b.Base}
}

// Sign returns the credential with its Data Integrity proof, made at the
// moment of issue so that the same certificate always gives the same
// document.
func (b Badge) Sign(key ed25519.PrivateKey) (map[string]any, error) {
	return Sign(b.Credential(), key, KeyID(b.Base, b.OrgID), b.IssuedAt)
}

// Profile is the organisation's public issuer profile, with its key.
func Profile(base string, orgID int64, orgName string, pub ed25519.PublicKey) IssuerProfile {
	p := Badge{Base: base, OrgID: orgID, OrgName: orgName}.profile()
	p.Context = []string{ContextV2, ContextOB}
	key := KeyID(base, orgID)
	p.VerificationMethod = []Multikey{{ID: key, Type: "Multikey", Controller: p.ID, PublicKeyMultibase: EncodeMultikey(pub)}}
	p.AssertionMethod = []string{key}
	return p
}
