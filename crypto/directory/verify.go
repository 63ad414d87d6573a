package directory

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// MaxSignedSize is the largest signed directory Verify reads: 1 MiB, room
// for about 350 referents with post-quantum recipients.
const MaxSignedSize = 1 << 20

// ClockSkew is how far in the future issued_at may be before Verify refuses
// the directory as not yet valid.
const ClockSkew = 5 * time.Minute

// directoryLabel domain-separates the directory signature.
const directoryLabel = "lanterne/v1/directory\n"

// signedForm is the signed directory as the server stores and serves it.
type signedForm struct {
	// Directory is the exact JSON bytes of the Directory that were signed.
	Directory []byte `json:"directory"`
	// KeyID is the id of the key that signed: the last key of the chain.
	KeyID string `json:"key_id"`
	// Signature is Ed25519 over signedMessage(Directory).
	Signature []byte `json:"signature"`
}

// signedMessage is what the last key of the chain signs:
// "lanterne/v1/directory\n" || directory JSON bytes.
func signedMessage(directoryJSON []byte) []byte {
	m := make([]byte, 0, len(directoryLabel)+len(directoryJSON))
	m = append(m, directoryLabel...)
	return append(m, directoryJSON...)
}

// Verify is the client's trust check. It returns the directory in signed if,
// and only if, all of these hold, checked in this order:
//  1. signed is a well-formed signed directory of at most MaxSignedSize bytes
//     (else ErrMalformed);
//  2. it carries a signature (else ErrBadSignature);
//  3. its root key and org id have the pinned fingerprint (else
//     ErrWrongOrganisation);
//  4. every later key of its chain is endorsed by the key before it (else
//     ErrBrokenChain);
//  5. the signature verifies with the last key of the chain, whose id is
//     key_id (else ErrBadSignature);
//  6. the signed directory is strictly well-formed: no unknown or repeated
//     field, exactly the bytes encoding/json gives for it, and Check's rules
//     (else ErrMalformed);
//  7. its version is at least lastSeenVersion (else ErrRollback; pass 0 when
//     no directory of this organisation was seen before);
//  8. issued_at is at most ClockSkew after now (else ErrNotYetValid);
//  9. now is before expires_at (else ErrExpired).
//
// Only the org id and the key chain are read from the directory before its
// signature is verified. A pinnedFingerprint that does not parse gives an
// error wrapping ErrInvalidFingerprint.
func Verify(signed []byte, pinnedFingerprint string, lastSeenVersion uint64, now time.Time) (*Directory, error) {
	pin, err := ParseFingerprint(pinnedFingerprint)
	if err != nil {
		return nil, err
	}
	sf, err := parseSignedForm(signed)
	if err != nil {
		return nil, err
	}
	if len(sf.Signature) == 0 {
		return nil, fmt.Errorf("%w: the directory is not signed", ErrBadSignature)
	}

	// Read only what is needed to find the signing key.
	var head struct {
		OrgID string       `json:"org_id"`
		Keys  []SigningKey `json:"keys"`
	}
	if err := json.Unmarshal(sf.Directory, &head); err != nil {
		return nil, fmt.Errorf("%w: directory is not JSON", ErrMalformed)
	}
	if err := checkChainShape(head.Keys); err != nil {
		return nil, err
	}
	if Fingerprint(head.OrgID, head.Keys[0].PublicKey) != pin {
		return nil, ErrWrongOrganisation
	}
	if err := verifyChain(head.OrgID, head.Keys); err != nil {
		return nil, err
	}
	last := head.Keys[len(head.Keys)-1]
	if sf.KeyID != last.ID {
		return nil, fmt.Errorf("%w: not signed by the last key of the chain", ErrBadSignature)
	}
	if len(sf.Signature) != ed25519.SignatureSize || !ed25519.Verify(last.PublicKey, signedMessage(sf.Directory), sf.Signature) {
		return nil, fmt.Errorf("%w: the signature does not verify", ErrBadSignature)
	}

	d, err := decodeDirectory(sf.Directory)
	if err != nil {
		return nil, err
	}
	// decodeDirectory's canonical-form rule makes these equal; a cheap
	// guard that what was verified is what is returned.
	if d.OrgID != head.OrgID || !slices.EqualFunc(d.Keys, head.Keys, equalKey) {
		return nil, fmt.Errorf("%w: inconsistent directory", ErrMalformed)
	}

	if d.Version < lastSeenVersion {
		return nil, fmt.Errorf("%w: version %d, already seen %d", ErrRollback, d.Version, lastSeenVersion)
	}
	if d.IssuedAt.After(now.Add(ClockSkew)) {
		return nil, ErrNotYetValid
	}
	if !now.Before(d.ExpiresAt) {
		return nil, ErrExpired
	}
	return d, nil
}

// ParseUnverified parses a signed directory WITHOUT checking its signature,
// key chain, fingerprint or validity period: anyone can make bytes that it
// accepts. It exists for tools that only display a directory; never use its
// result to choose whom to encrypt to. It refuses what is malformed
// (ErrMalformed), by the same rules as Verify.
func ParseUnverified(signed []byte) (*Directory, error) {
	sf, err := parseSignedForm(signed)
	if err != nil {
		return nil, err
	}
	d, err := decodeDirectory(sf.Directory)
	if err != nil {
		return nil, err
	}
	if err := checkChainShape(d.Keys); err != nil {
		return nil, err
	}
	return d, nil
}

// parseSignedForm strictly parses the outer JSON object.
func parseSignedForm(signed []byte) (*signedForm, error) {
	if len(signed) > MaxSignedSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrMalformed, MaxSignedSize)
	}
	var sf signedForm
	if err := decodeStrict(signed, &sf); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(sf.Directory) == 0 {
		return nil, fmt.Errorf("%w: no directory", ErrMalformed)
	}
	return &sf, nil
}

// decodeDirectory parses the signed directory bytes: strict JSON, then the
// canonical-form rule (the bytes must be exactly what json.Marshal gives for
// the parsed value, which refuses repeated, misspelt-case and reordered
// fields, extra spaces and other encodings of the same value), then
// checkContent.
func decodeDirectory(b []byte) (*Directory, error) {
	var d Directory
	if err := decodeStrict(b, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	again, err := json.Marshal(&d)
	if err != nil || !bytes.Equal(again, b) {
		return nil, fmt.Errorf("%w: directory JSON is not in canonical form", ErrMalformed)
	}
	if err := checkContent(&d); err != nil {
		return nil, err
	}
	return &d, nil
}

// decodeStrict decodes exactly one JSON value with no unknown field and
// nothing after it.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("invalid JSON or unknown field")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

func equalKey(a, b SigningKey) bool {
	return a.ID == b.ID && bytes.Equal(a.PublicKey, b.PublicKey) && bytes.Equal(a.Endorsement, b.Endorsement)
}
