package credential

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// SignJWT secures a credential as a JWT (VC-JOSE-COSE): the claims are the
// credential itself without an embedded proof, the header says typ vc+jwt,
// alg EdDSA and the key's id. iss, jti and nbf repeat the issuer, the id
// and validFrom for JWT libraries that read only those.
func SignJWT(b Badge, key ed25519.PrivateKey) (string, error) {
	c := b.Credential()
	claims, err := toMap(c)
	if err != nil {
		return "", err
	}
	claims["iss"] = c.Issuer.ID
	claims["jti"] = c.ID
	claims["nbf"] = b.IssuedAt.Unix()
	if !b.ValidUntil.IsZero() {
		claims["exp"] = b.ValidUntil.Unix()
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims(claims))
	tok.Header["typ"] = "vc+jwt"
	tok.Header["kid"] = KeyID(b.Base, b.OrgID)
	return tok.SignedString(key)
}

// VerifyJWT checks a vc+jwt's signature with the key its kid names and
// returns the credential it carries. Dates are left to the caller, which
// reports them as a check of their own.
func VerifyJWT(token string, resolve KeyResolver) (map[string]any, string, error) {
	var kid string
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		if typ, _ := t.Header["typ"].(string); typ != "vc+jwt" {
			return nil, fmt.Errorf("the JWT's typ is %q, not vc+jwt", typ)
		}
		kid, _ = t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("the JWT names no key (kid)")
		}
		return resolve(kid)
	}, jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithoutClaimsValidation())
	out := map[string]any(claims)
	for _, k := range []string{"iss", "jti", "nbf", "exp", "iat", "sub"} {
		delete(out, k)
	}
	if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
		return out, kid, ErrSignature
	}
	if err != nil {
		return nil, kid, err
	}
	return out, kid, nil
}
