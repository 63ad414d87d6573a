package directory

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
)

// fingerprintLabel domain-separates the fingerprint hash.
const fingerprintLabel = "lanterne/v1/fingerprint\n"

// fingerprintSymbols is the number of Crockford base32 symbols in a
// fingerprint: 20 symbols of 5 bits, 100 bits of SHA-256.
const fingerprintSymbols = 20

var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// Fingerprint names an organisation: the first 100 bits of
// SHA-256("lanterne/v1/fingerprint\n" || orgID || "\n" || rootPublicKey) in
// Crockford base32, as five groups of four, e.g. K7QM-2DX9-HRT4-P3VN-W8KE.
// It depends only on the root key, so it does not change on rotation.
func Fingerprint(orgID string, rootPublicKey []byte) string {
	h := sha256.New()
	h.Write([]byte(fingerprintLabel))
	h.Write([]byte(orgID))
	h.Write([]byte("\n"))
	h.Write(rootPublicKey)
	sum := h.Sum(nil)
	// 13 bytes = 104 bits encode to 21 symbols; the first 20 are bits 0..99.
	return group(crockford.EncodeToString(sum[:13])[:fingerprintSymbols])
}

// Fingerprint returns the fingerprint of the directory's root key (Keys[0]),
// or "" if it has no keys.
func (d *Directory) Fingerprint() string {
	if len(d.Keys) == 0 {
		return ""
	}
	return Fingerprint(d.OrgID, d.Keys[0].PublicKey)
}

// ParseFingerprint normalises a fingerprint as a person may type it: any
// case, with or without hyphens and spaces, with O read as 0 and I or L as
// 1. It returns the canonical form (upper case, five groups of four) or an
// error wrapping ErrInvalidFingerprint.
func ParseFingerprint(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 0x7f || !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", r) {
			return "", fmt.Errorf("%w: unexpected character", ErrInvalidFingerprint)
		}
		if b.Len() == fingerprintSymbols {
			return "", fmt.Errorf("%w: too long", ErrInvalidFingerprint)
		}
		b.WriteRune(r)
	}
	if b.Len() != fingerprintSymbols {
		return "", fmt.Errorf("%w: too short", ErrInvalidFingerprint)
	}
	return group(b.String()), nil
}

// group cuts 20 symbols into five groups of four joined by hyphens.
func group(s string) string {
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20]
}
