package directory

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
)

// Sign checks d with Check and returns its signed form, the JSON object the
// server stores and Verify reads:
//
//	{"directory": base64(D), "key_id": last key id, "signature": base64(S)}
//
// where D is json.Marshal of d (with its times converted to UTC) and S =
// sign("lanterne/v1/directory\n" || D). sign must be an Ed25519 signature by
// the last key of d.Keys (the organisation's current key); Sign checks the
// result with crypto/ed25519 before returning it. d itself is not changed.
//
// Package orgkey holds the organisation's tink keyset and calls Sign; this
// split keeps tink out of the clients that only verify.
func Sign(d *Directory, sign func(message []byte) ([]byte, error)) ([]byte, error) {
	c := *d
	c.IssuedAt = c.IssuedAt.UTC()
	c.ExpiresAt = c.ExpiresAt.UTC()
	if err := Check(&c); err != nil {
		return nil, err
	}
	body, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	last := c.Keys[len(c.Keys)-1]
	msg := signedMessage(body)
	sig, err := sign(msg)
	if err != nil {
		return nil, fmt.Errorf("directory: cannot sign: %w", err)
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(last.PublicKey, msg, sig) {
		return nil, errors.New("directory: the signature is not by the last key of the chain")
	}
	out, err := json.Marshal(&signedForm{Directory: body, KeyID: last.ID, Signature: sig})
	if err != nil {
		return nil, err
	}
	if len(out) > MaxSignedSize {
		return nil, fmt.Errorf("%w: the signed directory would be larger than %d bytes", ErrMalformed, MaxSignedSize)
	}
	return out, nil
}
