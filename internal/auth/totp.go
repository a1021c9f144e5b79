package auth

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings: the common authenticator-app defaults (30 s, 6 digits, SHA-1),
// which every app supports.
const totpPeriod = 30

// TOTPEnrolment is a new second-factor secret, as shown on the enrolment page.
type TOTPEnrolment struct {
	Secret    string // base32, for manual entry
	URL       string // otpauth:// URL
	QRDataURI string // PNG image of the URL as a data: URI
}

// NewTOTP creates a secret for account at issuer.
func NewTOTP(issuer, account string) (TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	return enrolmentOf(key)
}

// CheckTOTP checks code against secret at time now, allowing one step of clock
// drift either way. It returns the time step that matched, so the caller can
// refuse a code that was already used (lastStep): a code is good once.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for _, s := range []int64{current - 1, current, current + 1} {
		if s <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode returns the code for secret at time t (tests and the demo use it).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// NewRecoveryCodes returns n single-use codes, formatted XXXXX-XXXXX for reading.
func NewRecoveryCodes(n int) []string {
	codes := make([]string, n)
	for i := range codes {
		c := NewCode(7)[:10]
		codes[i] = c[:5] + "-" + c[5:]
	}
	return codes
}

// NormaliseRecoveryCode makes a typed recovery code comparable with a stored one.
func NormaliseRecoveryCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, " ", "")
	s = strings.ReplaceAll(s, "-", "")
	if len(s) == 10 {
		return s[:5] + "-" + s[5:]
	}
	return s
}

// TOTPFromSecret rebuilds the enrolment view of an existing secret.
func TOTPFromSecret(issuer, account, secret string) (TOTPEnrolment, error) {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("period", "30")
	v.Set("digits", "6")
	v.Set("algorithm", "SHA1")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	key, err := otp.NewKeyFromURL(u.String())
	if err != nil {
		return TOTPEnrolment{}, err
	}
	return enrolmentOf(key)
}

func enrolmentOf(key *otp.Key) (TOTPEnrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{
		Secret:    key.Secret(),
		URL:       key.URL(),
		QRDataURI: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()),
	}, nil
}
