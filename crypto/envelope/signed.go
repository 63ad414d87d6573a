package envelope

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// Signature contexts: what a referent's Ed25519 key signs is the context
// followed by the exact JSON bytes of the message or note.
const (
	MessageSignatureContext = "lanterne/v1/message\n"
	NoteSignatureContext    = "lanterne/v1/note\n"
)

// Errors of signature checks.
var (
	// ErrUnsigned: a message claims a referent author but carries no
	// signature.
	ErrUnsigned = errors.New("envelope: a referent's message or note must be signed")
	// ErrBadSignature: the signature does not verify with the key given.
	ErrBadSignature = errors.New("envelope: bad signature")
	// ErrWrongCase: the message or note names another case than the one it
	// was found in.
	ErrWrongCase = errors.New("envelope: message or note belongs to another case")
	// ErrAuthor: VerifyReferent was called on a message of the reporter
	// or the victim, or VerifyParty on a referent's message.
	ErrAuthor = errors.New("envelope: the author is not of the kind the check expects (referent, or reporter/victim)")
	// ErrVerifyKey: the verify key is not a 32-byte Ed25519 public key.
	ErrVerifyKey = errors.New("envelope: verify key must be 32 bytes")
)

// signedPayload assembles {"<field>":<raw>,"signature":"<base64>"}, or
// {"<field>":<raw>} when sig is nil. raw is compact JSON from json.Marshal,
// so the assembly is itself compact JSON and raw reaches the reader byte for
// byte.
func signedPayload(field string, raw, sig []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"` + field + `":`)
	b.Write(raw)
	if sig != nil {
		b.WriteString(`,"signature":"`)
		b.WriteString(base64.StdEncoding.EncodeToString(sig))
		b.WriteString(`"`)
	}
	b.WriteString(`}`)
	return b.Bytes()
}

// parseSignedPayload splits a signed payload into the exact bytes of its
// field (a JSON object) and its signature (nil when absent). The signature,
// when present, must be a padded standard base64 string of 64 bytes.
func parseSignedPayload(data []byte, field string) (raw, sig []byte, err error) {
	if err := checkKeys(data); err != nil {
		return nil, nil, err
	}
	var parts map[string]json.RawMessage
	if err := json.Unmarshal(data, &parts); err != nil {
		return nil, nil, describe(err)
	}
	for k := range parts {
		if k != field && k != "signature" {
			return nil, nil, fmt.Errorf("%w: unknown field", ErrMalformed)
		}
	}
	raw = parts[field]
	if len(raw) == 0 || raw[0] != '{' {
		return nil, nil, fmt.Errorf("%w: %s must be a JSON object", ErrMalformed, field)
	}
	if s, ok := parts["signature"]; ok {
		var text string
		if err := json.Unmarshal(s, &text); err != nil {
			return nil, nil, fmt.Errorf("%w: signature must be a base64 string", ErrMalformed)
		}
		sig, err = base64.StdEncoding.Strict().DecodeString(text)
		if err != nil || len(sig) != ed25519.SignatureSize || base64.StdEncoding.EncodeToString(sig) != text {
			return nil, nil, fmt.Errorf("%w: signature must be %d bytes in padded base64", ErrMalformed, ed25519.SignatureSize)
		}
	}
	return raw, sig, nil
}

// sign returns the Ed25519 signature of context || raw.
func sign(key ed25519.PrivateKey, context string, raw []byte) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("envelope: signing key must be a 64-byte Ed25519 private key")
	}
	return ed25519.Sign(key, signedBytes(context, raw)), nil
}

// verify checks sig over context || raw with pub.
func verify(pub ed25519.PublicKey, context string, raw, sig []byte) error {
	if len(pub) != ed25519.PublicKeySize {
		return ErrVerifyKey
	}
	if sig == nil {
		return ErrUnsigned
	}
	if !ed25519.Verify(pub, signedBytes(context, raw), sig) {
		return ErrBadSignature
	}
	return nil
}

func signedBytes(context string, raw []byte) []byte {
	return append([]byte(context), raw...)
}
