package directory

import (
	"crypto/ed25519"
	"fmt"
)

// endorsementLabel domain-separates key endorsements.
const endorsementLabel = "lanterne/v1/key-endorsement\n"

// MaxChainLength bounds the key chain, so a hostile directory cannot make a
// client verify thousands of endorsements.
const MaxChainLength = 32

// EndorsementMessage is what the previous key of the chain signs to endorse
// newKey (the 32-byte Ed25519 public key):
// "lanterne/v1/key-endorsement\n" || orgID || "\n" || newKey.
func EndorsementMessage(orgID string, newKey []byte) []byte {
	m := make([]byte, 0, len(endorsementLabel)+len(orgID)+1+len(newKey))
	m = append(m, endorsementLabel...)
	m = append(m, orgID...)
	m = append(m, '\n')
	return append(m, newKey...)
}

// CheckChain reports whether keys is a valid key chain for the organisation
// orgID: 1 to MaxChainLength keys, each with an 8-digit lower-case hex id and
// a 32-byte Ed25519 public key, no id or key twice, no endorsement on the
// root, and every later key endorsed by the key before it (see
// EndorsementMessage). Errors wrap ErrMalformed or ErrBrokenChain. It says
// nothing about whose chain it is: that is the fingerprint's job.
func CheckChain(orgID string, keys []SigningKey) error {
	if err := checkChainShape(keys); err != nil {
		return err
	}
	return verifyChain(orgID, keys)
}

// checkChainShape checks what the chain must look like before any signature
// is verified: 1 to MaxChainLength keys, each with a well-formed id and a
// 32-byte public key, no repeated id or key, no endorsement on the root and
// a 64-byte endorsement on every later key. Failures wrap ErrMalformed.
func checkChainShape(keys []SigningKey) error {
	if len(keys) == 0 {
		return fmt.Errorf("%w: no key chain", ErrMalformed)
	}
	if len(keys) > MaxChainLength {
		return fmt.Errorf("%w: key chain longer than %d", ErrMalformed, MaxChainLength)
	}
	ids := make(map[string]bool, len(keys))
	pubs := make(map[string]bool, len(keys))
	for i, k := range keys {
		if !validKeyID(k.ID) {
			return fmt.Errorf("%w: keys[%d]: id must be 8 lower-case hex digits", ErrMalformed, i)
		}
		if ids[k.ID] {
			return fmt.Errorf("%w: keys[%d]: repeated id", ErrMalformed, i)
		}
		ids[k.ID] = true
		if len(k.PublicKey) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: keys[%d]: public key must be %d bytes", ErrMalformed, i, ed25519.PublicKeySize)
		}
		if pubs[string(k.PublicKey)] {
			return fmt.Errorf("%w: keys[%d]: repeated public key", ErrMalformed, i)
		}
		pubs[string(k.PublicKey)] = true
		switch {
		case i == 0 && len(k.Endorsement) != 0:
			return fmt.Errorf("%w: the root key carries an endorsement", ErrMalformed)
		case i > 0 && len(k.Endorsement) != ed25519.SignatureSize:
			return fmt.Errorf("%w: keys[%d]: endorsement must be %d bytes", ErrMalformed, i, ed25519.SignatureSize)
		}
	}
	return nil
}

// verifyChain checks that every key after the root is endorsed by the key
// before it. The chain must already have passed checkChainShape. Failures
// wrap ErrBrokenChain.
func verifyChain(orgID string, keys []SigningKey) error {
	for i := 1; i < len(keys); i++ {
		msg := EndorsementMessage(orgID, keys[i].PublicKey)
		if !ed25519.Verify(keys[i-1].PublicKey, msg, keys[i].Endorsement) {
			return fmt.Errorf("%w: keys[%d] is not endorsed by keys[%d]", ErrBrokenChain, i, i-1)
		}
	}
	return nil
}

// validKeyID reports whether id is 8 lower-case hex digits (orgkey uses the
// tink key id).
func validKeyID(id string) bool {
	if len(id) != 8 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
